// The vendor JSON this extension renders: the kernel's own types (magics/reports.ts, the published
// schema, see README "The vendor JSON types"), and guards that check the fields the views cannot
// do without before a view is built from a bundle's data.

import type { BenchReport, EscapeReport } from "../../../magics/reports.js";

export { BENCH_MIME, ESCAPE_MIME } from "../../../magics/reports.js";
export type { BenchComparisonRow, BenchEntry, BenchReport, CountSummary, MetricComparison, DiagnosticKind, EscapeDiagnostic, EscapeReport, Summary } from "../../../magics/reports.js";

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
