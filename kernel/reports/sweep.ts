// The sweep part of application/vnd.goperf.bench.v1+json (README: "bench.v1 sweep"): a benchmark's
// numbers against the size it was given, per function, with where two functions swap order and how
// each one's cost grows. Pure data; kernel/go/sweep.ts derives it from a report's benchmarks.

import type { CountSummary, Summary } from "./bench.js";

export interface SweepPoint {
  /** The swept variable's value (the first variable of a grid). */
  n: number;
  /** The full sub-benchmark name, e.g. "BenchmarkF/n=64". */
  benchmark: string;
  summary: {
    runs: number;
    ns_per_op: Summary;
    bytes_per_op?: CountSummary;
    allocs_per_op?: CountSummary;
  };
  /** Set when this size failed (panicked, timed out, b.Fatal): it has no numbers. */
  failed?: string;
}

export interface SweepSeries {
  /** Display name: the function ("F"), plus the other variables' values in a grid ("F k=2"). */
  name: string;
  /** The benchmark the points come from ("BenchmarkF"). */
  benchmark: string;
  procs: number;
  /** The other variables' fixed values in a grid. */
  at: Record<string, number>;
  points: SweepPoint[];
}

export interface Crossover {
  /** Slower below the crossover, faster above it. */
  faster: string;
  slower: string;
  /** The last size where `slower` was significantly faster, the first where `faster` is. */
  from: number;
  to: number;
  /** Where the medians' log-log interpolation crosses. */
  estimate: number;
  text: string;
}

export interface Growth {
  series: string;
  unit: "ns/op" | "B/op" | "allocs/op";
  /** Least-squares slope of log(median) on log(n); undefined for an exact count formula. */
  exponent?: number;
  /** The smallest and largest slope between neighbouring sizes. */
  range?: [number, number];
  r2?: number;
  /** The fit explains the medians poorly: the exponent is a summary, not a law. */
  poorFit?: boolean;
  /** An exact formula for a count that all runs agree on ("allocs/op = 1 + ⌊n/8⌋"). */
  exact?: string;
  text: string;
}

export interface Sweep {
  /** The swept variables, x first. */
  vars: string[];
  series: SweepSeries[];
  crossovers: Crossover[];
  growth: Growth[];
  /** Whether the x axis spans decades (the chart is then log-log). */
  logX: boolean;
}
