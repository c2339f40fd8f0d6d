// The kernel's watchdog: a small detached process that outlives a kernel killed with SIGKILL (or
// crashed) just long enough to kill the process groups the kernel had running and to remove its
// scratch dir. Without it a `for {}` cell would keep a core busy until the next kernel start.
//
// The kernel holds the write end of the watchdog's stdin and tells it, one line each:
//   +PGID START BOOT   a child's process group started (its leader's record, processes.ts)
//   -PGID              it ended
//   dir D              the session's scratch dir
// When the kernel dies, for whatever reason, the kernel's end of the pipe closes: the watchdog
// reads end-of-file at once (no polling), kills the groups still listed whose leader is still the
// process recorded (a pid may be anyone's by then), removes the dir, exits.
//
// Usage (started by the kernel, never by hand): node dist/kernel/watchdog.js KERNEL_PID

import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, realpathSync, rmSync } from "node:fs";
import { setPriority } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { SCRATCH_PREFIX } from "./go/workspace.js";
import { formatRecord, parseRecord, whyNotOurs, type ProcessRecord } from "./go/processes.js";
import { killGroup } from "./go/toolchain.js";

/** The kernel's side: starts the watchdog and forwards what it must know. */
export class Watchdog {
  private constructor(private readonly child: ChildProcess) {}

  static start(): Watchdog | null {
    try {
      // This module's own file, or in the kernel bundle (bundle/build.mjs) the watchdog's bundle beside it.
      const child = spawn(process.execPath, [fileURLToPath(new URL("./watchdog.js", import.meta.url)), String(process.pid)], {
        detached: true, // its own process group: an interrupt signal to the kernel's group spares it
        stdio: ["pipe", "ignore", "ignore"],
      });
      child.on("error", () => undefined);
      lowPriority(child.pid);
      child.stdin!.on("error", () => undefined); // the watchdog died first: nothing to tell
      child.unref();
      (child.stdin as unknown as { unref?: () => void }).unref?.();
      return new Watchdog(child);
    } catch {
      return null;
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  started(leader: ProcessRecord): void {
    this.tell(`+${formatRecord(leader).trim()}`);
  }

  ended(pgid: number): void {
    this.tell(`-${pgid}`);
  }

  scratchDir(dir: string): void {
    this.tell(`dir ${dir}`);
  }

  private tell(line: string): void {
    if (this.child.stdin?.writable) this.child.stdin.write(line + "\n");
  }
}

/** The watchdog's side. */
function watch(kernelPid: number): void {
  const groups = new Map<number, ProcessRecord>();
  let dir = "";
  let buffered = "";
  let done = false;
  const apply = (line: string) => {
    if (line.startsWith("dir ")) dir = line.slice(4);
    else if (line.startsWith("+")) {
      const leader = parseRecord(line.slice(1));
      if (leader) groups.set(leader.pid, leader);
    } else if (/^-\d+$/.test(line)) groups.delete(Number(line.slice(1)));
  };
  const cleanUp = () => {
    if (done) return;
    done = true;
    for (const line of buffered.split("\n")) apply(line);
    const marked = dir ? parseRecord(readOr(join(dir, "running.pgid"), "")) : null;
    if (marked) groups.set(marked.pid, marked);
    for (const leader of groups.values()) {
      if (leader.pid === process.pid || whyNotOurs(leader) !== null) continue;
      killGroup(leader.pid, leader);
    }
    // Only a scratch dir of this kernel's: the name has the prefix and its kernel.pid is the kernel's.
    if (dir && basename(dir).startsWith(SCRATCH_PREFIX) && parseRecord(readOr(join(dir, "kernel.pid"), ""))?.pid === kernelPid) {
      rmSync(dir, { recursive: true, force: true });
    }
    process.exit(0);
  };
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) apply(line);
  });
  process.stdin.on("end", cleanUp);
  process.stdin.on("close", cleanUp);
  process.stdin.on("error", cleanUp);
  // Interrupts and hang-ups aimed at the kernel are not for the watchdog.
  for (const signal of ["SIGINT", "SIGHUP", "SIGPIPE"] as const) process.on(signal, () => undefined);
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return fallback;
  }
}

function isMain(): boolean {
  if (!process.argv[1]) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  const pid = Number(process.argv[2]);
  if (!Number.isInteger(pid) || pid <= 1) {
    process.stderr.write("usage: node watchdog.js KERNEL_PID (started by the goperf kernel)\n");
    process.exit(2);
  }
  watch(pid);
}

/**
 * The watchdog's start (a Node process: about 130 ms of a core here) overlaps the session's first
 * build; at the lowest priority it takes only what the build leaves. It reads the kernel's pipe
 * whenever it gets to it: nothing told to it is lost meanwhile.
 */
function lowPriority(pid: number | undefined): void {
  try {
    if (pid !== undefined) setPriority(pid, 19);
  } catch {
    // the default priority works too, only slower for the first cell
  }
}
