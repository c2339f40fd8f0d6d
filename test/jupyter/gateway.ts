// Jupyter Enterprise Gateway for the tests and bench/: `jupyter enterprisegateway` (pinned, in
// .venv-gateway) on 127.0.0.1 launching the kernelspec `node install.js --gateway` writes, and the
// arguments and environment of a Jupyter Server that sends its kernel requests there.

import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { ROOT, SERVER_START_MS, delay, freePort, freshDir, within } from "./helpers.js";

export interface Gateway {
  url: string;
  token: string;
  log(): string;
  stop(): Promise<void>;
}

/** Starts Enterprise Gateway on loopback and waits (bounded) until it lists the goperf kernelspec. */
export async function startGateway(): Promise<Gateway> {
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
    log: () => log,
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

/**
 * A Jupyter Server's arguments for sending its kernels to `gateway`. The websocket connection class
 * is Jupyter Server's own with one fix (test/jupyter/python/goperf_gateway_connection.py): a gateway
 * websocket whose client left while it connected is closed, not left open; otherwise JupyterLab's
 * subprotocol fallback leaves the gateway two connections for one session and the second hangs.
 */
export function gatewayServerArgs(gateway: Gateway): string[] {
  return [
    `--gateway-url=${gateway.url}`,
    `--GatewayClient.auth_token=${gateway.token}`,
    // Bounds each request to the gateway (the websocket's connect too); the tests' own bounds are no
    // longer, so a slow gateway fails a test with both logs rather than leaving a request pending.
    "--GatewayClient.request_timeout=60",
    "--ServerApp.kernel_websocket_connection_class=goperf_gateway_connection.GatewayWebSocketConnection",
  ];
}

/** The environment of that server: Python finds goperf_gateway_connection. */
export function gatewayServerEnv(): NodeJS.ProcessEnv {
  const python = join(ROOT, "test", "jupyter", "python");
  const path = process.env.PYTHONPATH;
  return { ...process.env, PYTHONPATH: path ? `${python}:${path}` : python };
}
