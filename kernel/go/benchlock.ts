// A machine-wide benchmark lock, as perflock keeps one: while a benchmark binary runs, no other
// goperf kernel on the machine (any user's) runs one, so their ns/op do not corrupt each other.
// Compiling, escape analysis and checks never take it.
//
// The lock is flock(2) on a file every user can open (/tmp/goperf-bench.lock, mode 0666). Node has
// no flock, and no maintained package offers one without a native addon, so util-linux's flock(1)
// (already relied on, like prlimit) takes it on a file descriptor the kernel opened and passed to it
// as fd 3: the lock belongs to that open file description, so it stays held after flock(1) exits and
// is released when the kernel closes the descriptor — or dies. A killed kernel can never leave the
// lock held. What it can leave is its description in the file, which is how a takeover is noticed.
//
// The file is shared with other users, so nothing in it is trusted: it is opened without following
// links, must be a regular file, and its text is only ever shown (capped, one line), never obeyed.

import { spawn } from "node:child_process";
import { closeSync, constants, fchmodSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { userInfo } from "node:os";
import { recordOf } from "./processes.js";

export const DEFAULT_LOCK_PATH = "/tmp/goperf-bench.lock";
/** How much of another process's description is read and shown. */
const MAX_DESCRIPTION = 400;

export interface LockOptions {
  /** What the holder is doing, shown to whoever waits: "kernel 1234 (alice): %bench in cell 5". */
  description: string;
  path?: string;
  signal?: AbortSignal;
  /** Called once, when the lock is busy, with the holder's description. */
  onWait?: (holder: string) => void;
  flock?: string;
}

export interface HeldLock {
  /** Set when the previous holder died holding the lock (its description was left behind). */
  tookOver?: string;
  release(): void;
}

/** The lock could not be used at all (no flock, a file nobody can lock); benchmarks run without it. */
export interface LockUnavailable {
  unavailable: string;
}

/** The lock file's path: GOPERF_BENCH_LOCK, else the shared default. */
export function lockPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.GOPERF_BENCH_LOCK || DEFAULT_LOCK_PATH;
}

/** Waits for the machine-wide benchmark lock. Rejects with an AbortError when the signal aborts first. */
export async function acquireBenchLock(options: LockOptions): Promise<HeldLock | LockUnavailable> {
  const path = options.path ?? lockPath();
  let fd: number;
  try {
    fd = openLockFile(path);
  } catch (err) {
    return { unavailable: `the benchmark lock ${path} cannot be used: ${(err as Error).message}` };
  }
  let held = false;
  try {
    const flock = options.flock ?? "flock";
    if ((await runFlock(flock, fd, ["--nonblock"], options.signal)) !== 0) {
      options.onWait?.(describeHolder(readRecord(fd)));
      const code = await runFlock(flock, fd, [], options.signal);
      if (code !== 0) return { unavailable: `flock(1) could not take the benchmark lock ${path} (exit status ${code})` };
    }
    held = true;
    const previous = readRecord(fd);
    const self = recordOf(process.pid);
    const record: LockRecord = { pid: process.pid, start: self ? `${self.start} ${self.boot}` : "", user: userName(), what: options.description };
    writeRecord(fd, JSON.stringify(record));
    return {
      tookOver: previous && !isRunning(previous) ? describeHolder(previous) : undefined,
      release: once(() => {
        writeRecord(fd, "");
        closeSync(fd); // the last reference to the open file description: the lock is released
      }),
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { unavailable: "flock(1) (util-linux) is not installed: benchmarks run without the machine-wide lock" };
    throw err;
  } finally {
    if (!held) closeSync(fd);
  }
}

/** Opens (or creates, readable and writable by every user) the lock file, refusing links and non-files. */
function openLockFile(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o666);
  } catch (err) {
    // Another user's file that we may not write: a read-only descriptor can still be locked.
    if ((err as NodeJS.ErrnoException).code !== "EACCES") throw err;
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    throw new Error("it is not a regular file");
  }
  // Ours: make it usable by every user whatever our umask was.
  if (stat.uid === process.getuid?.() && (stat.mode & 0o777) !== 0o666) fchmodSync(fd, 0o666);
  return fd;
}

function runFlock(flock: string, fd: number, flags: string[], signal?: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(flock, [...flags, "--exclusive", "3"], { stdio: ["ignore", "ignore", "ignore", fd], signal });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

interface LockRecord {
  pid: number;
  /** The process's start time and boot (processes.ts): a reused pid is not the holder. */
  start: string;
  user: string;
  what: string;
}

function readRecord(fd: number): LockRecord | null {
  const buffer = Buffer.alloc(MAX_DESCRIPTION * 2);
  let text: string;
  try {
    text = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString("utf8").trim();
  } catch {
    return null;
  }
  if (!text) return null;
  try {
    const r = JSON.parse(text) as Partial<LockRecord>;
    if (typeof r.pid === "number" && typeof r.start === "string" && typeof r.user === "string" && typeof r.what === "string") return r as LockRecord;
  } catch {
    // not ours: shown as text
  }
  return { pid: 0, start: "", user: "", what: text };
}

function writeRecord(fd: number, text: string): void {
  try {
    ftruncateSync(fd, 0);
    if (text) writeSync(fd, text, 0);
  } catch {
    // a read-only descriptor on another user's file: the lock works, the description is not ours to write
  }
}

/** One line, capped, control characters removed: the text comes from another process. */
export function describeHolder(record: LockRecord | null): string {
  if (!record) return "another process (it left no description)";
  const who = record.pid ? `process ${record.pid}${record.user ? ` of ${record.user}` : ""}: ` : "";
  return (who + record.what).replace(/[\u0000-\u001f\u007f]+/g, " ").slice(0, MAX_DESCRIPTION);
}

function isRunning(record: LockRecord): boolean {
  if (!record.pid) return true; // a description we cannot check: not called dead
  const now = recordOf(record.pid);
  return now !== null && `${now.start} ${now.boot}` === record.start;
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? "");
  }
}

function once(f: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    f();
  };
}
