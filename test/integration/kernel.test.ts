// The real kernel process over ZeroMQ, with the real Go toolchain.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KernelClient, outputsOf, streamText, type Exchange } from "../../kernel/client/client.js";
import { errorOf } from "../helpers/outputs.js";
import { Signer, encode, newHeader } from "../../kernel/wire.js";
import { ROOT } from "../helpers/paths.js";

describe("kernel over ZeroMQ (real go)", function () {
  this.timeout(180_000);
  let k: KernelClient;

  before(async () => {
    k = await KernelClient.launch();
  });
  after(async () => {
    await k?.close();
  });

  it("answers kernel_info with the toolchain's version, and goperf's from package.json", async () => {
    const x = await k.request("control", "kernel_info_request", {});
    const info = x.reply.content as { implementation_version: string; language_info: { name: string; version: string } };
    expect(info.language_info.name).to.equal("go");
    expect(info.language_info.version).to.match(/^\d+\.\d+/);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(info.implementation_version).to.equal(pkg.version);
  });

  it("keeps declarations across cells and runs statements", async () => {
    const a = await k.execute("func Square(n int) int {\n\treturn n * n\n}");
    expect(a.reply.content.status).to.equal("ok");
    const b = await k.execute("fmt.Println(Square(7))");
    expect(b.reply.content.status).to.equal("ok");
    expect(streamText(b, "stdout")).to.equal("49\n");
  });

  it("shows the value of a cell's last expression as its execute_result", async () => {
    const result = (x: Exchange) => x.iopub.filter((m) => m.header.msg_type === "execute_result").map((m) => (m.content as { data: Record<string, string> }).data["text/plain"]);
    expect(result(await k.execute("Square(7)"))).to.deep.equal(["49"]);
    expect(result(await k.execute('n := 3\nn * 2 // doubled'))).to.deep.equal(["6"]);
    expect(result(await k.execute('"go" + "pher"'))).to.deep.equal(['"gopher"']);
    const printed = await k.execute('fmt.Println("no result for calls into packages")');
    expect(result(printed)).to.deep.equal([]);
    expect(streamText(printed, "stdout")).to.equal("no result for calls into packages\n");
  });

  it("mixes declarations and statements in one cell, with imports", async () => {
    const x = await k.execute('import "strings"\n\ntype Greeting string\n\nfmt.Println(strings.ToUpper(string(Greeting("hi"))))\nvar g = Greeting("x")\nfmt.Println(g)');
    expect(x.reply.content.status, JSON.stringify(outputsOf(x).map((m) => m.content))).to.equal("ok");
    expect(streamText(x, "stdout")).to.equal("HI\nx\n");
  });

  it("reports a compile error at the cell's own line:col and leaves the session as it was", async () => {
    const bad = await k.execute("func Square(n int) int {\n\treturn n * m\n}");
    const err = errorOf(bad);
    expect(err.ename).to.equal("CompileError");
    expect(err.evalue).to.match(/^cell\[\d+\]:2:13: undefined: m$/);
    expect(bad.reply.content.status).to.equal("error");
    const still = await k.execute("fmt.Println(Square(8))");
    expect(streamText(still, "stdout")).to.equal("64\n");
  });

  it("counts magic lines in cell line numbers", async () => {
    const bad = await k.execute("%lsmagic\n\n_ = undefinedThing");
    expect(errorOf(bad).evalue).to.match(/^cell\[\d+\]:3:5: undefined: undefinedThing$/);
  });

  it("replaces what a re-executed cell declared", async () => {
    await k.execute("func Twice(n int) int { return 2 * n }\nfunc Gone() {}", { cellId: "cell-a" });
    await k.execute("func Twice(n int) int { return 3 * n }", { cellId: "cell-a" });
    const x = await k.execute("fmt.Println(Twice(5))");
    expect(streamText(x, "stdout")).to.equal("15\n");
    const gone = await k.execute("Gone()");
    expect(errorOf(gone).evalue).to.match(/undefined: Gone/);
  });

  it("turns a panic into one error with the trace mapped to cell lines", async () => {
    const x = await k.execute('fmt.Println("before")\npanic("boom")');
    const err = errorOf(x);
    expect(err.ename).to.equal("panic");
    expect(err.evalue).to.equal("boom");
    expect(err.traceback.join("\n")).to.match(/cell\[\d+\]:2/);
    expect(streamText(x, "stdout")).to.equal("before\n");
  });

  it("names the exit status of os.Exit", async () => {
    const x = await k.execute("os.Exit(3)");
    expect(errorOf(x).evalue).to.equal("exit status 3");
  });

  it("streams output while the program runs", async () => {
    // The program goes on only once the test has seen its first line: output held back until the
    // program ends would leave it waiting, and it then says so (and the test fails).
    const dir = mkdtempSync(join(tmpdir(), "goperf-stream-"));
    const go = join(dir, "go");
    try {
      const x = await k.execute(
        `fmt.Println("waiting")\nfor i := 0; ; i++ {\n\tif _, err := os.Stat(${JSON.stringify(go)}); err == nil {\n\t\tbreak\n\t}\n\tif i == 6000 {\n\t\tfmt.Println("the first line never reached the client")\n\t\tos.Exit(1)\n\t}\n\ttime.Sleep(10 * time.Millisecond)\n}\nfmt.Println("done")`,
        { onIopub: (m) => m.header.msg_type === "stream" && String((m.content as { text?: string }).text).includes("waiting") && writeFileSync(go, "") },
      );
      expect(streamText(x, "stdout")).to.equal("waiting\ndone\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stops an infinite loop on interrupt_request, and stays usable", async () => {
    // Interrupted once the loop is known to run (its line has arrived). How fast: bench/, not here.
    let started!: () => void;
    const looping = new Promise<void>((resolve) => (started = resolve));
    const running = k.execute('fmt.Println("looping")\nfor {\n}', { onIopub: (m) => m.header.msg_type === "stream" && started() });
    await looping;
    await k.request("control", "interrupt_request", {});
    const x = await running;
    expect(errorOf(x).ename).to.equal("Interrupted");
    expect(streamText(x, "stdout")).to.equal("looping\n");
    const next = await k.execute('fmt.Println("alive")');
    expect(streamText(next, "stdout")).to.equal("alive\n");
  });

  it("caps endless output with a visible notice", async () => {
    const x = await k.execute('s := strings.Repeat("x", 1023) + "\\n"\nfor i := 0; i < 4096; i++ {\n\tfmt.Print(s)\n}');
    const out = streamText(x, "stdout");
    expect(out.length).to.be.at.most(1024 * 1024);
    expect(streamText(x, "stderr")).to.match(/output beyond 1024 KiB was dropped/);
  });

  it("answers is_complete from a real parse", async () => {
    const status = async (code: string) => ((await k.request("shell", "is_complete_request", { code })).reply.content as { status: string }).status;
    expect(await status("x := 1")).to.equal("complete");
    expect(await status("func f() {")).to.equal("incomplete");
    expect(await status("}")).to.equal("invalid");
  });

  it("drops a forged message: nothing runs, no reply, and the kernel keeps serving", async () => {
    const header = newHeader("execute_request", k.session);
    const forged = encode(
      { identities: [], header, parent_header: {}, metadata: {}, content: { code: 'fmt.Println("forged")', silent: false, store_history: true } },
      new Signer("not the key"),
    );
    await k.sendRaw("shell", forged);
    const x = await k.execute('fmt.Println("genuine")');
    expect(streamText(x, "stdout")).to.equal("genuine\n");
    expect(k.kernelLog).to.match(/dropped a message on shell: signature does not verify/);
  });

  it("echoes heartbeats", async () => {
    expect(await k.heartbeat()).to.equal(true);
  });
});
