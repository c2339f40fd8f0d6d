// A stored, executed notebook against a fresh execution of the same cells: what a reader was told
// (claims, escape decisions, allocation counts, errors) must still hold. ns/op is weather and is
// never compared. Pure: the runner produces the fresh notebook.

import { BENCH_MIME, CLAIMS_MIME, ESCAPE_MIME, type BenchReport, type Claim, type ClaimReport, type EscapeReport } from "../reports/index.js";
import { codeCells, joinText, type CodeCell, type Notebook } from "./nbformat.js";

export type DifferenceKind = "claim" | "escape" | "bench" | "error" | "display";

export interface Difference {
  /** 1-based position of the cell among the notebook's cells. */
  cell: number;
  cellId?: string;
  /** The cell's execution count in the fresh run. */
  count: number | null;
  kind: DifferenceKind;
  message: string;
  /** Detail lines, e.g. "- 12:2: moved to heap: p" / "+ ...". */
  lines: string[];
}

export interface CheckResult {
  ok: boolean;
  differences: Difference[];
  checked: { cells: number; claims: number; diagnostics: number; benchmarks: number };
}

/** The vendor reports a code cell's outputs carry, in output order. */
export function reportsOf<T>(cell: CodeCell, mime: string): T[] {
  const found: T[] = [];
  for (const output of cell.outputs) {
    if (output.output_type !== "display_data" && output.output_type !== "execute_result") continue;
    const value = output.data[mime];
    if (value === undefined) continue;
    const parsed = typeof value === "string" || Array.isArray(value) ? safeJson(joinText(value as string | string[])) : value;
    if (parsed && typeof parsed === "object") found.push(parsed as T);
  }
  return found;
}

export function checkNotebook(stored: Notebook, fresh: Notebook): CheckResult {
  const differences: Difference[] = [];
  const checked = { cells: 0, claims: 0, diagnostics: 0, benchmarks: 0 };
  const storedCells = new Map(codeCells(stored).map((c) => [c.index, c.cell]));
  const storedLabels = new CellLabels(stored);
  const freshLabels = new CellLabels(fresh);
  for (const { cell, index } of codeCells(fresh)) {
    const old = storedCells.get(index);
    // A cell the stored run never reached (it stopped at an error) has nothing to compare.
    if (!old || (old.execution_count === null && old.outputs.length === 0)) continue;
    checked.cells++;
    const at = { cell: index + 1, cellId: cell.id, count: cell.execution_count };
    const add = (kind: DifferenceKind, message: string, lines: string[] = []) => differences.push({ ...at, kind, message, lines });

    // Claims: every claim the fresh run judges must pass (a --warn claim only if it passed before).
    const storedClaims = reportsOf<ClaimReport>(old, CLAIMS_MIME).flatMap((r) => r.claims.map((c) => ({ ...c, warnOnly: r.warnOnly })));
    const freshClaims = reportsOf<ClaimReport>(cell, CLAIMS_MIME).flatMap((r) => r.claims.map((c) => ({ ...c, warnOnly: r.warnOnly })));
    checked.claims += freshClaims.length;
    for (const claim of freshClaims) {
      if (claim.passed) continue;
      const before = storedClaims.find((c) => c.text === claim.text);
      if (claim.warnOnly && before && !before.passed) continue;
      add("claim", `claim failed: ${claim.text}`, [claim.detail, ...(before?.passed ? ["(it passed in the stored notebook)"] : [])]);
    }
    const claimFailures = freshClaims.some((c) => !c.passed && !c.warnOnly);

    // Escape decisions, as sets of "cell line:col: message" (cells by position, not by count).
    const storedDiags = escapeKeys(old, storedLabels);
    const freshDiags = escapeKeys(cell, freshLabels);
    if (storedDiags || freshDiags) {
      checked.diagnostics += freshDiags?.size ?? 0;
      if (!freshDiags) add("escape", "the stored escape-analysis output is missing from the new run");
      else if (!storedDiags) add("escape", "the new run shows escape-analysis output the stored notebook does not have");
      else {
        const { removed, added, moved } = diffDecisions([...storedDiags.keys()], [...freshDiags.keys()]);
        if (removed.length || added.length || moved.length) {
          const what = [
            removed.length ? `${removed.length} stored decision${plural(removed.length)} no longer reported` : "",
            added.length ? `${added.length} new` : "",
            moved.length ? `${moved.length} at another column` : "",
          ];
          add("escape", `escape analysis differs: ${what.filter(Boolean).join(", ")}`, [
            ...removed.map((k) => `- ${k}`),
            ...added.map((k) => `+ ${k}`),
            ...moved.map((m) => `~ ${m.now} (stored at column ${m.col})`),
          ]);
        }
      }
    }

    // Allocation counts per benchmark.
    const storedBench = benchFacts(old);
    const freshBench = benchFacts(cell);
    checked.benchmarks += freshBench.size;
    for (const [name, then] of storedBench) {
      const now = freshBench.get(name);
      if (!now) {
        add("bench", `${name}: stored result, but the new run has none`);
        continue;
      }
      for (const metric of ["allocs/op", "B/op"] as const) {
        const a = then[metric];
        const b = now[metric];
        if (a === undefined || b === undefined || a.value === b.value) continue;
        add("bench", `${name} ${metric}: stored ${a.value}, now ${b.value}${b.exact ? "" : ` (varies between runs: ${b.min}–${b.max})`}`);
      }
    }
    for (const name of freshBench.keys()) if (!storedBench.has(name)) add("bench", `${name}: new result, not in the stored notebook`);

    // Displays (goperf/display, magics): the same outputs of the same kinds, as the stored cell
    // shows them after its updates; their content is measured data and is never compared.
    const storedShape = displayShape(old);
    const freshShape = displayShape(cell);
    if (storedShape.join(" ") !== freshShape.join(" ")) {
      add("display", `the cell's displays differ: stored ${describeShape(storedShape)}, now ${describeShape(freshShape)}`);
    }

    // Errors: the same error (in cell positions), or none on both sides.
    const storedError = errorOf(old, storedLabels);
    const freshError = errorOf(cell, freshLabels);
    if (freshError && !storedError) {
      if (!(freshError.startsWith("ClaimFailed:") && claimFailures)) add("error", `new error: ${freshError}`, ["(the stored cell has no error)"]);
    } else if (storedError && !freshError) add("error", `the stored error no longer occurs: ${storedError}`);
    else if (storedError && freshError && storedError !== freshError) add("error", "the error differs", [`- ${storedError}`, `+ ${freshError}`]);
  }
  // A notebook that was never run stores nothing to hold against: that is not a pass.
  const runnable = codeCells(fresh).some(({ cell }) => joinText(cell.source).trim() !== "");
  return { ok: differences.length === 0 && (checked.cells > 0 || !runnable), differences, checked };
}

