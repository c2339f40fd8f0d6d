// goperf under a real JupyterHub (pinned, from PyPI), with configurable-http-proxy, the local-process
// spawner and the dummy authenticator, on 127.0.0.1, with two real local users that test/hub/run.js
// created. Both users run Go, %escape and %bench cells at the same time; each kernel runs as its
// user; neither can read or remove the other's scratch dir, caches (goperf's, the Go build cache)
// or saved benchmarks; stopping one server leaves the other running; nothing is left behind.

import { KernelManager, ServerConnection, SessionManager, type Kernel, type KernelMessage, type Session } from "@jupyterlab/services";
import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { delay, freePort, within } from "../jupyter/helpers.js";

const ESCAPE_MIME = "application/vnd.goperf.escape.v1+json";
const BENCH_MIME = "application/vnd.goperf.bench.v1+json";
const START_MS = 120_000;

/** The WebSocket client @jupyterlab/services itself uses under Node (ws, a devDependency; no @types here). */
type WebSocketClass = new (url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }) => WebSocket;
const NodeWebSocket = createRequire(import.meta.url)("ws") as WebSocketClass;

/**
 * A WebSocket that authenticates with an Authorization header, as a non-browser client does.
 * JupyterHub's single-user server reads ?token= on a websocket only when the request says it comes
 * from a browser (Sec-Fetch-Mode: websocket, JupyterHub >= 5), so the token @jupyterlab/services
 * puts in the URL is ignored there and the handshake is refused (403 "Couldn't authenticate
 * WebSocket connection"), which left kernel_info waiting forever.
 */
function authenticatedWebSocket(token: string): WebSocketClass {
  return class extends NodeWebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { Authorization: `token ${token}` } });
    }
  };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through npm run test:hub`);
  return value;
}

interface User {
  name: string;
  uid: number;
  home: string;
  session?: Session.ISessionConnection;
  sessions?: SessionManager;
  kernels?: KernelManager;
  scratch?: string;
  kernelPid?: number;
}

function userInfo(name: string): User {
  const entry = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${name}:`));
  if (!entry) throw new Error(`no user ${name}`);
  const fields = entry.split(":");
  return { name, uid: Number(fields[2]), home: fields[5] };
}

