// The claim language of %expect: parsing one claim line, and judging it against the compiler's
// decisions and the last benchmark results. Pure: the magic gathers the evidence, this decides.
//
//   FUNC: MESSAGE                 the compiler reports MESSAGE inside FUNC (substring, or /regexp/)
//   FUNC: not MESSAGE             ... does not report it
//   FUNC: nothing escapes         no "moved to heap" / "escapes to heap" inside FUNC
//   FUNC: silent                  no escape-analysis message at all inside FUNC
//   FUNC: CLAIM differs between A and B   one of the four above holds under release A and not under B,
//                                 or the other way round (A, B as %go takes them: 1.22.12, local, a path)
//   FUNC: CLAIM agrees between A and B    ... holds under both, or under neither
//   BENCH allocs/op == 1          an allocation count (allocs/op, B/op) compared: == != < <= > >=
//   BENCH ns/op < OTHER           a significant difference (Mann-Whitney U, α = 0.05) in that direction
//   BENCH allocs/op grows as LAW  over a sweep's sizes, the exact law every run agrees on
//                                 ("⌈n/8⌉", "0 for n ≤ 4, 1 from n = 5"; <= and >= read as ≤ and ≥)

import { compare } from "../kernel/go/stats.js";
import type { BenchEntry, BenchReport, EscapeDiagnostic } from "./reports.js";

export type DecisionClaim =
  | { type: "decision"; func: string; negated: boolean; pattern: string; regexp?: RegExp }
  | { type: "nothing-escapes"; func: string }
  | { type: "silent"; func: string };

export type ClaimSpec =
  | DecisionClaim
  /** A decision claim judged under two releases: it holds under exactly one (differs), or not (agrees). */
  | { type: "releases"; func: string; relation: "differs" | "agrees"; releases: [string, string]; inner: DecisionClaim }
  | { type: "count"; bench: string; metric: "allocs/op" | "B/op"; op: Op; value: number }
  | { type: "faster"; bench: string; op: "<" | ">"; other: string }
  | { type: "growth"; bench: string; metric: "allocs/op" | "B/op"; law: string };

export type Op = "==" | "!=" | "<" | "<=" | ">" | ">=";

export const CLAIM_FORMS = [
  "FUNC: MESSAGE            e.g. NewPointPtr: moved to heap: p",
  "FUNC: not MESSAGE        e.g. LocalAddr: not moved to heap",
  "FUNC: nothing escapes    e.g. NewPointVal: nothing escapes",
  "FUNC: silent             no escape-analysis message at all",
  "FUNC: CLAIM differs between A and B   e.g. Window: escapes to heap differs between 1.22.12 and local",
  "FUNC: CLAIM agrees between A and B    CLAIM (any of the four above) holds under both releases or neither",
  "BENCH allocs/op OP N     e.g. SquareLogged allocs/op == 1   (also B/op; OP is == != < <= > >=)",
  "BENCH ns/op < OTHER      e.g. SquareQuiet ns/op < SquareLogged   (significant at α = 0.05)",
  "BENCH allocs/op grows as LAW   e.g. Window allocs/op grows as 0 for n <= 4, 1 from n = 5   (over a %bench --sweep; also B/op)",
];

/** A law as goperf prints it, whichever way it was typed: <= ≤, >= ≥, single spaces. */
function normalLaw(law: string): string {
  return law.replace(/<=/g, "≤").replace(/>=/g, "≥").replace(/\s+/g, " ").trim();
}

export class ClaimSyntaxError extends Error {}

