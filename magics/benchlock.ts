// How %bench (and every magic that runs a benchmark binary) takes the machine-wide benchmark lock
// (kernel/go/benchlock.ts): only around the binary's run, never around a build, with the wait and
// any takeover said in the cell's output.

import { acquireBenchLock, lockPath } from "../kernel/go/benchlock.js";
import type { OptionSpec } from "./args.js";
import type { MagicContext } from "./types.js";

export const NO_LOCK_OPTION: OptionSpec = {
  name: "no-lock",
  type: "flag",
  description: "run without the machine-wide benchmark lock (other kernels' benchmarks may then run at the same time and disturb ns/op)",
};

/**
 * Runs `measure` holding the lock, unless `skip`. `onWait` is told the holder's description when
 * the lock is busy; `notes` receives what the reader should know (a takeover, a lock that could
 * not be used). An interrupt while waiting rejects with an AbortError before anything ran.
 */
export async function underBenchLock<T>(ctx: MagicContext, skip: boolean, notes: string[], onWait: (holder: string) => void, measure: () => Promise<T>): Promise<T> {
  if (skip) {
    notes.push("run with --no-lock: benchmarks of other kernels on this machine may have run at the same time");
    return measure();
  }
  const lock = await acquireBenchLock({
    path: lockPath(ctx.session.goEnv),
    description: `goperf kernel, cell[${ctx.cell.count}] (${ctx.cell.source.split("\n")[ctx.line - 1]?.trim().slice(0, 80) ?? "%bench"})`,
    signal: ctx.signal,
    onWait,
  });
  if ("unavailable" in lock) {
    notes.push(lock.unavailable);
    return measure();
  }
  if (lock.tookOver) notes.push(`took over the benchmark lock left by ${lock.tookOver} (it ended without releasing it)`);
  try {
    return await measure();
  } finally {
    lock.release();
  }
}
