// GODEBUG=gctrace=1 lines -> one record per collection. Pure.
//
//   gc 7 @0.052s 3%: 0.018+0.42+0.004 ms clock, 0.036+0.11/0.30/0.05+0.008 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P
//
// The wall-clock triple is sweep termination (stop the world) + concurrent mark + mark termination
// (stop the world): the pauses are the first and the last. Heap: at the start of the cycle, at its
// end, and live after marking. The runtime's format (runtime/mgc.go) has been stable since go1.5;
// "(forced)" marks a collection runtime.GC asked for.

import type { GcCycle } from "../reports/profile.js";

const LINE = /^gc (\d+) @([\d.]+)s \d+%: ([\d.]+)\+([\d.]+)\+([\d.]+) ms clock, .*?, (\d+)->(\d+)->(\d+) MB, (\d+) MB goal/;

export interface GcTrace {
  cycles: (GcCycle & { forced: boolean })[];
  /** Everything else the program wrote to stderr, as written. */
  rest: string;
}

export function parseGcTrace(stderr: string): GcTrace {
  const cycles: GcTrace["cycles"] = [];
  const rest: string[] = [];
  for (const line of stderr.split("\n")) {
    const m = LINE.exec(line);
    if (!m) {
      rest.push(line);
      continue;
    }
    cycles.push({
      n: Number(m[1]),
      at_s: Number(m[2]),
      pause_ms: Number(m[3]) + Number(m[5]),
      heap_start_mb: Number(m[6]),
      heap_end_mb: Number(m[7]),
      heap_live_mb: Number(m[8]),
      heap_goal_mb: Number(m[9]),
      forced: /\(forced\)\s*$/.test(line),
    });
  }
  return { cycles, rest: rest.join("\n") };
}
