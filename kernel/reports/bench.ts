// %bench's report (application/vnd.goperf.bench.v1+json): the runs of each benchmark as the Go
// benchmark format gives them, their summaries, and a comparison when one was asked for. A
// published schema (README "The vendor JSON types") that imports nothing. kernel/go/benchfmt.ts
// and kernel/go/stats.ts produce records of the same shapes (BenchRun, Summary); the magic's
// assignment of theirs to these is what keeps the two in step (tsc fails the build when they part).

import { isObject } from "./guards.js";
import type { NoiseReport } from "./noise.js";
import type { Sweep } from "./sweep.js";

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

/** An integer per-op count (B/op, allocs/op): the median of the runs, exact when every run agrees. */
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

/** One benchmark's sec/op compared (note: benchstat's footnote for it, if any), and its counts. */
export interface BenchComparisonRow extends MetricComparison {
  name: string;
  procs: number;
  allocs?: { before: number; after: number };
  /** B/op and allocs/op compared with the same test as sec/op (benchstat's second and third tables). */
  bytes_per_op?: MetricComparison;
  allocs_per_op?: MetricComparison;
}

/** One unit of one benchmark, before and after, as benchstat compares it. */
export interface MetricComparison {
  before: Summary;
  after: Summary;
  deltaPct: number;
  p: number;
  significant: boolean;
  tooFew: boolean;
  note?: string;
}

/** benchstat's geomean row for one unit: geomean of the medians, and of the ratios as a change. */
export interface GeomeanRow {
  /** NaN when a median is 0 ("summaries must be >0 to compute geomean"). */
  before: number;
  after: number;
  /** NaN when a ratio is undefined (0 → non-zero). */
  deltaPct: number;
}

export interface BenchComparison {
  /** The saved result compared against, and what this run is called. */
  baseline: string;
  current: string;
  rows: BenchComparisonRow[];
  geomean: { before: number; after: number; deltaPct: number };
  /** Configuration keys that differ between the saving and this run (another machine, day, release). */
  config_differs?: { key: string; before: string; after: string }[];
  /** The saved file compared against, when it came from the data dir. */
  baseline_file?: string;
  /** Benchmarks only one side has: not compared, listed. */
  unmatched?: { baseline: string[]; current: string[] };
  /** The geomean rows of the B/op and allocs/op tables (present when any row has that unit). */
  geomeans?: { bytes_per_op?: GeomeanRow; allocs_per_op?: GeomeanRow };
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
  /** Present when benchmarks ran at two or more sizes (%bench --sweep, or b.Run("n=64", …)). */
  sweep?: Sweep;
  /** Conditions named before and after the run that make timings less trustworthy (Linux). */
  noise?: NoiseReport;
  /** benchstat configuration keys written with the raw output (goos, goarch, cpu, go, machine, labels). */
  config?: Record<string, string>;
  /** Where --save wrote the raw output (a file benchstat reads). */
  saved?: string;
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
