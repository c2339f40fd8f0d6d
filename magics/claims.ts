// The claim language of %expect: parsing one claim line, and judging it against the compiler's
// decisions and the last benchmark results. Pure: the magic gathers the evidence, this decides.
//
//   FUNC: MESSAGE                 the compiler reports MESSAGE inside FUNC (substring, or /regexp/);
//                                 FUNC as written or as the compiler prints it (kernel/go/funcnames.ts)
//   FUNC: not MESSAGE             ... does not report it
//   FUNC: nothing escapes         no "moved to heap" / "escapes to heap" inside FUNC
//   FUNC: silent                  no escape-analysis message at all inside FUNC
//   FUNC: CLAIM differs between A and B   one of the four above holds under release A and not under B,
//                                 or the other way round (A, B as %go takes them: 1.22.12, local, a path)
//   FUNC: CLAIM agrees between A and B    ... holds under both, or under neither
//   BENCH allocs/op == 1          an allocation count (allocs/op, B/op) compared: == != < <= > >=
//   BENCH ns/op < OTHER           a significant difference (Mann-Whitney U, α = 0.05) in that direction

import { FUNC_NAME_SOURCE, declaredName, funcMatches, knownFunc, unknownFuncMessage } from "../kernel/go/funcnames.js";
import { compare } from "../kernel/go/stats.js";
import type { BenchEntry, BenchReport, EscapeDiagnostic } from "../kernel/reports/index.js";

export type DecisionClaim =
  | { type: "decision"; func: string; negated: boolean; pattern: string; regexp?: RegExp }
  | { type: "nothing-escapes"; func: string }
  | { type: "silent"; func: string };

export type ClaimSpec =
  | DecisionClaim
  /** A decision claim judged under two releases: it holds under exactly one (differs), or not (agrees). */
  | { type: "releases"; func: string; relation: "differs" | "agrees"; releases: [string, string]; inner: DecisionClaim }
  | { type: "count"; bench: string; metric: "allocs/op" | "B/op"; op: Op; value: number }
  | { type: "faster"; bench: string; op: "<" | ">"; other: string };

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
];

export class ClaimSyntaxError extends Error {}

export function parseClaim(text: string): ClaimSpec {
  const t = text.trim();
  let m = /^(\S+)\s+(allocs\/op|B\/op)\s*(==|!=|<=|>=|<|>)\s*(\d+)$/.exec(t);
  if (m) return { type: "count", bench: m[1], metric: m[2] as "allocs/op" | "B/op", op: m[3] as Op, value: Number(m[4]) };
  m = /^(\S+)\s+ns\/op\s*(<|>)\s*(\S+?)(?:\s+ns\/op)?$/.exec(t);
  if (m) return { type: "faster", bench: m[1], op: m[2] as "<" | ">", other: m[3] };
  m = new RegExp(`^(${FUNC_NAME_SOURCE}):\\s*(.+?)\\s+(differs|agrees)\\s+between\\s+(\\S+)\\s+and\\s+(\\S+)$`).exec(t);
  if (m) {
    const inner = parseClaim(`${m[1]}: ${m[2]}`);
    if (inner.type !== "decision" && inner.type !== "nothing-escapes" && inner.type !== "silent") {
      throw new ClaimSyntaxError(`"${t}": only a claim about FUNC's decisions can differ or agree between releases`);
    }
    return { type: "releases", func: m[1], relation: m[3] as "differs" | "agrees", releases: [m[4], m[5]], inner };
  }
  m = new RegExp(`^(${FUNC_NAME_SOURCE}):\\s*(.+)$`).exec(t);
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
  /** Every function the session declares, as declared ("Counter.Inc"). */
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
  }
}

function judgeReleases(claim: Extract<ClaimSpec, { type: "releases" }>, evidence: Evidence): Verdict {
  const verdicts: string[] = [];
  const held: boolean[] = [];
  for (const name of claim.releases) {
    const found = evidence.releases?.[name];
    if (!found) return { passed: false, detail: `no decisions for release ${name}` };
    if ("problem" in found) return { passed: false, detail: `release ${name}: ${found.problem}` };
    const v = judgeDecision(claim.inner, { ...evidence, diagnostics: found.diagnostics });
    if (!knownFunc(claim.func, evidence.funcs ?? [], evidence.diagnostics ?? [])) return v;
    held.push(v.passed);
    verdicts.push(`${found.version}: ${v.passed ? "holds" : "does not hold"} (${v.detail})`);
  }
  const differs = held[0] !== held[1];
  const passed = claim.relation === "differs" ? differs : !differs;
  const summary = differs ? "the releases differ" : held[0] ? "both releases agree: it holds" : "both releases agree: it does not hold";
  return { passed, detail: `${summary}; ${verdicts.join("; ")}` };
}

function judgeDecision(claim: DecisionClaim, evidence: Evidence): Verdict {
  if (!knownFunc(claim.func, evidence.funcs ?? [], evidence.diagnostics ?? [])) {
    return { passed: false, detail: unknownFuncMessage(claim.func, evidence.funcs ?? [], evidence.diagnostics ?? []) };
  }
  const inFunc = (evidence.diagnostics ?? []).filter((d) => funcMatches(claim.func, d));
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
  // A function's name as written or printed, "(*Counter).Inc", names its shorthand's benchmark, BenchmarkCounter_Inc.
  const plain = new RegExp(`^${FUNC_NAME_SOURCE}$`).test(name) ? declaredName(name).replace(/\./g, "_") : name;
  const full = plain.startsWith("Benchmark") ? plain : `Benchmark${plain}`;
  for (const report of benches) {
    const hit = report.benchmarks.find((b) => b.name === full || b.name === `Benchmark${name}`);
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