/** Runs a command as another user (runuser, argv only); its exit status and output. */
function asUser(user: string, cmd: string[]): { status: number | null; output: string } {
  const r = spawnSync("runuser", ["-u", user, "--", ...cmd], { encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Live processes owned by `uid` (zombies excluded). */
function processesOf(uid: number): { pid: number; cmdline: string }[] {
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      if (/^State:\s+Z/m.test(status) || Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) !== uid) continue;
      found.push({ pid: Number(entry), cmdline: readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim() });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** The private root that holds `u`'s scratch dirs: the ancestor of the scratch dir named goperf-UID. */
function privateRootOf(u: User): string {
  let dir = u.scratch!;
  while (basename(dir) !== `goperf-${u.uid}`) {
    if (dirname(dir) === dir) throw new Error(`${u.scratch} is not under a goperf-${u.uid} dir`);
    dir = dirname(dir);
  }
  return dir;
}

const kernelsOf = (u: User) => processesOf(u.uid).filter((p) => p.cmdline.includes(join("dist", "bundle", "kernel.cjs")));

async function execute(user: string, kernel: Kernel.IKernelConnection, code: string): Promise<{ reply: KernelMessage.IExecuteReplyMsg; iopub: KernelMessage.IIOPubMessage[] }> {
  const started = Date.now();
  const future = kernel.requestExecute({ code, stop_on_error: true, store_history: true });
  const iopub: KernelMessage.IIOPubMessage[] = [];
  future.onIOPub = (msg) => void iopub.push(msg);
  const reply = (await within(future.done, START_MS, `the cell ${JSON.stringify(code.slice(0, 40))}`)) as KernelMessage.IExecuteReplyMsg;
  // Where a slow run spends its time (printed, never asserted).
  console.log(`      ${user}: ${JSON.stringify(code.split("\n")[0].slice(0, 40))} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { reply, iopub };
}

function stdout(iopub: readonly KernelMessage.IIOPubMessage[]): string {
  return iopub
    .filter((m): m is KernelMessage.IStreamMsg => m.header.msg_type === "stream" && (m as KernelMessage.IStreamMsg).content.name === "stdout")
    .map((m) => m.content.text)
    .join("");
}

function report<T>(iopub: readonly KernelMessage.IIOPubMessage[], mime: string): T {
  // A display, or the update that replaces one (%bench's report replaces its progress line).
  const shown = iopub.filter((m) => (m.header.msg_type === "display_data" || m.header.msg_type === "update_display_data") && mime in (m as KernelMessage.IDisplayDataMsg).content.data).pop();
  if (!shown) throw new Error(`no ${mime} output: ${JSON.stringify(iopub.map((m) => [m.header.msg_type, m.content]))}`);
  return (shown as KernelMessage.IDisplayDataMsg).content.data[mime] as T;
}

describe("goperf under JupyterHub (two real users)", function () {
  this.timeout(START_MS + 60_000);
  const tmp = required("GOPERF_HUB_TMP");
  const users = required("GOPERF_HUB_USERS").split(",").map(userInfo);
  const token = randomBytes(24).toString("hex");
  let hub: ChildProcess | undefined;
  let hubLog = "";
  let url = "";
  /** The end of the hub's log (its servers' and kernels' too), without the session manager's polling. */
  const logTail = () =>
    hubLog
      .split("\n")
      .filter((line) => !/ 200 GET \/user\/[^/]+\/api\/(sessions|kernels)\?/.test(line))
      .join("\n")
      .slice(-6000);

  const api = async (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${url}hub/api/${path}`, {
      method,
      headers: { Authorization: `token ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });

  const serverReady = async (u: User): Promise<boolean> => {
    const model = (await (await api("GET", `users/${u.name}`)).json()) as { servers?: Record<string, { ready?: boolean }> };
    return Boolean(model.servers?.[""]?.ready);
  };

  before(async function () {
    this.timeout(START_MS);
    const [port, hubPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    url = `http://127.0.0.1:${port}/`;
    const config = `
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = ${port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = ${hubPort}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:${apiPort}"
c.ConfigurableHTTPProxy.command = [${JSON.stringify(required("GOPERF_HUB_PROXY"))}]
c.JupyterHub.db_url = "sqlite:///${join(tmp, "hub.sqlite")}"
c.JupyterHub.cookie_secret_file = ${JSON.stringify(join(tmp, "cookie_secret"))}
c.JupyterHub.pid_file = ${JSON.stringify(join(tmp, "hub.pid"))}
c.ConfigurableHTTPProxy.pid_file = ${JSON.stringify(join(tmp, "proxy.pid"))}
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = ${JSON.stringify(users.map((u) => u.name))}
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [${JSON.stringify(join(required("GOPERF_HUB_VENV"), "bin", "jupyterhub-singleuser"))}]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {"JUPYTER_PATH": ${JSON.stringify(required("GOPERF_HUB_JUPYTER_PATH"))}}
c.JupyterHub.services = [{"name": "goperf-test", "api_token": ${JSON.stringify(token)}}]
c.JupyterHub.load_roles = [{"name": "goperf-test", "scopes": ["admin:users", "admin:servers", "access:servers", "read:users"], "services": ["goperf-test"]}]
`;
    writeFileSync(join(tmp, "jupyterhub_config.py"), config, { mode: 0o600 });
    hub = spawn(join(required("GOPERF_HUB_VENV"), "bin", "jupyterhub"), ["-f", join(tmp, "jupyterhub_config.py")], {
      cwd: tmp,
      env: { ...process.env, PATH: `${join(required("GOPERF_HUB_VENV"), "bin")}:${process.env.PATH}` },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    hub.stdout!.setEncoding("utf8").on("data", (t: string) => (hubLog += t));
    hub.stderr!.setEncoding("utf8").on("data", (t: string) => (hubLog += t));
    const deadline = Date.now() + START_MS;
    for (;;) {
      if (hub.exitCode !== null) throw new Error(`jupyterhub exited (${hub.exitCode}) before answering\n${logTail()}`);
      try {
        if ((await api("GET", "")).ok) break;
      } catch {
        // not yet
      }
      if (Date.now() > deadline) throw new Error(`jupyterhub did not answer within ${START_MS / 1000} s\n${logTail()}`);
      await delay(500);
    }
  });

  after(async function () {
    this.timeout(60_000);
    for (const u of users) {
      u.session?.dispose();
      u.sessions?.dispose();
      u.kernels?.dispose();
    }
    if (hub && hub.exitCode === null) {
      const exited = new Promise((resolve) => hub!.on("exit", resolve));
      process.kill(-hub.pid!, "SIGTERM");
      await within(exited, 30_000, "jupyterhub stopping").catch(() => process.kill(-hub!.pid!, "SIGKILL"));
    }
    // The whole log, kept where the run was told to (the run's temp dir goes at the end).
    if (process.env.GOPERF_HUB_LOG) writeFileSync(process.env.GOPERF_HUB_LOG, hubLog);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.error(`--- the hub's log, without the front end's polling (last 6000 characters):\n${logTail()}`);
  });

  it("starts a server for each user through the hub", async () => {
    for (const u of users) {
      const r = await api("POST", `users/${u.name}/server`);
      expect([201, 202], `${r.status} ${await r.text()}`).to.include(r.status);
    }
    for (const u of users) {
      const deadline = Date.now() + START_MS;
      while (!(await serverReady(u))) {
        if (Date.now() > deadline) throw new Error(`${u.name}'s server was not ready within ${START_MS / 1000} s`);
        await delay(500);
      }
    }
  });

  it("starts a goperf kernel for each user, running as that user", async () => {
    await Promise.all(
      users.map(async (u) => {
        const base = `${url}user/${u.name}/`;
        const serverSettings = ServerConnection.makeSettings({ baseUrl: base, wsUrl: base.replace(/^http/, "ws"), token, WebSocket: authenticatedWebSocket(token) as unknown as typeof WebSocket });
        u.kernels = new KernelManager({ serverSettings });
        u.sessions = new SessionManager({ kernelManager: u.kernels, serverSettings });
        await within(u.sessions.ready, 60_000, `${u.name}'s session manager`);
        u.session = await within(u.sessions.startNew({ path: "hub.ipynb", type: "notebook", name: "hub.ipynb", kernel: { name: "goperf" } }), 60_000, `${u.name}'s goperf session`);
        const info = await within(u.session.kernel!.info, 60_000, `${u.name}'s kernel_info`);
        expect(info.implementation).to.equal("goperf");
      }),
    );
    for (const u of users) {
      const kernels = kernelsOf(u);
      expect(kernels, `${u.name}'s goperf kernels`).to.have.length(1);
      u.kernelPid = kernels[0].pid;
    }
  });

  it("runs Go, %escape and %bench cells for both users at the same time", async () => {
    await Promise.all(
      users.map(async (u) => {
        const k = u.session!.kernel!;
        const decl = await execute(u.name, k, "//go:noinline\nfunc NewP(x int) *int {\n\tp := x\n\treturn &p\n}");
        expect(decl.reply.content.status).to.equal("ok");
        const where = await execute(u.name, k, "dir, _ := os.Getwd()\nfmt.Println(dir)");
        expect(where.reply.content.status).to.equal("ok");
        u.scratch = stdout(where.iopub).trim();
        const esc = await execute(u.name, k, "%escape");
        expect(esc.reply.content.status).to.equal("ok");
        const decisions = report<{ diagnostics: { message: string }[] }>(esc.iopub, ESCAPE_MIME).diagnostics.map((d) => d.message);
        expect(decisions).to.include("moved to heap: p");
        const bench = await execute(u.name, k, "%bench -benchtime 1000x -count 2 --save hub NewP(3)");
        expect(bench.reply.content.status).to.equal("ok");
        const benchReport = report<{ saved?: string; benchmarks: { runs: { allocs_per_op?: number }[] }[] }>(bench.iopub, BENCH_MIME);
        expect(benchReport.benchmarks[0].runs.map((r) => r.allocs_per_op)).to.deep.equal([1, 1]);
        expect(benchReport.saved, `${u.name}'s saved run`).to.equal(join(u.home, ".local", "share", "goperf", "bench", "hub.txt"));
      }),
    );
  });

  it("keeps each user's scratch dir, goperf cache and saved benchmarks private: the other can neither read nor remove them", () => {
    const [a, b] = users;
    for (const [owner, other] of [
      [a, b],
      [b, a],
    ]) {
      expect(owner.scratch, `${owner.name}'s scratch dir`).to.match(/^\//);
      const saved = join(owner.home, ".local", "share", "goperf", "bench");
      // Each private dir with a file goperf put in it.
      for (const [dir, file] of [
        [owner.scratch!, "main.go"],
        [join(owner.home, ".cache", "goperf"), readdirSync(join(owner.home, ".cache", "goperf")).find((f) => f.startsWith("cellparse-"))!],
        [saved, "hub.txt"],
      ]) {
        expect(file, `a file in ${dir}`).to.be.a("string");
        const stat = statSync(dir);
        expect(stat.uid, `${dir}'s owner`).to.equal(owner.uid);
        expect((stat.mode & 0o777).toString(8), `${dir}'s mode`).to.equal("700");
        expect(asUser(other.name, ["ls", dir]).status, `${other.name} listing ${dir}`).to.not.equal(0);
        expect(asUser(other.name, ["cat", join(dir, file)]).status, `${other.name} reading ${dir}/${file}`).to.not.equal(0);
        expect(asUser(other.name, ["rm", "-rf", dir]).status, `${other.name} removing ${dir}`).to.not.equal(0);
        expect(existsSync(join(dir, file)), `${dir}/${file} after ${other.name} tried to remove it`).to.equal(true);
      }
      // The go command's build cache: Go makes it with the user's umask (022 here: readable by all),
      // but inside ~/.cache, which goperf made 0700 before its first build; not the other's to read or change.
      const goCache = join(owner.home, ".cache", "go-build");
      expect(statSync(goCache).uid, `${goCache}'s owner`).to.equal(owner.uid);
      expect(asUser(other.name, ["ls", goCache]).status, `${other.name} listing ${goCache}`).to.not.equal(0);
      expect(asUser(other.name, ["rm", "-rf", goCache]).status, `${other.name} removing ${goCache}`).to.not.equal(0);
      expect(asUser(other.name, ["touch", join(goCache, "planted")]).status, `${other.name} writing into ${goCache}`).to.not.equal(0);
      expect(existsSync(join(goCache, "README")), `${goCache} after ${other.name} tried to remove it`).to.equal(true);
    }
  });

  it("stops one user's server and leaves the other's running", async () => {
    const [a, b] = users;
    const r = await api("DELETE", `users/${a.name}/server`);
    expect([202, 204], `${r.status} ${await r.text()}`).to.include(r.status);
    const deadline = Date.now() + 60_000;
    while (processesOf(a.uid).length > 0) {
      if (Date.now() > deadline) throw new Error(`${a.name}'s processes are still running: ${JSON.stringify(processesOf(a.uid))}`);
      await delay(250);
    }
    expect(existsSync(a.scratch!), `${a.name}'s scratch dir after the server stopped`).to.equal(false);
    expect(await serverReady(b), `${b.name}'s server is ready`).to.equal(true);
    expect(kernelsOf(b).map((p) => p.pid), `${b.name}'s goperf kernel`).to.deep.equal([b.kernelPid]);
    const again = await execute(b.name, b.session!.kernel!, "fmt.Println(*NewP(6) * 7)");
    expect(stdout(again.iopub)).to.equal("42\n");
  });

  it("stops the other server and the hub: no process of either user is left", async () => {
    const [, b] = users;
    const r = await api("DELETE", `users/${b.name}/server`);
    expect([202, 204]).to.include(r.status);
    const deadline = Date.now() + 60_000;
    while (users.some((u) => processesOf(u.uid).length > 0)) {
      if (Date.now() > deadline) throw new Error(`left running: ${JSON.stringify(users.map((u) => processesOf(u.uid)))}`);
      await delay(250);
    }
    expect(existsSync(b.scratch!)).to.equal(false);
    // Each user's private root (<temp dir>/goperf-UID, where their sessions' scratch dirs were) holds no session.
    for (const u of users) {
      const root = privateRootOf(u);
      const left = existsSync(root) ? readdirSync(root) : [];
      expect(left, `left in ${root}`).to.deep.equal([]);
    }
  });
});