/** Each display output of a cell as its MIME types ("image/svg+xml+text/plain"), in order. */
export function displayShape(cell: CodeCell): string[] {
  return cell.outputs
    .filter((o) => o.output_type === "display_data" || o.output_type === "execute_result")
    .map((o) => Object.keys((o as { data: Record<string, unknown> }).data).sort().join("+"));
}

function describeShape(shape: string[]): string {
  return shape.length ? `${shape.length} (${shape.join(", ")})` : "none";
}

export function formatCheck(result: CheckResult, name = "the notebook"): string {
  const { checked } = result;
  if (!result.ok && result.differences.length === 0) return `check: ${name} stores no executed cells to compare with; run it first (goperf run ${name})`;
  if (result.ok) {
    return (
      `check: ${name} holds: ${checked.cells} code cell${plural(checked.cells)}, ${checked.claims} claim${plural(checked.claims)} passed, ` +
      `${checked.diagnostics} escape decision${plural(checked.diagnostics)} and ${checked.benchmarks} benchmark${plural(checked.benchmarks)}' allocation counts as stored ` +
      `(ns/op is never compared)`
    );
  }
  const lines: string[] = [];
  for (const d of result.differences) {
    lines.push(`cell ${d.cell}${d.count !== null ? ` (In [${d.count}])` : ""}: ${d.message}`);
    for (const l of d.lines) lines.push(`    ${l}`);
  }
  const cells = new Set(result.differences.map((d) => d.cell)).size;
  const n = result.differences.length;
  lines.push("", `check: ${name}: ${n} difference${plural(n)} in ${cells} cell${plural(cells)} (ns/op is never compared)`);
  return lines.join("\n");
}

export interface ClaimsSummary {
  passed: number;
  failed: number;
  /** Failed claims of `%expect --warn`: shown, not failing. */
  warned: number;
  failures: { cell: number; text: string; detail: string; warnOnly: boolean }[];
}

export function summarizeClaims(nb: Notebook): ClaimsSummary {
  const summary: ClaimsSummary = { passed: 0, failed: 0, warned: 0, failures: [] };
  for (const { cell, index } of codeCells(nb)) {
    for (const report of reportsOf<ClaimReport>(cell, CLAIMS_MIME)) {
      for (const claim of report.claims as Claim[]) {
        if (claim.passed) summary.passed++;
        else {
          if (report.warnOnly) summary.warned++;
          else summary.failed++;
          summary.failures.push({ cell: index + 1, text: claim.text, detail: claim.detail, warnOnly: report.warnOnly });
        }
      }
    }
  }
  return summary;
}

export function formatClaimsSummary(s: ClaimsSummary): string {
  const total = s.passed + s.failed + s.warned;
  if (total === 0) return "claims: none in this notebook";
  const head = `claims: ${s.passed} of ${total} passed` + (s.failed ? `, ${s.failed} failed` : "") + (s.warned ? `, ${s.warned} prediction${s.warned === 1 ? "" : "s"} differed (drills: expected)` : "");
  return [head, ...s.failures.map((f) => `  ${f.warnOnly ? "drill" : "FAIL"} cell ${f.cell}: ${f.text} — ${f.detail}`)].join("\n");
}

