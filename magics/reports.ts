// The results magics produce, as plain data. Renderers turn them into MIME bundles; the vendor JSON
// types carry them as they are, so the field names here are a published schema (see README).

import type { BenchRun } from "../kernel/go/benchfmt.js";
import type { DiagnosticKind } from "../kernel/go/diagnostics.js";
import type { Summary } from "../kernel/go/stats.js";
export type { DiagnosticKind };

/** The versioned vendor MIME types that carry the reports (and name their schema's version). */
export const ESCAPE_MIME = "application/vnd.goperf.escape.v1+json";
export const BENCH_MIME = "application/vnd.goperf.bench.v1+json";
export const CLAIMS_MIME = "application/vnd.goperf.claims.v1+json";

export interface EscapeDiagnostic {
  /** The cell's execution count; 0 for a decision about a package's file (see `file`). */
  cell: number;
  /**
   * %escape --pkg: the package file the decision is about, named as -trimpath names it
   * ("example.com/mine/calc/calc.go"); line and col are that file's. Absent for cell code.
   */
  file?: string;
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
  /** %escape --pkg: the package's files with decisions, as on disk (absent otherwise). */
  files?: { file: string; source: string }[];
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
