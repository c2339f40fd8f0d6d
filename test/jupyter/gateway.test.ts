// The goperf kernel behind Jupyter Enterprise Gateway: `jupyter enterprisegateway` (pinned, in
// .venv-gateway) on 127.0.0.1 launches the kernelspec `node install.js` wrote, and a Jupyter Server
// started with --gateway-url sends every kernel request there. The same suite as the local server
// runs through it (serversuite.ts): cells, %escape, %bench, interrupt, restart, shutdown.

import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { ROOT, SERVER_START_MS, delay, freePort, freshDir, startJupyter, within } from "./helpers.js";
import { describeJupyterServer } from "./serversuite.js";

interface Gateway {
  url: string;
  token: string;
  stop(): Promise<void>;
}

/** Starts Enterprise Gateway on loopback and waits (bounded) until it lists the goperf kernelspec. */
async function startGateway(): Promise<Gateway> {
  const venv = process.env.GOPERF_GATEWAY_VENV;
  if (!venv) throw new Error("GOPERF_GATEWAY_VENV is not set: run these tests through npm run test:jupyter");
  // The gateway's own Jupyter data dir, holding the kernelspec as `node install.js --gateway` writes it.
  const env = { ...process.env, JUPYTER_DATA_DIR: freshDir("gateway-data") };
  const installed = spawnSync(process.execPath, [join(ROOT, "install.js"), "--gateway"], { cwd: ROOT, env, encoding: "utf8" });
  if (installed.status !== 0) throw new Error(`node install.js --gateway failed:\n${installed.stdout}${installed.stderr}`);
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const args = [
    "enterprisegateway",
    "--ip=127.0.0.1",
    `--port=${port}`,
    "--port_retries=0",
    `--EnterpriseGatewayApp.auth_token=${token}`,
    // The tests run as root, whom the gateway refuses by default (unauthorized_users = {root}).
    "--EnterpriseGatewayApp.unauthorized_users=nobody",
    // Jupyter Server's gateway client lists the gateway's kernels, which the gateway forbids by default.
    "--EnterpriseGatewayApp.list_kernels=True",
  ];
  const child = spawn(join(venv, "bin", "jupyter"), args, { cwd: freshDir("gateway"), env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout!.setEncoding("utf8").on("data", (t: string) => (log += t));
  child.stderr!.setEncoding("utf8").on("data", (t: string) => (log += t));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // gone
    }
  };
  const gateway: Gateway = {
    url,
    token,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup("SIGTERM");
      try {
        await within(exited, 20_000, "Enterprise Gateway stopping on SIGTERM");
      } catch (err) {
        killGroup("SIGKILL");
        throw new Error(`${(err as Error).message}\n${log.slice(-3000)}`);
      }
    },
  };
  const deadline = Date.now() + SERVER_START_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`Enterprise Gateway exited (${child.exitCode ?? child.signalCode}) before answering\n${log.slice(-4000)}`);
    try {
      const r = await fetch(`${url}/api/kernelspecs`, { headers: { Authorization: `token ${token}` }, signal: AbortSignal.timeout(2000) });
      if (r.ok && "goperf" in ((await r.json()) as { kernelspecs: object }).kernelspecs) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      killGroup("SIGKILL");
      throw new Error(`Enterprise Gateway did not list the goperf kernelspec within ${SERVER_START_MS / 1000} s\n${log.slice(-4000)}`);
    }
    await delay(250);
  }
  return gateway;
}

describeJupyterServer("Jupyter Server → Enterprise Gateway → goperf", async () => {
  const gateway = await startGateway();
  try {
    const server = await startJupyter("server", freshDir("gateway-server-root"), [`--gateway-url=${gateway.url}`, `--GatewayClient.auth_token=${gateway.token}`, "--GatewayClient.request_timeout=120"]);
    // The kernel is started (REST) and left to come up before anything connects to it: a websocket
    // the gateway (jupyter_server 1.24 inside it) sees while the kernel starts is replaced as stale,
    // and the replacement carries nothing.
    const startKernel = async () => {
      const headers = { Authorization: `token ${server.token}`, "Content-Type": "application/json" };
      const r = await fetch(`${server.url}api/kernels`, { method: "POST", headers, body: JSON.stringify({ name: "goperf" }), signal: AbortSignal.timeout(60_000) });
      if (!r.ok) throw new Error(`starting the kernel through the gateway: ${r.status} ${await r.text()}`);
      const { id } = (await r.json()) as { id: string };
      await delay(10_000);
      return id;
    };
    return { server, stopBehind: () => gateway.stop(), startKernel };
  } catch (err) {
    await gateway.stop();
    throw err;
  }
});
