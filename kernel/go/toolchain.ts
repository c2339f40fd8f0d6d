// Spawning the go command and the programs it builds. Every child runs in its own process group,
// so an interrupt kills the whole tree (go test -> test binary -> its goroutines' children).
// Arguments are argv entries, never a shell line.

import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { killDescendants, recordOf, whyNotOurs, type ProcessRecord } from "./processes.js";

export interface ToolchainInfo {
  /** The go binary, as given (a name on PATH or a path). */
  binary: string;
  /** "go1.26.8" */
  version: string;
  goroot: string;
  goos: string;
  goarch: string;
  /**
   * The GOTOOLCHAIN the binary runs with: "local" (the binary itself, the default) or a release
   * such as "go1.22.12" that the go command fetches into the module cache and runs instead.
   */
  gotoolchain?: string;
}

export type Detection = { ok: true; info: ToolchainInfo } | { ok: false; problem: string };

export const MIN_GO = [1, 24] as const;

/** Finds the toolchain and checks its release; never throws. */
export async function detectToolchain(binary = "go", env: NodeJS.ProcessEnv = process.env): Promise<Detection> {
  let out: RunResult;
  try {
    out = await run(binary, ["env", "-json", "GOVERSION", "GOROOT", "GOOS", "GOARCH"], { env, capture: true });
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
    return {
      ok: false,
      problem: missing
        ? `no Go toolchain: '${binary}' was not found on PATH. goperf needs Go ${MIN_GO.join(".")} or newer (https://go.dev/dl/).`
        : `could not run '${binary}': ${(err as Error).message}`,
    };
  }
  if (out.code !== 0) return { ok: false, problem: `'${binary} env' failed: ${out.stderr.trim()}` };
  const env_ = JSON.parse(out.stdout) as Record<string, string>;
  const version = env_.GOVERSION ?? "";
  if (!atLeast(version, MIN_GO)) {
    return {
      ok: false,
      problem: `found ${version || "an unknown Go release"} at '${binary}', but goperf needs Go ${MIN_GO.join(".")} or newer (testing.B.Loop, the chapter's benchmarks).`,
    };
  }
  return { ok: true, info: { binary, version, goroot: env_.GOROOT, goos: env_.GOOS, goarch: env_.GOARCH } };
}

