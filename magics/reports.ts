// The results magics produce, as plain data. Renderers turn them into MIME bundles; the vendor JSON
// types carry them as they are, so the field names here are a published schema (see README).

import type { BenchRun } from "../kernel/go/benchfmt.js";
import type { DiagnosticKind } from "../kernel/go/diagnostics.js";
import type { CountSummary, Summary } from "../kernel/go/stats.js";
import type { Sweep } from "../kernel/reports/sweep.js";
import type { NoiseReport } from "../kernel/reports/noise.js";
export type { DiagnosticKind };

/** The versioned vendor MIME types that carry the reports (and name their schema's version). */
export const ESCAPE_MIME = "application/vnd.goperf.escape.v1+json";
export const BENCH_MIME = "application/vnd.goperf.bench.v1+json";
export const CLAIMS_MIME = "application/vnd.goperf.claims.v1+json";

export interface EscapeDiagnostic {
  cell: number;
  line: number;
  col: number;
  kind: DiagnosticKind;
  /** The compiler's exact words. */
  message: string;
  /** The enclosing function, where it can be known ("Doubler.Transform" for a method). */
  func?: string;
  /** `-m=2` reasons: flow chains, inlining cost. Shown under the line only with --why. */
  explanation: string[];
}

export interface EscapeReport {
  go_version: string;
  /** The compiler flags that produced the diagnostics, e.g. ["-m=2", "-l"]. */
  flags: string[];
  cells: { cell: number; source: string }[];
  diagnostics: EscapeDiagnostic[];
  /** How the report is shown: not part of the compiler's answer. */
  view: { why: boolean; only: "heap" | "inline" | "all"; func?: string };
  /** Set when decisions under two toolchains are compared (the %go issue). */
  comparison?: EscapeComparison;
}

export interface EscapeComparison {
  /** Toolchain versions, e.g. ["go1.22.12", "go1.26.8"]. */
  releases: [string, string];
  /** Decisions both toolchains report. */
  same: EscapeDiagnostic[];
  /** Reported only by releases[0] ("-"), only by releases[1] ("+"). */
  removed: EscapeDiagnostic[];
  added: EscapeDiagnostic[];
}

/** ns/op over a benchmark's runs, as kernel/go/stats.ts summarizes it. */
export type { Summary };
/** One run, as the Go benchmark format gives it (kernel/go/benchfmt.ts). */
export type BenchRunRecord = BenchRun;

/** An integer per-op count (B/op, allocs/op): the median of the runs, exact when every run agrees. */
export type { CountSummary };

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
  /** benchstat's footnote for the sec/op comparison, if any. */
  note?: string;
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

export interface Claim {
  /** The claim as written. */
  text: string;
  /** 1-based line in the cell. */
  line: number;
  passed: boolean;
  /** What was found: the evidence, or why it failed. */
  detail: string;
}

export interface ClaimReport {
  go_version: string;
  /** Claims fail the cell; predictions (drills) are scored, never failing. */
  kind: "claims" | "predictions";
  claims: Claim[];
  /** Predictions shown before the code is built: not yet scored. */
  pending?: boolean;
  /** --warn: failures are shown but do not fail the cell. */
  warnOnly: boolean;
}

export type { Crossover, Growth, Sweep, SweepPoint, SweepSeries } from "../kernel/reports/sweep.js";
export type { NoiseFinding, NoiseReport } from "../kernel/reports/noise.js";
