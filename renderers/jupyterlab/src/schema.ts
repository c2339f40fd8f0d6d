// The vendor JSON types this extension renders, as the kernel publishes them (README: "The vendor
// JSON types"; magics/reports.ts is the source of truth). Only the fields the views read are typed;
// `isEscapeReport` / `isBenchReport` check the ones they cannot do without.

export const ESCAPE_MIME = "application/vnd.goperf.escape.v1+json";
export const BENCH_MIME = "application/vnd.goperf.bench.v1+json";

export type DiagnosticKind = "heap" | "escape" | "noescape" | "leak" | "caninline" | "cannotinline" | "inline" | "devirtualize" | "other";

export interface EscapeDiagnostic {
  cell: number;
  line: number;
  col: number;
  kind: DiagnosticKind;
  message: string;
  func?: string;
  explanation: string[];
}

export interface EscapeReport {
  go_version: string;
  flags: string[];
  cells: { cell: number; source: string }[];
  diagnostics: EscapeDiagnostic[];
  view: { why: boolean; only: "heap" | "inline" | "all"; func?: string };
  comparison?: {
    releases: [string, string];
    same: EscapeDiagnostic[];
    removed: EscapeDiagnostic[];
    added: EscapeDiagnostic[];
  };
}

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  ci?: { lo: number; hi: number; confidence: number };
  ciPct?: number;
  spreadPct: number;
  tooFew: boolean;
}

export interface CountSummary {
  value: number;
  exact: boolean;
  min: number;
  max: number;
}

export interface BenchEntry {
  name: string;
  procs: number;
  runs: { iterations: number; ns_per_op: number; bytes_per_op?: number; allocs_per_op?: number }[];
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

export interface BenchReport {
  go_version: string;
  goos: string;
  goarch: string;
  cpu: string;
  pkg: string;
  flags: string[];
  benchmarks: BenchEntry[];
  comparison?: {
    baseline: string;
    current: string;
    rows: BenchComparisonRow[];
    geomean: { before: number; after: number; deltaPct: number };
    alpha: number;
  };
  raw: string;
  incomplete: boolean;
  failures: { name: string; output: string[] }[];
  notes: string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function isEscapeReport(v: unknown): v is EscapeReport {
  return (
    isObject(v) &&
    Array.isArray(v.cells) &&
    Array.isArray(v.diagnostics) &&
    v.diagnostics.every((d) => isObject(d) && typeof d.line === "number" && typeof d.kind === "string" && typeof d.message === "string") &&
    isObject(v.view)
  );
}

export function isBenchReport(v: unknown): v is BenchReport {
  return (
    isObject(v) &&
    Array.isArray(v.benchmarks) &&
    v.benchmarks.every((b) => isObject(b) && typeof b.name === "string" && isObject(b.summary) && isObject(b.summary.ns_per_op)) &&
    Array.isArray(v.failures ?? [])
  );
}
