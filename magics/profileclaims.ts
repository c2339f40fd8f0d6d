// Run-time allocation claims judged on %profile --mem reports. Pure.
//
//   line N allocs/op == 0         a line of the profiled cell (also cell[K]:N, and B/op)
//   FUNC allocs/op == 0           allocations in FUNC and what it calls (pprof's cumulative), per iteration
//
// Figures are the report's: whole allocations per iteration as the testing package rounds them.

import { matchesFunc } from "../kernel/compiled/asmlisting.js";
import type { ProfileReport } from "../kernel/reports/profile.js";

export type Op = "==" | "!=" | "<" | "<=" | ">" | ">=";
type Metric = "allocs/op" | "B/op";

export interface LineCountClaim {
  type: "line-count";
  cell?: number;
  line: number;
  metric: Metric;
  op: Op;
  value: number;
}

export const LINE_CLAIM = /^(?:line\s+(\d+)|cell\[(\d+)\]:(\d+))\s+(allocs\/op|B\/op)\s*(==|!=|<=|>=|<|>)\s*(\d+)$/;

export function parseLineClaim(t: string): LineCountClaim | null {
  const m = LINE_CLAIM.exec(t);
  if (!m) return null;
  return { type: "line-count", cell: m[2] ? Number(m[2]) : undefined, line: Number(m[1] ?? m[3]), metric: m[4] as Metric, op: m[5] as Op, value: Number(m[6]) };
}

interface Verdict {
  passed: boolean;
  detail: string;
}

const pick = (f: { allocs_per_op?: number; bytes_per_op?: number } | undefined, metric: Metric) => (metric === "allocs/op" ? f?.allocs_per_op : f?.bytes_per_op) ?? 0;

/** `line N`: in the newest --mem profile whose cells have that line (cell[K]:N names the cell). */
export function judgeLineClaim(claim: LineCountClaim, profiles: readonly ProfileReport[], compare: (x: number, op: Op, y: number) => boolean): Verdict {
  if (profiles.length === 0) return { passed: false, detail: "no allocation profile: run %profile (--mem) on a benchmark first" };
  const where = claim.cell === undefined ? `line ${claim.line}` : `cell[${claim.cell}]:${claim.line}`;
  for (const p of profiles) {
    const lines = (c: { source: string }) => c.source.split("\n").length;
    const cells = p.cells.filter((c) => (claim.cell === undefined || c.cell === claim.cell) && claim.line <= lines(c));
    if (cells.length === 0) continue;
    const profiled = cells.filter((c) => p.lines.some((l) => l.cell === c.cell && l.line === claim.line));
    const chosen = cells.length === 1 ? cells : profiled;
    if (chosen.length > 1) return { passed: false, detail: `${where} is ambiguous in the profile of ${p.benchmark}: cells ${chosen.map((c) => c.cell).join(", ")}; write cell[K]:${claim.line}` };
    if (chosen.length === 0) continue;
    const cell = chosen[0].cell;
    const line = p.lines.find((l) => l.cell === cell && l.line === claim.line);
    const value = pick(line, claim.metric);
    const text = chosen[0].source.split("\n")[claim.line - 1]?.trim() ?? "";
    return { passed: compare(value, claim.op, claim.value), detail: `cell[${cell}]:${claim.line} \`${text}\`: ${value} ${claim.metric} in ${p.benchmark} (${p.iterations} iterations, ${p.go_version})` };
  }
  return { passed: false, detail: `${where} is not in the cells the latest profiles show (${profiles.map((p) => p.benchmark).join(", ")})` };
}

/** `FUNC allocs/op`: the newest --mem profile with FUNC in its functions (cumulative: FUNC and its callees); null when none has it. */
export function judgeFuncCount(func: string, metric: Metric, op: Op, value: number, profiles: readonly ProfileReport[], compare: (x: number, op: Op, y: number) => boolean): Verdict | null {
  for (const p of profiles) {
    const f = p.functions.find((fn) => matchesFunc(fn.name, func));
    if (!f) continue;
    const v = pick(f.cum, metric);
    return { passed: compare(v, op, value), detail: `${f.name} (with what it calls): ${v} ${metric} in the profile of ${p.benchmark} (${p.iterations} iterations, ${p.go_version})` };
  }
  // A function that allocates nothing has no sample; its own benchmark's profile says so.
  const own = profiles.find((p) => p.benchmark === `Benchmark${func}` || p.benchmark.startsWith(`Benchmark${func}_`));
  if (own) return { passed: compare(0, op, value), detail: `${func}: no allocation in the profile of ${own.benchmark} (${own.iterations} iterations, ${own.go_version})` };
  return null;
}
