// The vendor JSON this extension renders: the kernel's own types (magics/reports.ts, the published
// schema, see README "The vendor JSON types"), and guards that check the fields the views cannot
// do without before a view is built from a bundle's data.

import type { BenchReport, EscapeReport } from "../../../magics/reports.js";

export { BENCH_MIME, ESCAPE_MIME } from "../../../magics/reports.js";
export { ASM_MIME } from "../../../kernel/reports/asm.js";
export { PROFILE_MIME } from "../../../kernel/reports/profile.js";
import type { ProfileReport } from "../../../kernel/reports/profile.js";
import type { AsmReport } from "../../../kernel/reports/asm.js";
export type { BenchComparisonRow, BenchEntry, BenchReport, CountSummary, DiagnosticKind, EscapeDiagnostic, EscapeReport, Summary } from "../../../magics/reports.js";

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

export function isAsmReport(v: unknown): v is AsmReport {
  return (
    isObject(v) &&
    Array.isArray(v.cells) &&
    Array.isArray(v.builds) &&
    v.builds.length > 0 &&
    v.builds.every((b) => isObject(b) && Array.isArray(b.functions) && b.functions.every((f) => isObject(f) && Array.isArray(f.instructions)))
  );
}

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
