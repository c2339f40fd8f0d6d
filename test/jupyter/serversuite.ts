// The Jupyter Server suite, driven from Node through @jupyterlab/services (what JupyterLab itself
// uses): a session with the goperf kernel, Go cells, %escape, %bench, interrupt, restart, shutdown,
// and no process left behind. services.test.ts runs it against a local Jupyter Server,
// gateway.test.ts against a Jupyter Server whose kernels live behind Jupyter Enterprise Gateway.

import { KernelManager, KernelSpecManager, ServerConnection, SessionManager, type Kernel, type KernelMessage, type Session } from "@jupyterlab/services";
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { CELL_MS, goperfKernels, processesMentioning, runTmp, waitFor, within, type JupyterServer } from "./helpers.js";

const ESCAPE_MIME = "application/vnd.goperf.escape.v1+json";
const BENCH_MIME = "application/vnd.goperf.bench.v1+json";

interface Executed {
  reply: KernelMessage.IExecuteReplyMsg;
  iopub: KernelMessage.IIOPubMessage[];
}

/** Executes `code`, collecting its iopub messages, bounded by CELL_MS. */
async function execute(kernel: Kernel.IKernelConnection, code: string, onIOPub?: (msg: KernelMessage.IIOPubMessage) => void): Promise<Executed> {
  const future = kernel.requestExecute({ code, stop_on_error: true, store_history: true });
  const iopub: KernelMessage.IIOPubMessage[] = [];
  future.onIOPub = (msg) => {
    iopub.push(msg);
    onIOPub?.(msg);
  };
  const reply = (await within(future.done, CELL_MS, `the cell ${JSON.stringify(code.slice(0, 40))}`)) as KernelMessage.IExecuteReplyMsg;
  return { reply, iopub };
}

function stdout(iopub: readonly KernelMessage.IIOPubMessage[]): string {
  return iopub
    .filter((m): m is KernelMessage.IStreamMsg => m.header.msg_type === "stream")
    .filter((m) => m.content.name === "stdout")
    .map((m) => m.content.text)
    .join("");
}

/** The cell's displays, and the updates that replace them (%bench's report replaces its progress line). */
function displays(iopub: readonly KernelMessage.IIOPubMessage[]): KernelMessage.IDisplayDataMsg[] {
  return iopub.filter((m): m is KernelMessage.IDisplayDataMsg => m.header.msg_type === "display_data" || m.header.msg_type === "update_display_data");
}

function errorText(e: Executed): string {
  const c = e.reply.content;
  return c.status === "error" ? `${c.ename}: ${c.evalue}` : c.status;
}

/** The kernel_info of a new connection, bounded. */
function kernelInfo(kernel: Kernel.IKernelConnection): Promise<KernelMessage.IInfoReply> {
  return within(kernel.info, 30_000, "kernel_info");
}

/** What a suite runs against: the server the front end talks to, and how to stop what stands behind it. */
export interface ServerUnderTest {
  server: JupyterServer;
  /** Stops whatever else the setup started (a gateway), after the server; throws on leftovers. */
  stopBehind?: () => Promise<void>;
  /** What else to show when a test fails (the gateway's log); the server's own log is shown anyway. */
  logs?: () => string;
}

