// The %profile report: where a benchmark's allocations, time or waiting go, per cell line and per
// function. A published schema (README, "application/vnd.goperf.profile.v1+json"): the field names
// here are what readers of the vendor type see.

export { PROFILE_MIME } from "./mime.js";
import { isObject } from "./guards.js";

export type ProfileKind = "mem" | "cpu" | "block" | "mutex";

/** The figures one line or function carries; which are set depends on the profile's kind. */
export interface ProfileFigures {
  /**
   * mem: whole allocations per iteration, as the testing package computes allocs/op (the count over
   * the measured iterations, divided and rounded down): per-line values add up to allocs/op.
   */
  allocs_per_op?: number;
  /** mem: heap bytes per iteration, as the testing package counts B/op (size-class bytes, rounded down). */
  bytes_per_op?: number;
  /** mem: every allocation and byte over the measured iterations (what the rounding leaves: one-time setup, pool refills, amortized growth). */
  allocs_total?: number;
  bytes_total?: number;
  /** cpu: share of all CPU samples in the profile, in percent. */
  cpu_pct?: number;
  /** block, mutex: time spent waiting per iteration, and the share of all waiting. */
  delay_ns_per_op?: number;
  delay_pct?: number;
}

/** A compiler decision (-m=2) on the same line, in the compiler's words. */
export interface LineDecision {
  col: number;
  kind: string;
  message: string;
}

export interface ProfileLine extends ProfileFigures {
  cell: number;
  line: number;
  /** The enclosing function, as the reader wrote it ("SquareLogged", "Doubler.Transform"). */
  func?: string;
  decisions: LineDecision[];
  /** --go A,B: the line's figures under A (absent: nothing there under A), and whether they differ. */
  before?: ProfileFigures;
  differs?: boolean;
}

export interface ProfileFunction {
  /** As the runtime names it, the session's package prefix dropped: "SquareLogged", "fmt.Fprint". */
  name: string;
  /** The function's own code (flat) and everything it calls (cum). */
  flat: ProfileFigures;
  cum: ProfileFigures;
}

/** One frame of the flame graph: a function and what it spends, its callees nested. */
export interface FlameNode {
  name: string;
  value: number;
  children: FlameNode[];
}

/** One garbage collection, from GODEBUG=gctrace=1. */
export interface GcCycle {
  n: number;
  /** Seconds since the program started. */
  at_s: number;
  /** Heap at the start of the cycle, at its end, and live after it; the goal it aimed for (MB). */
  heap_start_mb: number;
  heap_end_mb: number;
  heap_live_mb: number;
  heap_goal_mb: number;
  /** Stop-the-world pauses (sweep termination + mark termination), wall clock. */
  pause_ms: number;
}

export interface ProfileRun {
  /** The release the profile was taken with (for --go A,B, one run per release). */
  go_version: string;
  iterations: number;
  lines: ProfileLine[];
  functions: ProfileFunction[];
  /** Samples in the profile (all of them: allocations, CPU ticks or blocking events). */
  samples_total: number;
  /** mem: the benchmark's allocs/op and B/op as the testing package reported them in this run. */
  reported?: { allocs_per_op?: number; bytes_per_op?: number };
  /** mem: allocations the runtime's profiler cannot see (stock runtime: tiny-allocator combines). */
  unattributed_allocs_per_op?: number;
  /** cpu: the call tree, pruned to frames worth drawing. */
  flame?: FlameNode;
  /** gc: one entry per collection, and the count per iteration. */
  gc?: { cycles: GcCycle[]; gcs_per_op: number };
  /** The raw profile as the runtime wrote it (gzipped protobuf, base64): for go tool pprof. */
  raw_base64?: string;
}

export interface ProfileReport extends ProfileRun {
  kind: ProfileKind | "gc";
  /** Full benchmark name, e.g. "BenchmarkSquareLogged". */
  benchmark: string;
  /** The cells whose source the lines are shown on. */
  cells: { cell: number; source: string }[];
  /** Something was left out to keep the output small (the JSON and the HTML say what). */
  truncated: boolean;
  notes: string[];
  /** --go A,B: the run under A; `go_version`, lines, ... are B's. Lines that differ are marked. */
  before?: ProfileRun;
}

/** Whether a bundle's data (from a notebook anyone can edit) has the shape of a profile report. */
export function isProfileReport(v: unknown): v is ProfileReport {
  return (
    isObject(v) &&
    typeof v.kind === "string" &&
    typeof v.benchmark === "string" &&
    Array.isArray(v.cells) &&
    Array.isArray(v.lines) &&
    v.lines.every((l) => isObject(l) && typeof l.cell === "number" && typeof l.line === "number" && Array.isArray(l.decisions)) &&
    Array.isArray(v.functions)
  );
}
