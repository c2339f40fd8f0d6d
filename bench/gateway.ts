// The gateway row (issue 19): the round trip of one simple Go cell through a Jupyter Server whose
// kernels live behind Jupyter Enterprise Gateway, against the same cell through a local Jupyter
// Server, both over the kernel websocket with @jupyterlab/services (what JupyterLab uses), measured
// alternately in one run. Target: at most 1.2x.
//
// It reuses the gateway test's set-up (test/jupyter/gateway.ts, helpers.ts) and its venvs: .venv
// (Jupyter Server) and .venv-gateway (Enterprise Gateway), which `npm run test:jupyter` makes.

import { KernelManager, ServerConnection, SessionManager, type Kernel, type KernelMessage, type Session } from "@jupyterlab/services";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gatewayServerArgs, gatewayServerEnv, startGateway, type Gateway } from "../test/jupyter/gateway.js";
import { freshDir, processesMentioning, startJupyter, within, type JupyterServer } from "../test/jupyter/helpers.js";
import { compareRow, ROOT, time, type Row } from "./measure.js";

const CELL_MS = 120_000;

interface Front {
  server: JupyterServer;
  sessions: SessionManager;
  kernels: KernelManager;
  session: Session.ISessionConnection;
}

/** A goperf session on `server` through @jupyterlab/services, answering kernel_info. */
async function connect(server: JupyterServer): Promise<Front> {
  const serverSettings = ServerConnection.makeSettings({ baseUrl: server.url, wsUrl: server.url.replace(/^http/, "ws"), token: server.token });
  const kernels = new KernelManager({ serverSettings });
  const sessions = new SessionManager({ kernelManager: kernels, serverSettings });
  await within(sessions.ready, 30_000, "the session manager");
  const session = await within(sessions.startNew({ path: "bench.ipynb", type: "notebook", name: "bench.ipynb", kernel: { name: "goperf" } }), 60_000, "starting a goperf session");
  await within(session.kernel!.info, 30_000, "kernel_info");
  return { server, sessions, kernels, session };
}

/** Runs `code`; resolves when both execute_reply and the idle status have arrived (the future's done). */
async function run(kernel: Kernel.IKernelConnection, code: string): Promise<void> {
  const future = kernel.requestExecute({ code, stop_on_error: true });
  const reply = (await within(future.done, CELL_MS, `the cell ${JSON.stringify(code)}`)) as KernelMessage.IExecuteReplyMsg;
  if (reply.content.status !== "ok") throw new Error(`the cell ${JSON.stringify(code)} failed: ${JSON.stringify(reply.content)}`);
}

async function close(front: Front | undefined): Promise<void> {
  if (!front) return;
  try {
    await within(front.session.shutdown(), 30_000, "shutting the session down");
  } finally {
    front.session.dispose();
    front.sessions.dispose();
    front.kernels.dispose();
  }
}

export async function gatewayCell(rounds: number): Promise<Row> {
  const venv = join(ROOT, ".venv");
  const gatewayVenv = join(ROOT, ".venv-gateway");
  for (const jupyter of [join(venv, "bin", "jupyter"), join(gatewayVenv, "bin", "jupyter")]) {
    if (!existsSync(jupyter)) throw new Error(`${jupyter} is missing: run npm run test:gateway once (it makes .venv and .venv-gateway)`);
  }
  const tmp = mkdtempSync(join(tmpdir(), "goperf-bench-gateway-"));
  // The test helpers read these from the environment, as under test/jupyter/run.js.
  const env: Record<string, string> = {
    GOPERF_JUPYTER_TMP: tmp,
    GOPERF_JUPYTER_VENV: venv,
    GOPERF_GATEWAY_VENV: gatewayVenv,
    JUPYTER_DATA_DIR: join(tmp, "data"),
    JUPYTER_RUNTIME_DIR: join(tmp, "runtime"),
    JUPYTER_CONFIG_DIR: join(tmp, "config"),
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  let gateway: Gateway | undefined;
  const servers: JupyterServer[] = [];
  let local: Front | undefined;
  let remote: Front | undefined;
  try {
    // The local server's kernelspec, as `npm run test:jupyter` installs it.
    const installed = spawnSync(process.execPath, [join(ROOT, "install.js")], { cwd: ROOT, env: process.env, encoding: "utf8" });
    if (installed.status !== 0) throw new Error(`node install.js failed:\n${installed.stdout}${installed.stderr}`);
    gateway = await startGateway();
    servers.push(await startJupyter("server", freshDir("local-root")));
    servers.push(await startJupyter("server", freshDir("gateway-root"), gatewayServerArgs(gateway), { env: gatewayServerEnv() }));
    local = await connect(servers[0]);
    remote = await connect(servers[1]);
    const fronts = [local, remote];
    for (const f of fronts) {
      await run(f.session.kernel!, "func Square(n int) int { return n * n }");
      await run(f.session.kernel!, "fmt.Println(Square(2))");
    }
    const through: [number[], number[]] = [[], []];
    for (let i = 0; i < rounds + 1; i++) {
      // Alternate which side goes first, and give each side its own constant: both compile and
      // link again every round, and neither finds the other's build in the shared Go cache.
      const order = i % 2 === 0 ? [0, 1] : [1, 0];
      for (const side of order) {
        const ms = await time(() => run(fronts[side].session.kernel!, `fmt.Println(Square(${1000 + 2 * i + side}))`));
        if (i > 0) through[side].push(ms); // round 0 warms both
      }
    }
    return compareRow("a cell through Enterprise Gateway (Jupyter Server --gateway-url)", through[1], "the same cell through a local Jupyter Server", through[0], "≤ 1.2x");
  } catch (err) {
    const logs = servers.map((s, i) => `--- ${i === 0 ? "local" : "gateway-backed"} Jupyter Server's log (end):\n${s.log().slice(-2000)}`);
    if (gateway) logs.push(`--- Enterprise Gateway's log (end):\n${gateway.log().slice(-3000)}`);
    throw new Error(`${(err as Error).message}\n${logs.join("\n")}`);
  } finally {
    await close(local).catch(() => undefined);
    await close(remote).catch(() => undefined);
    for (const s of servers) await s.stop().catch(() => undefined);
    await gateway?.stop().catch(() => undefined);
    const left = processesMentioning(tmp);
    for (const p of left) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(tmp, { recursive: true, force: true });
    if (left.length > 0) console.error(`bench gateway: ended processes left behind: ${left.map((p) => `${p.pid} ${p.cmdline.slice(0, 120)}`).join("; ")}`);
  }
}
