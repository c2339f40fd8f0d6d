// A program's standard input, given line by line when it asks. A pipe cannot tell its writer that
// the reader waits, so the kernel looks: a thread of the program blocked in read(2) on fd 0
// (/proc/PID/task/TID/syscall, Linux) is a program waiting for input. Each wait is answered once:
// a thread asks again only after a read of its has completed (its syscr count in /proc/.../io moved).
// Without /proc (not Linux) the program gets no pipe at all: stdin is /dev/null, as before.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { statOf } from "../go/processes.js";

/** read(2)'s number per architecture: x86-64 numbers it 0, arm64 (generic table) 63. */
const READ_SYSCALL: Record<string, string> = { x64: "0", arm64: "63" };

export const STDIN_POLL_MS = 50;

/** Whether a program's stdin can be bridged here. */
export function canBridgeStdin(): boolean {
  return process.arch in READ_SYSCALL && existsSync("/proc/self/task");
}

/** A thread of `pid` waiting in read(2) on fd 0, with its count of completed reads; undefined when none. */
export function waitingReader(pid: number): { tid: string; reads: number } | undefined {
  const read = READ_SYSCALL[process.arch];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/syscall`, "utf8").split(" ");
      if (fields[0] !== read || fields[1] !== "0x0") continue;
      const io = /^syscr: (\d+)$/m.exec(readFileSync(`/proc/${pid}/task/${tid}/io`, "utf8"));
      return { tid, reads: io ? Number(io[1]) : 0 };
    }
  } catch {
    // gone, or not readable
  }
  return undefined;
}

/**
 * The children of `pid` (their parent field in /proc/PID/stat; /proc/PID/task/TID/children needs a
 * kernel option that is often off). A program started through goperf's launcher is its child: the
 * launcher forks it with the same stdin, and the program is the one that reads.
 */
export function childrenOf(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  return entries.filter((e) => /^\d+$/.test(e)).map(Number).filter((p) => statOf(p)?.ppid === pid);
}

/**
 * Feeds a program's stdin: when it waits for a line, `ask` is called (one at a time); a string is
 * written with a newline, null closes stdin (the program reads end of file from then on).
 */
export function bridgeStdin(stdin: NodeJS.WritableStream, pid: number, ask: () => Promise<string | null>): () => void {
  let stopped = false;
  let asking = false;
  const answered = new Map<string, number>();
  // The process started and, once it has forked the program, the launcher's children (found once).
  let children: number[] = [];
  const reader = () => {
    const own = waitingReader(pid);
    if (own) return own;
    if (children.length === 0) children = childrenOf(pid);
    for (const child of children) {
      const waiting = waitingReader(child);
      if (waiting) return waiting;
    }
    return undefined;
  };
  const timer = setInterval(() => {
    if (stopped || asking) return;
    const waiting = reader();
    if (!waiting || answered.get(waiting.tid) === waiting.reads) return;
    asking = true;
    answered.set(waiting.tid, waiting.reads);
    ask().then(
      (line) => {
        asking = false;
        if (stopped) return;
        if (line === null) {
          stopped = true;
          clearInterval(timer);
          stdin.end();
        } else stdin.write(`${line}\n`);
      },
      () => {
        asking = false;
      },
    );
  }, STDIN_POLL_MS);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
