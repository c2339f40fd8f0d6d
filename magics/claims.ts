// The claim language of %expect: parsing one claim line, and judging it against the compiler's
// decisions and the last benchmark results. Pure: the magic gathers the evidence, this decides.
//
//   FUNC: MESSAGE                 the compiler reports MESSAGE inside FUNC (substring, or /regexp/)
//   FUNC: not MESSAGE             ... does not report it
//   FUNC: nothing escapes         no "moved to heap" / "escapes to heap" inside FUNC
//   FUNC: silent                  no escape-analysis message at all inside FUNC
//   BENCH allocs/op == 1          an allocation count (allocs/op, B/op) compared: == != < <= > >=
//   BENCH ns/op < OTHER           a significant difference (Mann-Whitney U, α = 0.05) in that direction

import { compare } from "../kernel/go/stats.js";
import type { BenchEntry, BenchReport, EscapeDiagnostic } from "./reports.js";

export type ClaimSpec =
  | { type: "decision"; func: string; negated: boolean; pattern: string; regexp?: RegExp }
  | { type: "nothing-escapes"; func: string }
  | { type: "silent"; func: string }
  | { type: "count"; bench: string; metric: "allocs/op" | "B/op"; op: Op; value: number }
  | { type: "faster"; bench: string; op: "<" | ">"; other: string };

export type Op = "==" | "!=" | "<" | "<=" | ">" | ">=";

export const CLAIM_FORMS = [
  "FUNC: MESSAGE            e.g. NewPointPtr: moved to heap: p",
  "FUNC: not MESSAGE        e.g. LocalAddr: not moved to heap",
  "FUNC: nothing escapes    e.g. NewPointVal: nothing escapes",
  "FUNC: silent             no escape-analysis message at all",
  "BENCH allocs/op OP N     e.g. SquareLogged allocs/op == 1   (also B/op; OP is == != < <= > >=)",
  "BENCH ns/op < OTHER      e.g. SquareQuiet ns/op < SquareLogged   (significant at α = 0.05)",
];

export class ClaimSyntaxError extends Error {}

export function parseClaim(text: string): ClaimSpec {
  const t = text.trim();
  let m = /^(\S+)\s+(allocs\/op|B\/op)\s*(==|!=|<=|>=|<|>)\s*(\d+)$/.exec(t);
  if (m) return { type: "count", bench: m[1], metric: m[2] as "allocs/op" | "B/op", op: m[3] as Op, value: Number(m[4]) };
  m = /^(\S+)\s+ns\/op\s*(<|>)\s*(\S+?)(?:\s+ns\/op)?$/.exec(t);
  if (m) return { type: "faster", bench: m[1], op: m[2] as "<" | ">", other: m[3] };
  m = /^([A-Za-z_][\w.]*):\s*(.+)$/.exec(t);
  if (m) {
    const [, func, rest] = m;
    if (rest === "nothing escapes") return { type: "nothing-escapes", func };
    if (rest === "silent") return { type: "silent", func };
    const negated = rest.startsWith("not ");
    const pattern = negated ? rest.slice(4).trim() : rest;
    const re = /^\/(.+)\/$/.exec(pattern);
    if (re) {
      try {
        return { type: "decision", func, negated, pattern, regexp: new RegExp(re[1]) };
      } catch (err) {
        throw new ClaimSyntaxError(`bad regular expression ${pattern}: ${(err as Error).message}`);
      }
    }
    return { type: "decision", func, negated, pattern };
  }
  throw new ClaimSyntaxError(`cannot read the claim "${t}"; a claim is one of:\n  ${CLAIM_FORMS.join("\n  ")}`);
}

export interface Evidence {
  /** Decisions about the session's code (compiled with -m=2), with their enclosing functions. */
  diagnostics?: EscapeDiagnostic[];
  /** Every function the session declares. */
  funcs?: string[];
  /** The most recent benchmark results, newest first. */
  benches: BenchReport[];
}

export interface Verdict {
  passed: boolean;
  detail: string;
}

const ESCAPE_KINDS = new Set(["heap", "escape", "noescape", "leak"]);

export function judge(claim: ClaimSpec, evidence: Evidence): Verdict {
  switch (claim.type) {
    case "decision":
    case "nothing-escapes":
    case "silent":
      return judgeDecision(claim, evidence);
    case "count":
      return judgeCount(claim, evidence);
    case "faster":
      return judgeFaster(claim, evidence);
  }
}

