// %bench's report (application/vnd.goperf.bench.v1+json): the runs of each benchmark as the Go
// benchmark format gives them, their summaries, and a comparison when one was asked for. A
// published schema (README "The vendor JSON types") that imports nothing. kernel/go/benchfmt.ts
// and kernel/go/stats.ts produce records of the same shapes (BenchRun, Summary); the magic's
// assignment of theirs to these is what keeps the two in step (tsc fails the build when they part).

import { isObject } from "./guards.js";

/** ns/op over a benchmark's runs: median, range and order-statistic interval. */
export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  /** Order-statistic interval; absent when there are too few samples for the confidence asked. */
  ci?: { lo: number; hi: number; confidence: number };
  /** Largest distance of the interval from the median, as % of the median (benchstat's "± x%"). */
  ciPct?: number;
  /** (max - min) / median * 100. */
  spreadPct: number;
  tooFew: boolean;
}

/** One run, as the Go benchmark format gives it. */
export interface BenchRunRecord {
  iterations: number;
  /** NaN if the line has no ns/op (a benchmark can drop it with ReportMetric(0, "ns/op")). */
  ns_per_op: number;
  bytes_per_op?: number;
  allocs_per_op?: number;
  mb_per_s?: number;
  /** Units other than the four above, e.g. from b.ReportMetric. */
  metrics: Record<string, number>;
}

/** An integer per-op count (B/op, allocs/op): exact when every run agrees. */
export interface CountSummary {
  value: number;
  exact: boolean;
  min: number;
  max: number;
}

export interface BenchEntry {
  /** Full name without the -P suffix, e.g. "BenchmarkSquareQuiet". */
  name: string;
  procs: number;
  runs: BenchRunRecord[];
  summary: {
    runs: number;
    ns_per_op: Summary;
    bytes_per_op?: CountSummary;
    allocs_per_op?: CountSummary;
    warnings: string[];
  };
}

export interface BenchComparisonRow {
  name: string;
  procs: number;
  before: Summary;
  after: Summary;
  deltaPct: number;
  p: number;
  significant: boolean;
  tooFew: boolean;
  allocs?: { before: number; after: number };
}

export interface BenchComparison {
  /** The saved result compared against, and what this run is called. */
  baseline: string;
  current: string;
  rows: BenchComparisonRow[];
  geomean: { before: number; after: number; deltaPct: number };
  alpha: number;
}

export interface BenchReport {
  go_version: string;
  goos: string;
  goarch: string;
  cpu: string;
  pkg: string;
  /** The go test flags used, e.g. ["-bench", "^(BenchmarkA)$", "-benchmem", "-count", "6"]. */
  flags: string[];
  benchmarks: BenchEntry[];
  comparison?: BenchComparison;
  /** The exact `go test` output, in the Go benchmark data format: feed it to benchstat. */
  raw: string;
  /** True when the run was interrupted and only the completed runs are shown. */
  incomplete: boolean;
  failures: { name: string; output: string[] }[];
  notes: string[];
}

/** The fields a view cannot do without. */
export function isBenchReport(v: unknown): v is BenchReport {
  return (
    isObject(v) &&
    Array.isArray(v.benchmarks) &&
    v.benchmarks.every((b) => isObject(b) && typeof b.name === "string" && isObject(b.summary) && isObject(b.summary.ns_per_op)) &&
    Array.isArray(v.failures ?? [])
  );
}