export function parseClaim(text: string): ClaimSpec {
  const t = text.trim();
  let m = /^(\S+)\s+(allocs\/op|B\/op)\s+grows\s+as\s+(.+)$/.exec(t);
  if (m) return { type: "growth", bench: m[1], metric: m[2] as "allocs/op" | "B/op", law: normalLaw(m[3]) };
  m = /^(\S+)\s+(allocs\/op|B\/op)\s*(==|!=|<=|>=|<|>)\s*(\d+)$/.exec(t);
  if (m) return { type: "count", bench: m[1], metric: m[2] as "allocs/op" | "B/op", op: m[3] as Op, value: Number(m[4]) };
  m = /^(\S+)\s+ns\/op\s*(<|>)\s*(\S+?)(?:\s+ns\/op)?$/.exec(t);
  if (m) return { type: "faster", bench: m[1], op: m[2] as "<" | ">", other: m[3] };
  m = /^([A-Za-z_][\w.]*):\s*(.+?)\s+(differs|agrees)\s+between\s+(\S+)\s+and\s+(\S+)$/.exec(t);
  if (m) {
    const inner = parseClaim(`${m[1]}: ${m[2]}`);
    if (inner.type !== "decision" && inner.type !== "nothing-escapes" && inner.type !== "silent") {
      throw new ClaimSyntaxError(`"${t}": only a claim about FUNC's decisions can differ or agree between releases`);
    }
    return { type: "releases", func: m[1], relation: m[3] as "differs" | "agrees", releases: [m[4], m[5]], inner };
  }
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
  /** For claims across releases: each release as written in the claim -> its version and decisions, or why it could not be used. */
  releases?: Record<string, { version: string; diagnostics: EscapeDiagnostic[] } | { problem: string }>;
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
    case "releases":
      return judgeReleases(claim, evidence);
    case "growth":
      return judgeGrowth(claim, evidence);
  }
}

function judgeGrowth(claim: Extract<ClaimSpec, { type: "growth" }>, evidence: Evidence): Verdict {
  const want = claim.bench.replace(/^Benchmark/, "");
  for (const report of evidence.benches) {
    const series = report.sweep?.series.find((s) => s.name === want || s.name.replace(/-\d+(?= |$)/, "") === want);
    if (!series) continue;
    const growth = report.sweep!.growth.find((g) => g.series === series.name && g.unit === claim.metric);
    const sizes = series.points.map((p) => `${report.sweep!.vars[0]}=${p.n}${p.failed ? " (failed)" : ""}`).join(", ");
    if (!growth) return { passed: false, detail: `no ${claim.metric} for ${series.name} over ${sizes}` };
    if (growth.exact === undefined) return { passed: false, detail: `${claim.metric} of ${series.name} follows no exact law over ${sizes}: ${growth.text}` };
    const law = growth.exact.replace(/^[^=]+=\s*/, "");
    return law === claim.law
      ? { passed: true, detail: `${series.name} ${growth.exact} over ${sizes}` }
      : { passed: false, detail: `${series.name} ${growth.exact} over ${sizes}, not ${claim.law}` };
  }
  const swept = [...new Set(evidence.benches.flatMap((r) => r.sweep?.series.map((s) => s.name) ?? []))];
  return { passed: false, detail: `no sweep of ${want}: run %bench ${want}(n) --sweep n=… first (swept so far: ${swept.join(", ") || "none"})` };
}

function judgeReleases(claim: Extract<ClaimSpec, { type: "releases" }>, evidence: Evidence): Verdict {
  const verdicts: string[] = [];
  const held: boolean[] = [];
  for (const name of claim.releases) {
    const found = evidence.releases?.[name];
    if (!found) return { passed: false, detail: `no decisions for release ${name}` };
    if ("problem" in found) return { passed: false, detail: `release ${name}: ${found.problem}` };
    const v = judgeDecision(claim.inner, { ...evidence, diagnostics: found.diagnostics });
    if (!evidence.funcs?.includes(claim.func)) return v;
    held.push(v.passed);
    verdicts.push(`${found.version}: ${v.passed ? "holds" : "does not hold"} (${v.detail})`);
  }
  const differs = held[0] !== held[1];
  const passed = claim.relation === "differs" ? differs : !differs;
  const summary = differs ? "the releases differ" : held[0] ? "both releases agree: it holds" : "both releases agree: it does not hold";
  return { passed, detail: `${summary}; ${verdicts.join("; ")}` };
}

function judgeDecision(claim: DecisionClaim, evidence: Evidence): Verdict {
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
  if (c.tooFew) return { passed: false, detail: `${detail}: too few runs for a significance test (${c.note})` };
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