export function describeJupyterServer(title: string, start: () => Promise<ServerUnderTest>): void {
  describe(title, function () {
    this.timeout(CELL_MS + 60_000);
    let server: JupyterServer | undefined;
    let behind: (() => Promise<void>) | undefined;
    let logs: (() => string) | undefined;
    let kernels: KernelManager | undefined;
    let sessions: SessionManager | undefined;
    let session: Session.ISessionConnection | undefined;
    let kernelPids: number[] = [];

    const kernel = (): Kernel.IKernelConnection => {
      const k = session?.kernel;
      if (!k) throw new Error("no session kernel (an earlier test failed)");
      return k;
    };

    before(async function () {
      this.timeout(90_000);
      ({ server, stopBehind: behind, logs } = await start());
      const serverSettings = ServerConnection.makeSettings({ baseUrl: server.url, wsUrl: server.url.replace(/^http/, "ws"), token: server.token });
      kernels = new KernelManager({ serverSettings });
      sessions = new SessionManager({ kernelManager: kernels, serverSettings });
      await within(sessions.ready, 30_000, "the session manager");
    });

    // A failure says what the servers logged: a slow or unreachable gateway shows up there.
    afterEach(function () {
      const test = this.currentTest;
      if (test?.state !== "failed" || !test.err || !server) return;
      test.err.message += `\n--- Jupyter Server's log (end):\n${server.log().slice(-3000)}${logs ? `\n--- ${logs()}` : ""}`;
    });

    after(async function () {
      this.timeout(60_000);
      session?.dispose();
      sessions?.dispose();
      kernels?.dispose();
      await server?.stop();
      await behind?.();
    });

    it("lists the goperf kernelspec as Go (perf)", async () => {
      const specs = new KernelSpecManager({ serverSettings: kernels!.serverSettings });
      await within(specs.ready, 30_000, "kernelspecs");
      const goperf = specs.specs?.kernelspecs.goperf;
      expect(goperf, `kernelspecs: ${Object.keys(specs.specs?.kernelspecs ?? {}).join(", ")}`).to.not.equal(undefined);
      expect(goperf!.display_name).to.equal("Go (perf)");
      expect(goperf!.language).to.equal("go");
      specs.dispose();
    });

    it("starts a session with the goperf kernel", async () => {
      session = await within(
        sessions!.startNew({ path: "services.ipynb", type: "notebook", name: "services.ipynb", kernel: { name: "goperf" } }),
        60_000,
        "starting a goperf session",
      );
      const info = await kernelInfo(kernel());
      expect(info.language_info.name).to.equal("go");
      expect(info.implementation).to.equal("goperf");
      const started = await waitFor(() => goperfKernels().length === 1 && goperfKernels(), 10_000, "one goperf kernel process");
      kernelPids = started.map((p) => p.pid);
      // Its sockets are on loopback, whoever launched it.
      const connectionFile = started[0].cmdline.split(" ").find((arg) => arg.endsWith(".json"));
      expect(JSON.parse(readFileSync(connectionFile!, "utf8")).ip).to.equal("127.0.0.1");
    });

    it("runs Go cells: a declaration, then fmt.Println(Square(7)) prints 49", async () => {
      const decl = await execute(kernel(), "func Square(x int) int {\n\treturn x * x\n}");
      expect(decl.reply.content.status, errorText(decl)).to.equal("ok");
      const use = await execute(kernel(), "fmt.Println(Square(7))");
      expect(use.reply.content.status, errorText(use)).to.equal("ok");
      expect(stdout(use.iopub)).to.equal("49\n");
      const kinds = use.iopub.map((m) => m.header.msg_type);
      expect(kinds[0]).to.equal("status");
      expect(kinds).to.include("execute_input");
    });

    it("%escape: a display_data with text/plain, text/html and the escape vendor JSON", async () => {
      const e = await execute(kernel(), "%escape\n//go:noinline\nfunc NewP(x int) *int {\n\tp := x\n\treturn &p\n}");
      expect(e.reply.content.status, errorText(e)).to.equal("ok");
      const withReport = displays(e.iopub).filter((m) => ESCAPE_MIME in m.content.data);
      expect(withReport).to.have.length(1);
      const data = withReport[0].content.data;
      expect(Object.keys(data).sort()).to.deep.equal([ESCAPE_MIME, "text/html", "text/plain"]);
      expect(data["text/plain"]).to.contain("moved to heap: p");
      expect(data["text/html"]).to.contain("moved to heap: p");
      const report = data[ESCAPE_MIME] as { diagnostics: { kind: string; message: string; line: number }[]; go_version: string };
      expect(report.go_version).to.match(/^go1\.\d+/);
      const heap = report.diagnostics.filter((d) => d.kind === "heap");
      expect(heap.map((d) => [d.message, d.line])).to.deep.equal([["moved to heap: p", 4]]);
      expect(report.diagnostics.some((d) => d.kind === "cannotinline" && d.message.includes("marked go:noinline"))).to.equal(true);
    });

    it("%bench -benchtime 1000x -count 2 F(): the bench vendor JSON, 2 runs of 1000 iterations", async () => {
      const e = await execute(kernel(), "%bench -benchtime 1000x -count 2 NewP(3)");
      expect(e.reply.content.status, errorText(e)).to.equal("ok");
      const withReport = displays(e.iopub).filter((m) => BENCH_MIME in m.content.data);
      expect(withReport).to.have.length(1);
      const data = withReport[0].content.data;
      expect(Object.keys(data).sort()).to.deep.equal([BENCH_MIME, "text/html", "text/plain"]);
      const report = data[BENCH_MIME] as {
        benchmarks: { name: string; runs: { iterations: number; allocs_per_op?: number }[] }[];
        incomplete: boolean;
        raw: string;
      };
      expect(report.incomplete).to.equal(false);
      expect(report.benchmarks).to.have.length(1);
      expect(report.benchmarks[0].name).to.match(/^Benchmark/);
      expect(report.benchmarks[0].runs.map((r) => r.iterations)).to.deep.equal([1000, 1000]);
      // NewP's p is moved to heap (it is marked go:noinline): one allocation per call, exactly.
      expect(report.benchmarks[0].runs.map((r) => r.allocs_per_op)).to.deep.equal([1, 1]);
      expect(report.raw).to.match(/^Benchmark\S+\s+1000\s/m);
      expect(data["text/plain"]).to.contain("allocs/op");
    });

    it("interrupts a running `for {}` cell; the session stays usable", async () => {
      let started = false;
      const running = execute(kernel(), 'fmt.Println("spinning")\nfor {\n}', (msg) => {
        if (msg.header.msg_type === "stream" && (msg as KernelMessage.IStreamMsg).content.text.includes("spinning")) started = true;
      });
      await waitFor(() => started, CELL_MS, "the for {} cell printing before it spins");
      await within(kernel().interrupt(), 10_000, "the interrupt request");
      const e = await within(running, 30_000, "the interrupted cell's reply");
      expect(e.reply.content.status).to.equal("error");
      expect((e.reply.content as KernelMessage.IReplyErrorContent).ename).to.equal("Interrupted");
      const after = await execute(kernel(), "fmt.Println(Square(7))");
      expect(after.reply.content.status, errorText(after)).to.equal("ok");
      expect(stdout(after.iopub)).to.equal("49\n");
    });

    it("restarts the kernel: a new process, and the declarations are gone", async () => {
      await within(kernel().restart(), 60_000, "restarting the kernel");
      await kernelInfo(kernel());
      const pids = (await waitFor(() => {
        const now = goperfKernels().map((p) => p.pid);
        return now.length === 1 && !kernelPids.includes(now[0]) && now;
      }, 15_000, "a new goperf kernel process in place of the old one")).slice();
      kernelPids = pids;
      const e = await execute(kernel(), "fmt.Println(Square(7))");
      expect(e.reply.content.status).to.equal("error");
      expect(errorText(e)).to.contain("Square");
      const again = await execute(kernel(), "fmt.Println(6 * 7)");
      expect(stdout(again.iopub)).to.equal("42\n");
    });

    it("shuts the session down: no goperf kernel process is left", async () => {
      await within(session!.shutdown(), 30_000, "shutting the session down");
      session = undefined;
      await waitFor(() => goperfKernels().length === 0, 15_000, `the kernel process(es) ${goperfKernels().map((p) => p.pid).join(", ")} exiting`);
    });

    it("stops the server: no jupyter server and no kernel process is left", async () => {
      const pid = server!.process.pid!;
      await server!.stop();
      await behind?.();
      behind = undefined;
      expect(server!.process.exitCode !== null || server!.process.signalCode !== null, "the server exited").to.equal(true);
      const left = processesMentioning(runTmp()).filter((p) => p.pid === pid || p.cmdline.includes(server!.rootDir) || p.cmdline.includes("dist/bundle/kernel.cjs"));
      expect(left, JSON.stringify(left)).to.deep.equal([]);
    });
  });
}
