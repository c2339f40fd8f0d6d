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
// The generated code (%bce, %inline, %asm, %layout evidence):
//   FUNC: no bounds checks        -d=ssa/check_bce/debug=1 reports no IsInBounds/IsSliceInBounds in FUNC
//   FUNC: bounds checks <= N      ... their number compared (== != < <= > >=)
//   FUNC: inlined                 the compiler can inline FUNC ("can inline FUNC")
//   FUNC: inline cost <= N        FUNC's inlining cost compared (== != < <= > >=)
//   FUNC asm contains INSTR       an instruction of FUNC's -S listing contains INSTR (text, or /regexp/)
//   FUNC asm not INSTR            ... none does
//   TYPE size == N, TYPE padding == 0   the struct's size or padding bytes (go/types, the session's GOARCH)
// The FUNC forms also take "differs between A and B" / "agrees between A and B".
// Run time (%profile --mem evidence, magics/profileclaims.ts):
//   line N allocs/op == 0         a line of the profiled cell (also cell[K]:N, and B/op)
//   FUNC allocs/op == 0           FUNC with what it calls, when no %bench result is named BenchmarkFUNC
//   BENCH allocs/op grows as LAW  over a sweep's sizes, the exact law every run agrees on
//                                 ("⌈n/8⌉", "0 for n ≤ 4, 1 from n = 5"; <= and >= read as ≤ and ≥)

import { FUNC_NAME_SOURCE, declaredName, funcMatches, knownFunc, unknownFuncMessage } from "../kernel/go/funcnames.js";
import { compare } from "../kernel/go/stats.js";
import { declName, matchesFunc } from "../kernel/compiled/asmlisting.js";
import { inliningOf } from "../kernel/compiled/inlining.js";
import type { AsmFunction } from "../kernel/reports/asm.js";
import type { BceCheck } from "../kernel/reports/bce.js";
import type { LayoutType } from "../kernel/reports/layout.js";
import type { BenchEntry, BenchReport, EscapeDiagnostic, ProfileReport } from "../kernel/reports/index.js";
import { judgeFuncCount, judgeLineClaim, parseLineClaim, type LineCountClaim } from "./profileclaims.js";

export type DecisionClaim =
  | { type: "decision"; func: string; negated: boolean; pattern: string; regexp?: RegExp }
  | { type: "nothing-escapes"; func: string }
  | { type: "silent"; func: string };

/** Claims about a function's generated code: judged on %bce, %inline and %asm evidence. */
export type CodeClaim =
  | { type: "no-bounds-checks"; func: string }
  | { type: "bounds-checks"; func: string; op: Op; value: number }
  | { type: "inlined"; func: string }
  | { type: "inline-cost"; func: string; op: Op; value: number }
  | { type: "asm"; func: string; negated: boolean; pattern: string; regexp?: RegExp };

export type ClaimSpec =
  | DecisionClaim
  | CodeClaim
  | { type: "layout"; typeName: string; metric: "size" | "padding"; op: Op; value: number }
  /** A claim about FUNC judged under two releases: it holds under exactly one (differs), or not (agrees). */
  | { type: "releases"; func: string; relation: "differs" | "agrees"; releases: [string, string]; inner: DecisionClaim | CodeClaim }
  | { type: "count"; bench: string; metric: "allocs/op" | "B/op"; op: Op; value: number }
  | { type: "faster"; bench: string; op: "<" | ">"; other: string }
  | LineCountClaim
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
  "FUNC: no bounds checks   e.g. SumHint: no bounds checks   (-d=ssa/check_bce/debug=1)",
  "FUNC: bounds checks == N e.g. Load32Hint: bounds checks == 1   (OP is == != < <= > >=)",
  "FUNC: inlined            e.g. Small: inlined   (the compiler can inline it)",
  "FUNC: inline cost <= N   e.g. Small: inline cost <= 80   (OP is == != < <= > >=)",
  "FUNC asm contains INSTR  e.g. Sum asm contains VPADDQ   (also: FUNC asm not INSTR; INSTR may be /regexp/)",
  "TYPE size == N           e.g. Packed size == 16   (also TYPE padding == 0; OP is == != < <= > >=)",
  "line N allocs/op OP N    e.g. line 9 allocs/op == 1   (a line of the cell %profile showed; also cell[K]:N, B/op)",
  "FUNC allocs/op OP N      e.g. fmt.Fprint allocs/op == 0   (from %profile: FUNC with what it calls)",
  "BENCH allocs/op grows as LAW   e.g. Window allocs/op grows as 0 for n <= 4, 1 from n = 5   (over a %bench --sweep; also B/op)",
];

