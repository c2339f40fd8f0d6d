// Two benchmark reports -> a benchstat-style comparison: per benchmark and unit (sec/op, B/op,
// allocs/op), the change of the median with a Mann-Whitney U test, and per unit benchstat's geomean
// row (geomean of the medians; the change is the geomean of the per-benchmark ratios).

import { compare, geomean, geomeanChange, summarize } from "../kernel/go/stats.js";
import type { BenchRunRecord } from "../kernel/reports/index.js";
import type { BenchComparison, BenchComparisonRow, BenchReport, GeomeanRow, MetricComparison } from "../kernel/reports/index.js";

export const ALPHA = 0.05;

type Unit = "bytes_per_op" | "allocs_per_op";

function metric(before: BenchRunRecord[], after: BenchRunRecord[], unit: Unit): MetricComparison | undefined {
  const xs = before.map((r) => r[unit]).filter((v): v is number => v !== undefined);
  const ys = after.map((r) => r[unit]).filter((v): v is number => v !== undefined);
  if (xs.length === 0 || ys.length === 0) return undefined;
  const c = compare(xs, ys, ALPHA);
  return { before: summarize(xs), after: summarize(ys), deltaPct: c.deltaPct, p: c.p, significant: c.significant, tooFew: c.tooFew, ...(c.note ? { note: c.note } : {}) };
}

function geomeanRow(pairs: { before: number; after: number }[]): GeomeanRow {
  return { before: geomean(pairs.map((p) => p.before)), after: geomean(pairs.map((p) => p.after)), deltaPct: geomeanChange(pairs) };
}

export function compareReports(before: BenchReport, after: BenchReport, baseline: string, current: string): BenchComparison {
  const rows: BenchComparisonRow[] = [];
  for (const b of after.benchmarks) {
    const a = before.benchmarks.find((x) => x.name === b.name && x.procs === b.procs);
    if (!a) continue;
    const xs = a.runs.map((r) => r.ns_per_op);
    const ys = b.runs.map((r) => r.ns_per_op);
    const c = compare(xs, ys, ALPHA);
    const bytes = metric(a.runs, b.runs, "bytes_per_op");
    const allocs = metric(a.runs, b.runs, "allocs_per_op");
    rows.push({
      name: b.name,
      procs: b.procs,
      before: summarize(xs),
      after: summarize(ys),
      deltaPct: c.deltaPct,
      p: c.p,
      significant: c.significant,
      tooFew: c.tooFew,
      ...(c.note ? { note: c.note } : {}),
      ...(a.summary.allocs_per_op && b.summary.allocs_per_op ? { allocs: { before: a.summary.allocs_per_op.value, after: b.summary.allocs_per_op.value } } : {}),
      ...(bytes ? { bytes_per_op: bytes } : {}),
      ...(allocs ? { allocs_per_op: allocs } : {}),
    });
  }
  const g = geomeanRow(rows.map((r) => ({ before: r.before.median, after: r.after.median })));
  const comparison: BenchComparison = { baseline, current, rows, geomean: g, alpha: ALPHA };
  const geomeans: NonNullable<BenchComparison["geomeans"]> = {};
  for (const unit of ["bytes_per_op", "allocs_per_op"] as const) {
    const pairs = rows.flatMap((r) => (r[unit] ? [{ before: r[unit]!.before.median, after: r[unit]!.after.median }] : []));
    if (pairs.length) geomeans[unit] = geomeanRow(pairs);
  }
  if (Object.keys(geomeans).length) comparison.geomeans = geomeans;
  // benchstat compares the rows both sides have; the rest are listed, not dropped silently.
  const key = (b: { name: string; procs: number }) => `${b.name}-${b.procs}`;
  const inAfter = new Set(after.benchmarks.map(key));
  const inBefore = new Set(before.benchmarks.map(key));
  const onlyBefore = before.benchmarks.filter((b) => !inAfter.has(key(b))).map((b) => (b.procs > 1 ? key(b) : b.name));
  const onlyAfter = after.benchmarks.filter((b) => !inBefore.has(key(b))).map((b) => (b.procs > 1 ? key(b) : b.name));
  if (onlyBefore.length || onlyAfter.length) comparison.unmatched = { baseline: onlyBefore, current: onlyAfter };
  return comparison;
}
