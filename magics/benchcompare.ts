// Two benchmark reports -> a benchstat-style comparison: per benchmark, the change of the ns/op
// median with a Mann-Whitney U test, and the geomean of the medians over the benchmarks both share.

import { compare, geomean, summarize } from "../kernel/go/stats.js";
import type { BenchComparison, BenchComparisonRow, BenchReport } from "../kernel/reports/index.js";

export const ALPHA = 0.05;

export function compareReports(before: BenchReport, after: BenchReport, baseline: string, current: string): BenchComparison {
  const rows: BenchComparisonRow[] = [];
  for (const b of after.benchmarks) {
    const a = before.benchmarks.find((x) => x.name === b.name && x.procs === b.procs);
    if (!a) continue;
    const xs = a.runs.map((r) => r.ns_per_op);
    const ys = b.runs.map((r) => r.ns_per_op);
    const c = compare(xs, ys, ALPHA);
    rows.push({
      name: b.name,
      procs: b.procs,
      before: summarize(xs),
      after: summarize(ys),
      deltaPct: c.deltaPct,
      p: c.p,
      significant: c.significant,
      tooFew: c.tooFew,
      ...(a.summary.allocs_per_op && b.summary.allocs_per_op ? { allocs: { before: a.summary.allocs_per_op.value, after: b.summary.allocs_per_op.value } } : {}),
    });
  }
  const g0 = rows.length ? geomean(rows.map((r) => r.before.median)) : 0;
  const g1 = rows.length ? geomean(rows.map((r) => r.after.median)) : 0;
  return { baseline, current, rows, geomean: { before: g0, after: g1, deltaPct: g0 ? ((g1 - g0) / g0) * 100 : 0 }, alpha: ALPHA };
}