/** Maps a run's `cell[N]` execution counts to notebook cell positions. */
class CellLabels {
  private readonly byCount = new Map<number, number>();
  private readonly bySource = new Map<string, number[]>();

  constructor(nb: Notebook) {
    for (const { cell, index } of codeCells(nb)) {
      if (cell.execution_count !== null) this.byCount.set(cell.execution_count, index + 1);
      const source = joinText(cell.source);
      this.bySource.set(source, [...(this.bySource.get(source) ?? []), index + 1]);
    }
  }

  /** "cell 5" for the notebook's fifth cell; `cell[N]` as the kernel said when it cannot be placed. */
  label(count: number, source?: string): string {
    const matches = source !== undefined ? this.bySource.get(source) : undefined;
    if (matches?.length === 1) return `cell ${matches[0]}`;
    const position = this.byCount.get(count);
    if (position !== undefined && (!matches || matches.includes(position))) return `cell ${position}`;
    if (matches?.length) return `cell ${matches[0]}`;
    return `cell[${count}]`;
  }

  /** The text with every `cell[N]` replaced by the cell's position. */
  normalize(text: string): string {
    return text.replace(/cell\[(\d+)\]/g, (_, n: string) => this.label(Number(n)));
  }
}

function escapeKeys(cell: CodeCell, labels: CellLabels): Map<string, number> | null {
  const reports = reportsOf<EscapeReport>(cell, ESCAPE_MIME);
  if (reports.length === 0) return null;
  const keys = new Map<string, number>();
  for (const report of reports) {
    const sources = new Map((report.cells ?? []).map((c) => [c.cell, c.source]));
    for (const d of report.diagnostics ?? []) {
      const key = `${labels.label(d.cell, sources.get(d.cell))}:${d.line}:${d.col}: ${d.message}`;
      keys.set(key, (keys.get(key) ?? 0) + 1);
    }
  }
  return keys;
}

interface Count {
  value: number;
  exact: boolean;
  min: number;
  max: number;
}

function benchFacts(cell: CodeCell): Map<string, Partial<Record<"allocs/op" | "B/op", Count>>> {
  const facts = new Map<string, Partial<Record<"allocs/op" | "B/op", Count>>>();
  for (const report of reportsOf<BenchReport>(cell, BENCH_MIME)) {
    const benchmarks = report.benchmarks ?? [];
    // GOMAXPROCS differs between machines: name a result by its procs only when a run has several.
    const names = benchmarks.map((b) => b.name);
    for (const b of benchmarks) {
      const key = names.filter((n) => n === b.name).length > 1 ? `${b.name}-${b.procs}` : b.name;
      const count = (c: Count | undefined) => (c ? { value: c.value, exact: c.exact ?? true, min: c.min ?? c.value, max: c.max ?? c.value } : undefined);
      facts.set(key, { "allocs/op": count(b.summary?.allocs_per_op), "B/op": count(b.summary?.bytes_per_op) });
    }
  }
  return facts;
}

function errorOf(cell: CodeCell, labels: CellLabels): string | null {
  const error = cell.outputs.find((o) => o.output_type === "error");
  if (!error || error.output_type !== "error") return null;
  return labels.normalize(`${error.ename}: ${error.evalue}`);
}

/**
 * Decision keys only in the stored set (removed), only in the fresh one (added), and the pairs that
 * differ in nothing but the column (moved: a reformatted line, or a compiler that points elsewhere).
 */
export function diffDecisions(stored: string[], fresh: string[]): { removed: string[]; added: string[]; moved: { now: string; col: string }[] } {
  const freshSet = new Set(fresh);
  const storedSet = new Set(stored);
  const removed = stored.filter((k) => !freshSet.has(k)).sort(byPosition);
  const added = fresh.filter((k) => !storedSet.has(k)).sort(byPosition);
  const moved: { now: string; col: string }[] = [];
  const withoutCol = (k: string) => /^(cell \S+?:\d+):(\d+)(: .*)$/s.exec(k);
  for (let i = 0; i < removed.length; i++) {
    const r = withoutCol(removed[i]);
    if (!r) continue;
    const j = added.findIndex((a) => {
      const m = withoutCol(a);
      return m !== null && m[1] === r[1] && m[3] === r[3];
    });
    if (j < 0) continue;
    moved.push({ now: added[j], col: r[2] });
    added.splice(j, 1);
    removed.splice(i--, 1);
  }
  return { removed, added, moved };
}

function byPosition(a: string, b: string): number {
  const pa = /^cell (\d+):(\d+):(\d+)/.exec(a);
  const pb = /^cell (\d+):(\d+):(\d+)/.exec(b);
  if (pa && pb) for (let i = 1; i <= 3; i++) if (Number(pa[i]) !== Number(pb[i])) return Number(pa[i]) - Number(pb[i]);
  return a < b ? -1 : a > b ? 1 : 0;
}

function plural(n: number): string {
  return n === 1 ? "" : "s";
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
