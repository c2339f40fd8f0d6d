// Measured profile costs -> the report's per-line and per-function figures, with the compiler's
// decisions for each line beside them. Pure.

import type { Decl } from "../kernel/go/compose.js";
import type { Costs } from "../kernel/profiles/profilecost.js";
import type { GcCycle, LineDecision, ProfileFigures, ProfileFunction, ProfileKind, ProfileLine, ProfileReport, ProfileRun } from "../kernel/reports/profile.js";
import { enclosingFunc } from "./escape.js";
import type { EscapeDiagnostic } from "../kernel/reports/index.js";

/** What one release's run measured: its profile's costs (figures already per iteration; none for gc). */
export interface RunCosts {
  kind: ProfileKind | "gc";
  iterations: number;
  costs: Costs | null;
  raw: Buffer | null;
  gc?: (GcCycle & { forced: boolean })[];
  reported: { allocs_per_op?: number; bytes_per_op?: number };
}

/** The raw profile is offered for download up to this size; beyond it the link is left out. */
export const MAX_RAW_BYTES = 192 * 1024;
/** Decisions about allocation: shown beside a line's run-time figures even when it allocates nothing. */
const ALLOCATION_KINDS = new Set(["heap", "escape"]);

export function assembleRun(m: RunCosts, ctx: { kind: ProfileKind | "gc"; version: string; decls: readonly Decl[]; decisions: readonly EscapeDiagnostic[] }): ProfileRun {
  const n = m.iterations;
  const run: ProfileRun = { go_version: ctx.version, iterations: n, lines: [], functions: [], samples_total: 0 };
  if (m.kind === "gc") {
    const cycles = (m.gc ?? []).map(({ forced: _f, ...c }) => c);
    // The testing package forces a collection before each run; those are not the benchmark's.
    const own = (m.gc ?? []).filter((c) => !c.forced).length;
    run.gc = { cycles, gcs_per_op: own / n };
    run.samples_total = cycles.length;
    return run;
  }
  const last = m.costs!;
  const lines = last.lines.map(({ cell, line, ...figures }) => ({ cell, line, figures: figures as ProfileFigures }));
  const functions: ProfileFunction[] = last.functions;
  if (m.kind === "cpu") run.flame = last.flame;
  if (m.kind === "mem") {
    run.reported = m.reported;
    const unseen = (m.reported.allocs_per_op ?? 0) - lines.reduce((t, l) => t + (l.figures.allocs_per_op ?? 0), 0);
    if (unseen > 0) run.unattributed_allocs_per_op = unseen;
  }
  const decided = ctx.decisions.filter((d) => m.kind === "mem" && ALLOCATION_KINDS.has(d.kind));
  const cells = new Set(lines.map((l) => l.cell));
  for (const d of decided) {
    if (cells.has(d.cell) && !lines.some((l) => l.cell === d.cell && l.line === d.line)) lines.push({ cell: d.cell, line: d.line, figures: { allocs_per_op: 0, bytes_per_op: 0, allocs_total: 0, bytes_total: 0 } });
  }
  run.lines = lines
    .sort((a, b) => a.cell - b.cell || a.line - b.line)
    .map((l): ProfileLine => ({
      cell: l.cell,
      line: l.line,
      ...l.figures,
      func: enclosingFunc(ctx.decls, l.cell, l.line),
      decisions: ctx.decisions.filter((d) => d.cell === l.cell && d.line === l.line).map((d): LineDecision => ({ col: d.col, kind: d.kind, message: d.message })),
    }));
  run.functions = functions;
  run.samples_total = last.samplesTotal;
  if (m.raw && m.raw.length <= MAX_RAW_BYTES) run.raw_base64 = m.raw.toString("base64");
  return run;
}

/** What the report leaves out, in words (empty: nothing). */
export function omissions(m: RunCosts): string[] {
  const out: string[] = [];
  if (m.costs?.truncated) out.push("small call-tree frames (under 0.5%) and functions beyond the top 60 are left out");
  if (m.raw && m.raw.length > MAX_RAW_BYTES) out.push(`the raw profile (${Math.round(m.raw.length / 1024)} KB) is not attached: larger than ${MAX_RAW_BYTES / 1024} KB`);
  return out;
}

/** The figure two releases are compared on. */
function key(f: ProfileFigures | undefined, kind: ProfileReport["kind"]): number {
  if (!f) return 0;
  return kind === "mem" ? (f.allocs_per_op ?? 0) * 1e6 + (f.bytes_per_op ?? 0) : kind === "cpu" ? Math.round(f.cpu_pct ?? 0) : Math.round(f.delay_pct ?? 0);
}

/** --go A,B: each line gets A's figures beside it; lines present under A only are added. */
export function markDifferences(report: ProfileReport): void {
  const before = report.before!;
  const at = (l: { cell: number; line: number }) => `${l.cell}:${l.line}`;
  const prior = new Map(before.lines.map((l) => [at(l), l]));
  for (const l of report.lines) {
    const p = prior.get(at(l));
    if (p) l.before = figuresOf(p);
    l.differs = key(p, report.kind) !== key(l, report.kind);
    prior.delete(at(l));
  }
  for (const p of prior.values()) {
    report.lines.push({ cell: p.cell, line: p.line, func: p.func, decisions: [], before: figuresOf(p), differs: key(p, report.kind) !== 0, ...(report.kind === "mem" ? { allocs_per_op: 0, bytes_per_op: 0 } : {}) });
  }
  report.lines.sort((a, b) => a.cell - b.cell || a.line - b.line);
}

function figuresOf(l: ProfileFigures): ProfileFigures {
  const { allocs_per_op, bytes_per_op, allocs_total, bytes_total, cpu_pct, delay_ns_per_op, delay_pct } = l;
  return Object.fromEntries(Object.entries({ allocs_per_op, bytes_per_op, allocs_total, bytes_total, cpu_pct, delay_ns_per_op, delay_pct }).filter(([, v]) => v !== undefined));
}