/** "go1.26.8" >= [1, 24]; development versions ("devel go1.27-abc") count as new. */
export function atLeast(version: string, min: readonly [number, number]): boolean {
  const m = /go(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > min[0] || (major === min[0] && minor >= min[1]);
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Collect stdout/stderr into the result (otherwise only the callbacks see them). */
  capture?: boolean;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /** Aborting kills the child's whole process group. */
  signal?: AbortSignal;
  /** Told the child's pid (= its process group id) once it has started. */
  onSpawn?: (pid: number) => void;
  /** Receives what the child writes to file descriptor 3 (the display side channel), as bytes. */
  onFd3?: (chunk: Buffer) => void;
  /**
   * On abort, first SIGQUIT the child (a Go program then prints where its goroutines are) and kill
   * the group this many ms later, or as soon as the child exits.
   */
  quitFirstMs?: number;
  /** Given the child's stdin as a pipe (otherwise it is /dev/null), once it has started. */
  onStdin?: (stdin: NodeJS.WritableStream, pid: number) => void;
}

/**
 * Told of every child's process group as it starts (its leader's record: see processes.ts) and
 * ends: the kernel's watchdog keeps the list, to kill what is left if the kernel itself is killed.
 */
export const groupWatch: { started?: (leader: ProcessRecord) => void; ended?: (pgid: number) => void } = {};

export interface RunResult {
  code: number | null;
  /** Set when the child died of a signal (ours on interrupt, or its own crash). */
  killedBy: NodeJS.Signals | null;
  interrupted: boolean;
  stdout: string;
  stderr: string;
}

const live = new Set<ChildProcess>();

/** Runs a child to completion. Rejects only when it cannot start (ENOENT, EACCES). */
export function run(binary: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.onStdin ? "pipe" : "ignore", "pipe", "pipe", options.onFd3 ? "pipe" : "ignore"],
      detached: true, // a process group of its own: killGroup reaches every descendant
    });
    live.add(child);
    const leader = child.pid !== undefined ? recordOf(child.pid) : null;
    if (leader) {
      leaders.set(leader.pid, leader);
      groupWatch.started?.(leader);
    }
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    if (child.stdin && options.onStdin && child.pid !== undefined) {
      child.stdin.on("error", () => undefined); // the program exited without reading: nothing to tell
      options.onStdin(child.stdin, child.pid);
    }
    let stdout = "";
    let stderr = "";
    let interrupted = false;
    child.stdout!.setEncoding("utf8");
    child.stderr!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      if (options.capture) stdout += chunk;
      options.onStdout?.(chunk);
    });
    child.stderr!.on("data", (chunk: string) => {
      if (options.capture) stderr += chunk;
      options.onStderr?.(chunk);
    });
    const fd3 = child.stdio[3] as NodeJS.ReadableStream | null;
    if (fd3 && options.onFd3) fd3.on("data", (chunk: Buffer) => options.onFd3!(chunk));
    let grace: NodeJS.Timeout | undefined;
    const onAbort = () => {
      interrupted = true;
      if (!options.quitFirstMs || child.pid === undefined) return killGroup(child.pid);
      try {
        // Aimed at the thread that is running (kill(2) with a thread id lets that thread take it), so
        // the Go runtime's dump shows the busy goroutine's stack, not "running on other thread".
        process.kill(busyThread(child.pid) ?? child.pid, "SIGQUIT");
      } catch {
        // already gone
      }
      grace = setTimeout(() => killGroup(child.pid), options.quitFirstMs);
    };
    if (options.signal?.aborted) {
      interrupted = true;
      killGroup(child.pid);
    } else options.signal?.addEventListener("abort", onAbort, { once: true });
    const settle = () => {
      live.delete(child);
      if (child.pid !== undefined) groupWatch.ended?.(child.pid);
      options.signal?.removeEventListener("abort", onAbort);
      if (grace) {
        clearTimeout(grace);
        killGroup(child.pid); // what the child started dies with it
      }
      if (leader) leaders.delete(leader.pid);
    };
    child.on("error", (err) => {
      settle();
      reject(err);
    });
    child.on("close", (code, killedBy) => {
      settle();
      resolve({ code, killedBy, interrupted, stdout, stderr });
    });
  });
}

/** A thread of the process that is on a CPU now (state R in /proc), if any. */
function busyThread(pid: number): number | undefined {
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "R") return Number(tid);
    }
  } catch {
    // not Linux, or gone
  }
  return undefined;
}

/** The records of the running children, by pid: what killGroup checks before walking /proc. */
const leaders = new Map<number, ProcessRecord>();

/**
 * Kills a process group (a detached child's pid is its group's id), and first every descendant of
 * its leader: a program's children that left the group (setsid) are still its leader's descendants
 * while the leader, the launcher (kernel/go/launcher), lives to hold its orphans. The descendants
 * only of a leader that is still the process recorded (`leader`, or this kernel's own child's).
 */
export function killGroup(pgid: number | undefined, leader = pgid === undefined ? undefined : leaders.get(pgid)): void {
  if (pgid === undefined) return;
  if (leader?.pid === pgid && whyNotOurs(leader) === null) killDescendants(pgid);
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // already gone
  }
}

/**
 * A long-lived child spawned elsewhere (gopls): killed with the others on exit. (A kernel killed
 * outright closes gopls's stdin, and gopls exits on end of input.)
 */
export function adopt(child: ChildProcess): void {
  live.add(child);
  const settle = () => live.delete(child);
  child.once("close", settle);
  child.once("error", settle);
}

/** On kernel exit: no child outlives the kernel. */
export function killAllChildren(): void {
  for (const child of live) killGroup(child.pid);
}