function judgeDecision(claim: Extract<ClaimSpec, { func: string }>, evidence: Evidence): Verdict {
  if (!evidence.funcs?.includes(claim.func)) {
    return { passed: false, detail: `no function ${claim.func} in the session (functions: ${evidence.funcs?.join(", ") || "none"})` };
  }
  const inFunc = (evidence.diagnostics ?? []).filter((d) => d.func === claim.func);
  const show = (ds: EscapeDiagnostic[]) => ds.map((d) => `cell[${d.cell}]:${d.line}:${d.col}: ${d.message}`).join("; ");
  if (claim.type === "nothing-escapes" || claim.type === "silent") {
    const kinds = claim.type === "silent" ? ESCAPE_KINDS : new Set(["heap", "escape"]);
    const found = inFunc.filter((d) => kinds.has(d.kind));
    return found.length === 0
      ? { passed: true, detail: `the compiler reported ${claim.type === "silent" ? "no escape-analysis message" : "nothing escaping"} in ${claim.func}` }
      : { passed: false, detail: `the compiler reported ${show(found)}` };
  }
  const hits = inFunc.filter((d) => (claim.regexp ? claim.regexp.test(d.message) : d.message.includes(claim.pattern)));
  if (claim.negated) {
    return hits.length === 0
      ? { passed: true, detail: `no "${claim.pattern}" in ${claim.func}` }
      : { passed: false, detail: `the compiler reported ${show(hits)}` };
  }
  if (hits.length > 0) return { passed: true, detail: show(hits) };
  const said = inFunc.length ? `it reported: ${show(inFunc)}` : "it reported nothing there";
  return { passed: false, detail: `the compiler did not report "${claim.pattern}" in ${claim.func}; ${said}` };
}

function findBench(name: string, benches: BenchReport[]): BenchEntry | undefined {
  const full = name.startsWith("Benchmark") ? name : `Benchmark${name}`;
  for (const report of benches) {
    const hit = report.benchmarks.find((b) => b.name === full);
    if (hit) return hit;
  }
  return undefined;
}

function missingBench(name: string, benches: BenchReport[]): Verdict {
  const known = [...new Set(benches.flatMap((r) => r.benchmarks.map((b) => b.name)))];
  return { passed: false, detail: `no results for ${name}: run %bench first (results so far: ${known.join(", ") || "none"})` };
}

function judgeCount(claim: Extract<ClaimSpec, { type: "count" }>, evidence: Evidence): Verdict {
  const entry = findBench(claim.bench, evidence.benches);
  if (!entry) return missingBench(claim.bench, evidence.benches);
  const summary = claim.metric === "allocs/op" ? entry.summary.allocs_per_op : entry.summary.bytes_per_op;
  if (!summary) return { passed: false, detail: `${entry.name} has no ${claim.metric} (run with -benchmem)` };
  const values = entry.runs.map((r) => (claim.metric === "allocs/op" ? r.allocs_per_op : r.bytes_per_op) ?? NaN);
  const holds = values.every((v) => compareOp(v, claim.op, claim.value));
  const seen = summary.exact ? `${summary.value}` : `${summary.min}–${summary.max} (varies)`;
  return { passed: holds, detail: `${entry.name}: ${seen} ${claim.metric} over ${values.length} runs` };
}

function judgeFaster(claim: Extract<ClaimSpec, { type: "faster" }>, evidence: Evidence): Verdict {
  const a = findBench(claim.bench, evidence.benches);
  const b = findBench(claim.other, evidence.benches);
  if (!a) return missingBench(claim.bench, evidence.benches);
  if (!b) return missingBench(claim.other, evidence.benches);
  const c = compare(b.runs.map((r) => r.ns_per_op), a.runs.map((r) => r.ns_per_op));
  const direction = claim.op === "<" ? c.deltaPct < 0 : c.deltaPct > 0;
  const detail = `${a.name} vs ${b.name}: ${c.deltaPct >= 0 ? "+" : ""}${c.deltaPct.toFixed(1)}% (p=${c.p.toFixed(3)}, n=${a.runs.length}+${b.runs.length})`;
  if (c.tooFew) return { passed: false, detail: `${detail}: too few runs for a significance test (need 4 each)` };
  if (!c.significant) return { passed: false, detail: `${detail}: not significant at α = ${c.alpha}` };
  return { passed: direction, detail };
}

function compareOp(x: number, op: Op, y: number): boolean {
  switch (op) {
    case "==": return x === y;
    case "!=": return x !== y;
    case "<": return x < y;
    case "<=": return x <= y;
    case ">": return x > y;
    case ">=": return x >= y;
  }
}
