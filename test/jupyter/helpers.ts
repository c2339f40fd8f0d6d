// Shared by the Jupyter front-end tests (test/jupyter/*.test.ts): the environment that
// test/jupyter/run.js prepares (a venv with pinned JupyterLab, Jupyter Server, nbclient; a
// temporary JUPYTER_DATA_DIR holding the goperf kernelspec and the renderer extension), real
// Jupyter servers on loopback with a token, bounded waits, and process accounting.

import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { emptyNotebook, serializeNotebook, type CodeCell } from "../../kernel/notebook/nbformat.js";
import { ROOT } from "../helpers/paths.js";

export { ROOT };

/** Server start-up bound: a server not answering /api/status by then fails the test. */
export const SERVER_START_MS = 60_000;
/** Cell bound: a cell (or a notebook's cell, for nbclient) that has not finished by then fails. */
export const CELL_MS = 120_000;

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run these tests through npm run test:jupyter (test/jupyter/run.js prepares the venv and a temporary Jupyter data dir)`);
  }
  return value;
}

/** The temporary directory of this run: data dir, runtime dir, server roots all live under it. */
export function runTmp(): string {
  return required("GOPERF_JUPYTER_TMP");
}

/** An executable of the test venv (jupyter, python). */
export function venvBin(name: string): string {
  return join(required("GOPERF_JUPYTER_VENV"), "bin", name);
}

/** A fresh directory under the run's temporary dir. */
export function freshDir(name: string): string {
  const dir = join(runTmp(), `${name}-${randomBytes(3).toString("hex")}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with `promise`, or rejects saying what did not finish within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` every 200 ms until it returns a truthy value; fails after `ms`. */
export type Truthy<T> = Exclude<T, false | null | undefined | 0 | "">;

export async function waitFor<T>(check: () => T | Promise<T>, ms: number, what: string): Promise<Truthy<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
    await delay(200);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface ProcessInfo {
  pid: number;
  cmdline: string;
}

/** Live processes (not zombies) whose command line contains `needle`, this process excluded. Linux /proc. */
export function processesMentioning(needle: string): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim();
      if (!cmdline.includes(needle)) continue;
      const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${entry}/status`, "utf8"))?.[1];
      if (state === "Z") continue;
      found.push({ pid: Number(entry), cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** The goperf kernel processes started for this run (their connection files are in its runtime dir). */
export function goperfKernels(): ProcessInfo[] {
  return processesMentioning(runTmp()).filter((p) => p.cmdline.includes(join("dist", "bundle", "kernel.cjs")));
}

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command (argv, no shell) in its own process group, killed as a group after `ms`. */
export function runCommand(cmd: string, args: string[], options: { cwd?: string; ms: number; env?: NodeJS.ProcessEnv }): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
    child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
    const timer = setTimeout(() => {
      killGroup(child, "SIGKILL");
      reject(new Error(`${cmd} ${args.join(" ")}: not finished within ${options.ms / 1000} s\n${stderr.slice(-4000)}`));
    }, options.ms);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone
  }
}

export interface JupyterServer {
  /** Base URL with a trailing slash, e.g. http://127.0.0.1:PORT/ */
  url: string;
  token: string;
  rootDir: string;
  process: ChildProcess;
  log(): string;
  /** Shuts the server down through its API (it shuts its kernels down first), then waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `jupyter server|lab|notebook` on 127.0.0.1, a free port, a random token, serving `rootDir`,
 * and waits (at most 60 s) until /api/status answers. `env`: the server's environment (default: this
 * process's); `readyPath`: what must answer instead (/api/status asks a gateway, if there is one).
 */
export async function startJupyter(
  app: "server" | "lab" | "notebook",
  rootDir: string,
  extraArgs: string[] = [],
  { env = process.env, readyPath = "api/status" }: { env?: NodeJS.ProcessEnv; readyPath?: string } = {},
): Promise<JupyterServer> {
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const args = [
    app,
    `--ServerApp.token=${token}`,
    "--no-browser",
    "--ip=127.0.0.1",
    `--port=${port}`,
    "--ServerApp.port_retries=0",
    "--allow-root",
    `--ServerApp.root_dir=${rootDir}`,
    ...extraArgs,
  ];
  const child = spawn(venvBin("jupyter"), args, { cwd: rootDir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout!.setEncoding("utf8").on("data", (t: string) => (log += t));
  child.stderr!.setEncoding("utf8").on("data", (t: string) => (log += t));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}/`;
  const server: JupyterServer = {
    url,
    token,
    rootDir,
    process: child,
    log: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        await fetch(`${url}api/shutdown`, { method: "POST", headers: { Authorization: `token ${token}` }, signal: AbortSignal.timeout(10_000) });
      } catch {
        // it may close the connection as it goes
      }
      try {
        await within(exited, 30_000, `jupyter ${app} shutting down`);
      } catch {
        killGroup(child, "SIGTERM");
        try {
          await within(exited, 10_000, `jupyter ${app} after SIGTERM`);
        } catch {
          killGroup(child, "SIGKILL");
          await within(exited, 5_000, `jupyter ${app} after SIGKILL`);
        }
        throw new Error(`jupyter ${app} did not stop through /api/shutdown within 30 s and was killed\n${log.slice(-3000)}`);
      }
    },
  };
  const deadline = Date.now() + SERVER_START_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`jupyter ${app} exited (${child.exitCode ?? child.signalCode}) before answering\n${log.slice(-4000)}`);
    }
    try {
      const r = await fetch(`${url}${readyPath}`, { headers: { Authorization: `token ${token}` }, signal: AbortSignal.timeout(2000) });
      if (r.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      killGroup(child, "SIGKILL");
      throw new Error(`jupyter ${app} did not answer /${readyPath} within ${SERVER_START_MS / 1000} s\n${log.slice(-4000)}`);
    }
    await delay(250);
  }
}

/** Writes an nbformat 4.5 notebook of code cells for the goperf kernel, with stable cell ids. */
export function writeNotebook(path: string, sources: readonly string[]): void {
  const nb = emptyNotebook();
  nb.cells = sources.map(
    (source, i): CodeCell => ({ cell_type: "code", id: `cell-${i + 1}`, metadata: {}, execution_count: null, outputs: [], source }),
  );
  writeFileSync(path, serializeNotebook(nb));
}

/** Where screenshots go (git-ignored). */
export function artifactsDir(): string {
  const dir = join(ROOT, "test", "artifacts");
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  return dir;
}

/** The notebook every front end runs: a Go declaration and its use, %escape, and %bench. */
export const DEMO_CELLS: readonly string[] = [
  "func Square(x int) int {\n\treturn x * x\n}\n\nfunc NewP(x int) *int {\n\tp := x\n\treturn &p\n}",
  "fmt.Println(Square(7))",
  "%escape\n//go:noinline\nfunc Escapes(x int) *int {\n\tp := x\n\treturn &p\n}",
  "%bench -benchtime 1000x -count 2 Square(3) NewP(3)",
];
