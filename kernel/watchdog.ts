// The kernel's side of its watchdog (kernel/go/launcher/watchdog.go: `launcher -watchdog
// KERNEL_PID`), a small detached process that outlives a kernel killed with SIGKILL (or crashed)
// just long enough to kill the process groups the kernel had running and to remove its scratch
// dir. The kernel holds the write end of the watchdog's stdin and tells it what runs, one line
// each (the protocol is in watchdog.go); when the kernel dies, the pipe closes and the watchdog
// acts.
//
// The watchdog is the launcher's binary, built (once per Go release) while the session starts:
// what the kernel tells it before the binary is ready waits here and is told at its start. Until
// then no program can have run (programs run through the launcher too); only go commands, which
// end by themselves.

import { spawn, type ChildProcess } from "node:child_process";
import { formatRecord, type ProcessRecord } from "./go/processes.js";

export class Watchdog {
  private child: ChildProcess | null = null;
  /** Lines told before the watchdog started; null once it runs (or could not start). */
  private waiting: string[] | null = [];

  constructor(private readonly log: (line: string) => void) {}

  /** Starts the watchdog from the launcher's binary once it is built; the log says why when it cannot. */
  async start(binary: Promise<string | null>): Promise<void> {
    const path = await binary.catch(() => null);
    if (path) return this.spawn(path);
    this.waiting = null;
    this.log("no watchdog (the launcher did not build): children of a killed kernel wait for the next kernel start");
  }

  private spawn(path: string): void {
    try {
      const child = spawn(path, ["-watchdog", String(process.pid)], {
        detached: true, // its own process group: an interrupt signal to the kernel's group spares it
        stdio: ["pipe", "ignore", "ignore"],
      });
      child.on("error", (err) => this.log(`the watchdog did not start: ${err.message}`));
      child.stdin!.on("error", () => undefined); // the watchdog died first: nothing to tell
      child.unref();
      (child.stdin as unknown as { unref?: () => void }).unref?.();
      this.child = child;
      const told = this.waiting ?? [];
      this.waiting = null;
      if (told.length) this.write(told.join(""));
    } catch (err) {
      this.waiting = null;
      this.log(`the watchdog did not start: ${(err as Error).message}`);
    }
  }

  get pid(): number | undefined {
    return this.child?.pid;
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
    if (this.waiting) this.waiting.push(line + "\n");
    else this.write(line + "\n");
  }

  private write(text: string): void {
    if (this.child?.stdin?.writable) this.child.stdin.write(text);
  }
}