function patternOf(text: string): { pattern: string; regexp?: RegExp } {
  const re = /^\/(.+)\/$/.exec(text);
  if (!re) return { pattern: text };
  try {
    return { pattern: text, regexp: new RegExp(re[1]) };
  } catch (err) {
    throw new ClaimSyntaxError(`bad regular expression ${text}: ${(err as Error).message}`);
  }
}

/** The claims about generated code and layout; null when the text is none of them. */
function parseCodeClaim(t: string): ClaimSpec | null {
  let m = /^([A-Za-z_(][\w.()*\[\]]*):\s*no bounds checks$/.exec(t);
  if (m) return { type: "no-bounds-checks", func: m[1] };
  m = /^([A-Za-z_(][\w.()*\[\]]*):\s*bounds checks\s*(==|!=|<=|>=|<|>)\s*(\d+)$/.exec(t);
  if (m) return { type: "bounds-checks", func: m[1], op: m[2] as Op, value: Number(m[3]) };
  m = /^([A-Za-z_(][\w.()*\[\]]*):\s*inlined$/.exec(t);
  if (m) return { type: "inlined", func: m[1] };
  m = /^([A-Za-z_(][\w.()*\[\]]*):\s*inline cost\s*(==|!=|<=|>=|<|>)\s*(\d+)$/.exec(t);
  if (m) return { type: "inline-cost", func: m[1], op: m[2] as Op, value: Number(m[3]) };
  m = /^(\S+?):?\s+asm\s+(contains|not contains|does not contain|not)\s+(.+)$/.exec(t);
  if (m) return { type: "asm", func: m[1], negated: m[2] !== "contains", ...patternOf(m[3].trim()) };
  m = /^([A-Za-z_]\w*)\s+(size|padding)\s*(==|!=|<=|>=|<|>)\s*(\d+)$/.exec(t);
  if (m) return { type: "layout", typeName: m[1], metric: m[2] as "size" | "padding", op: m[3] as Op, value: Number(m[4]) };
  return null;
}

/** A law as goperf prints it, whichever way it was typed: <= ≤, >= ≥, single spaces. */
function normalLaw(law: string): string {
  return law.replace(/<=/g, "≤").replace(/>=/g, "≥").replace(/\s+/g, " ").trim();
}

export class ClaimSyntaxError extends Error {}

export function parseClaim(text: string): ClaimSpec {
  const t = text.trim();
  const lineClaim = parseLineClaim(t);
  if (lineClaim) return lineClaim;
  let m = /^(\S+)\s+(allocs\/op|B\/op)\s+grows\s+as\s+(.+)$/.exec(t);
  if (m) return { type: "growth", bench: m[1], metric: m[2] as "allocs/op" | "B/op", law: normalLaw(m[3]) };
  m = /^(\S+)\s+(allocs\/op|B\/op)\s*(==|!=|<=|>=|<|>)\s*(\d+)$/.exec(t);
  if (m) return { type: "count", bench: m[1], metric: m[2] as "allocs/op" | "B/op", op: m[3] as Op, value: Number(m[4]) };
  m = /^(\S+)\s+ns\/op\s*(<|>)\s*(\S+?)(?:\s+ns\/op)?$/.exec(t);
  if (m) return { type: "faster", bench: m[1], op: m[2] as "<" | ">", other: m[3] };
  m = /^(.+?)\s+(differs|agrees)\s+between\s+(\S+)\s+and\s+(\S+)$/.exec(t);
  if (m) {
    const inner = parseClaim(m[1]);
    if (inner.type === "count" || inner.type === "faster" || inner.type === "layout" || inner.type === "releases" || inner.type === "line-count" || inner.type === "growth") {
      throw new ClaimSyntaxError(`"${t}": only a claim about FUNC's decisions or generated code can differ or agree between releases`);
    }
    return { type: "releases", func: inner.func, relation: m[2] as "differs" | "agrees", releases: [m[3], m[4]], inner };
  }
  const code = parseCodeClaim(t);
  if (code) return code;
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
  /** For claims across releases: each release as written in the claim -> its version and evidence, or why it could not be used. */
  releases?: Record<string, ({ version: string; diagnostics: EscapeDiagnostic[] } & CodeEvidence) | { problem: string }>;
  /** The kept bounds and nil checks (%bce's flags), the -S listing of the cell functions, the layouts asked for. */
  bce?: BceCheck[];
  asm?: AsmFunction[];
  layout?: LayoutType[];
  /** %profile --mem reports, newest first. */
  profiles?: ProfileReport[];
}

export type CodeEvidence = Pick<Evidence, "bce" | "asm">;

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
    case "no-bounds-checks":
    case "bounds-checks":
    case "inlined":
    case "inline-cost":
    case "asm":
      return judgeCode(claim, evidence);
    case "layout":
      return judgeLayout(claim, evidence);
    case "line-count":
      return judgeLineClaim(claim, evidence.profiles ?? [], compareOp);
    case "growth":
      return judgeGrowth(claim, evidence);
  }
}

function judgeInner(claim: DecisionClaim | CodeClaim, evidence: Evidence): Verdict {
  return claim.type === "decision" || claim.type === "nothing-escapes" || claim.type === "silent" ? judgeDecision(claim, evidence) : judgeCode(claim, evidence);
}

function judgeCode(claim: CodeClaim, evidence: Evidence): Verdict {
  const at = (x: { cell: number; line: number; col?: number }) => `cell[${x.cell}]:${x.line}${x.col ? `:${x.col}` : ""}`;
  if (claim.type === "asm") {
    const fns = (evidence.asm ?? []).filter((f) => matchesFunc(f.name, claim.func));
    if (fns.length === 0) return { passed: false, detail: `no generated code for ${claim.func} (functions with code: ${(evidence.asm ?? []).map((f) => f.name).join(", ") || "none"})` };
    const hits = fns.flatMap((f) => f.instructions.filter((i) => !i.pseudo && (claim.regexp ? claim.regexp.test(i.text) : i.text.replace(/\t/g, " ").includes(claim.pattern))).map((i) => ({ f, i })));
    const show = hits.slice(0, 3).map(({ f, i }) => `${f.name}+0x${i.pc.toString(16)} ${i.text.replace(/\t/g, " ")} (${i.cell !== undefined ? `cell[${i.cell}]:${i.line}` : i.pos})`).join("; ");
    const count = fns.reduce((n, f) => n + f.count, 0);
    if (claim.negated) return hits.length === 0 ? { passed: true, detail: `none of ${claim.func}'s ${count} instructions contains ${claim.pattern}` } : { passed: false, detail: `${hits.length} instruction${hits.length === 1 ? "" : "s"}: ${show}` };
    return hits.length ? { passed: true, detail: `${hits.length} instruction${hits.length === 1 ? "" : "s"}: ${show}` } : { passed: false, detail: `none of ${claim.func}'s ${count} instructions contains ${claim.pattern}` };
  }
  // As the reader or the compiler writes it: (*T).M and T.M name the declaration T.M.
  const decl = declName(claim.func);
  if (!evidence.funcs?.includes(decl)) {
    return { passed: false, detail: unknownFuncMessage(claim.func, evidence.funcs ?? [], evidence.diagnostics ?? []) };
  }
  if (claim.type === "no-bounds-checks" || claim.type === "bounds-checks") {
    const kept = (evidence.bce ?? []).filter((c) => c.func === decl && (c.kind === "index" || c.kind === "slice"));
    if (claim.type === "bounds-checks") {
      const where = kept.map((c) => `${at(c)}: ${c.message}`).join("; ");
      return { passed: compareOp(kept.length, claim.op, claim.value), detail: `${kept.length} bounds check${kept.length === 1 ? "" : "s"} kept in ${claim.func}${where ? `: ${where}` : ""}` };
    }
    return kept.length === 0
      ? { passed: true, detail: `the compiler kept no bounds checks in ${claim.func}` }
      : { passed: false, detail: `the compiler kept ${kept.length}: ${kept.map((c) => `${at(c)}: ${c.message}`).join("; ")}` };
  }
  const { functions } = inliningOf(evidence.diagnostics ?? []);
  const f = functions.find((x) => x.name === claim.func) ?? functions.find((x) => declName(x.name) === decl);
  if (!f) return { passed: false, detail: `the compiler said nothing about inlining ${claim.func} (compiled with -l?)` };
  const said = f.inlinable ? `can inline ${f.name}${f.cost !== undefined ? ` with cost ${f.cost}` : ""}` : `cannot inline ${f.name}: ${f.reason}`;
  if (claim.type === "inlined") return { passed: f.inlinable, detail: `${at(f)}: ${said}` };
  if (f.cost === undefined) return { passed: false, detail: `${at(f)}: ${said} (no cost reported)` };
  return { passed: compareOp(f.cost, claim.op, claim.value), detail: `${at(f)}: cost ${f.cost} (budget ${f.budget})` };
}

function judgeLayout(claim: Extract<ClaimSpec, { type: "layout" }>, evidence: Evidence): Verdict {
  const t = evidence.layout?.find((x) => x.name === claim.typeName);
  if (!t) return { passed: false, detail: `no struct type ${claim.typeName} in the session (%layout names the ones there are)` };
  const v = claim.metric === "size" ? t.size : t.padding;
  return { passed: compareOp(v, claim.op, claim.value), detail: `${t.name}: size ${t.size}, padding ${t.padding}, align ${t.align}` };
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
    const v = judgeInner(claim.inner, { ...evidence, ...found });
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
  if (!entry) return judgeFuncCount(claim.bench, claim.metric, claim.op, claim.value, evidence.profiles ?? [], compareOp) ?? missingBench(claim.bench, evidence.benches);
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
