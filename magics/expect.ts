// %expect: claims as checks. Each %expect line is one claim; a cell's claims are judged together
// against the compiler's decisions (-m=2 on the session's code) and the latest %bench results,
// and shown as one pass/fail list. A failed claim fails the cell unless --warn is given.

import type { Candidate, CellError } from "../kernel/session.js";
import { renderClaims } from "../renderers/claims.js";
import { CLAIM_FORMS, ClaimSyntaxError, judge, parseClaim, type ClaimSpec, type Evidence } from "./claims.js";
import { codeEvidence, codeNeeds, layoutEvidence, type CodeNeeds } from "./codeclaims.js";
import { compileError } from "./dispatcher.js";
import { declaredFuncs, decisionsIn, gcflagsFor } from "./escape.js";
import { knownFunc, unknownFuncMessage } from "../kernel/go/funcnames.js";
import { UsageError } from "./args.js";
import type { ToolchainInfo } from "../kernel/go/toolchain.js";
import type { BenchReport, Claim, ClaimReport } from "../kernel/reports/index.js";
import type { Magic, MagicContext } from "./types.js";
import type { ProfileReport } from "../kernel/reports/profile.js";
import type { Parsed } from "./args.js";

export const expect: Magic = {
  name: "expect",
  summary: "Check a claim about the compiler's decisions or the benchmark results; a failed claim fails the cell.",
  usage: `One claim per %expect line; a cell's claims are judged together. Claims:\n  ${CLAIM_FORMS.join("\n  ")}`,
  args: [{ name: "CLAIM", description: "the claim, as written after the options", variadic: true }],
  options: [
    { name: "warn", type: "flag", description: "show failed claims without failing the cell" },
    { name: "no-inline", type: "flag", description: "judge decisions compiled with -l, as %escape --no-inline shows them" },
  ],
  takesCode: false,
  rawArgs: true,
  batch: true,
  run: runExpect,
};

async function runExpect(ctx: MagicContext, parsed: Parsed): Promise<CellError | null> {
  const claims = await judgeClaims(ctx, parsed, expect);
  if (!Array.isArray(claims)) return claims;
  const report: ClaimReport = { go_version: ctx.session.go?.version ?? "", kind: "claims", claims, warnOnly: Boolean(parsed.options.warn) };
  ctx.sink.display(renderClaims(report));
  const failed = claims.filter((c) => !c.passed);
  if (failed.length === 0 || report.warnOnly) return null;
  const text = `${failed.length} of ${claims.length} claim${claims.length > 1 ? "s" : ""} failed`;
  return {
    ename: "ClaimFailed",
    evalue: text,
    traceback: [text, ...failed.map((c) => `cell[${ctx.cell.count}]:${c.line}: ${c.text} — ${c.detail}`)],
  };
}

/** %predict: the drills' "predict first, then run". Shown before the code is built, scored after. */
export const predict: Magic = {
  name: "predict",
  summary: "Record a prediction (same forms as %expect); it is shown first, then scored against the compiler's answer.",
  usage: `One prediction per %predict line, in the forms of %expect:\n  ${CLAIM_FORMS.join("\n  ")}\nA prediction that differs is shown as such; it never fails the cell.`,
  args: expect.args,
  options: [{ name: "no-inline", type: "flag", description: "score against decisions compiled with -l" }],
  takesCode: false,
  rawArgs: true,
  batch: true,
  async prepare(ctx, parsed) {
    const pending = parsed.args.map((text, i) => ({ text, line: ctx.lines[i] ?? ctx.line, passed: false, detail: "" }));
    const report: ClaimReport = { go_version: ctx.session.go?.version ?? "", kind: "predictions", claims: pending, warnOnly: true, pending: true };
    ctx.sink.display(renderClaims(report), { displayId: predictionDisplay(ctx) });
  },
  async run(ctx, parsed) {
    const claims = await judgeClaims(ctx, parsed, predict);
    if (!Array.isArray(claims)) return claims;
    const report: ClaimReport = { go_version: ctx.session.go?.version ?? "", kind: "predictions", claims, warnOnly: true };
    ctx.sink.update(predictionDisplay(ctx), renderClaims(report));
    return null;
  },
};

function predictionDisplay(ctx: MagicContext): string {
  return `goperf-predict-${ctx.cell.count}-${ctx.cell.cellId ?? ""}`;
}

async function judgeClaims(ctx: MagicContext, parsed: Parsed, magic: Magic): Promise<Claim[] | CellError> {
  const specs: (ClaimSpec | ClaimSyntaxError)[] = parsed.args.map((text) => {
    try {
      return parseClaim(text);
    } catch (err) {
      if (err instanceof ClaimSyntaxError) return err;
      throw err;
    }
  });
  const evidence: Evidence = { benches: latestBenches(ctx), profiles: latestProfiles(ctx) };
  const valid = specs.filter((s): s is ClaimSpec => !(s instanceof Error));
  if (valid.some((s) => "func" in s || s.type === "layout")) {
    const gathered = await decisions(ctx, parsed);
    if ("ename" in gathered) return gathered;
    const { candidate, ...found } = gathered;
    Object.assign(evidence, found);
    // A claim about no function at all is a mistake in the claim, not a verdict.
    for (const spec of valid) {
      if (!("func" in spec) || knownFunc(spec.func, found.funcs, found.diagnostics)) continue;
      throw new UsageError(`%${magic.name}: ${unknownFuncMessage(spec.func, found.funcs, found.diagnostics)}`, magic);
    }
    const needs = codeNeeds(valid);
    const code = await codeEvidence(ctx, needs, candidate);
    if ("ename" in code) return code;
    Object.assign(evidence, code);
    if (needs.layout.length) evidence.layout = await layoutEvidence(ctx, candidate, needs.layout);
    const named = [...new Set(valid.flatMap((s) => (s.type === "releases" ? s.releases : [])))];
    if (named.length) evidence.releases = await decisionsByRelease(ctx, parsed, named, candidate, needs);
  }
  return specs.map((spec, i) => {
    const verdict = spec instanceof Error ? { passed: false, detail: spec.message } : judge(spec, evidence);
    return { text: parsed.args[i], line: ctx.lines[i] ?? ctx.line, ...verdict };
  });
}

/** %profile --mem reports, newest first (the magic keeps one per benchmark, the newest last). */
function latestProfiles(ctx: MagicContext): ProfileReport[] {
  return [...ctx.state.entries()].filter(([k]) => k.startsWith("profile:mem:")).map(([, v]) => v as ProfileReport).reverse();
}

function latestBenches(ctx: MagicContext): BenchReport[] {
  const last = ctx.state.get("bench:last") as BenchReport | undefined;
  const saved = [...ctx.state.entries()].filter(([k]) => k.startsWith("bench:") && k !== "bench:last").map(([, v]) => v as BenchReport);
  return [...(last ? [last] : []), ...saved.reverse()];
}

/**
 * The decisions under each release a claim names (as %escape --go shows them), all compiled with one
 * go line, the oldest release's. A release that cannot be used or cannot build the code is a
 * problem of the claims that name it, not of the cell.
 */
async function decisionsByRelease(ctx: MagicContext, parsed: Parsed, names: string[], candidate: Candidate, needs: CodeNeeds): Promise<NonNullable<Evidence["releases"]>> {
  const out: NonNullable<Evidence["releases"]> = {};
  const found = new Map<string, ToolchainInfo>();
  for (const name of names) {
    const r = await ctx.session.resolveToolchain(name, ctx.signal);
    if (r.ok) found.set(name, r.info);
    else out[name] = { problem: r.problem.split("\n")[0] };
  }
  const alongside = [...found.values()];
  for (const [name, toolchain] of found) {
    const compiled = await ctx.session.compile(candidate, gcflagsFor(parsed.options), ctx.signal, { toolchain, alongside });
    if (!compiled.ok) {
      out[name] = { problem: `the session's code does not build with ${toolchain.version}: ${compileError(compiled.output).evalue}` };
      continue;
    }
    const code = await codeEvidence(ctx, needs, candidate, { toolchain, alongside });
    out[name] = "ename" in code ? { problem: `${toolchain.version}: ${code.evalue}` } : { version: toolchain.version, diagnostics: decisionsIn(compiled.output, candidate.decls), ...code };
  }
  return out;
}

/** The session's decisions with their functions, compiled as %escape would (cached by the go command). */
async function decisions(ctx: MagicContext, parsed: Parsed): Promise<(Required<Pick<Evidence, "diagnostics" | "funcs">> & { candidate: Candidate }) | CellError> {
  // The session as it stands, this cell's own declarations included: staged without the cell's id,
  // an empty cell replaces nothing.
  const staged = await ctx.session.stage("", { ...ctx.cell, cellId: undefined });
  if ("ename" in staged) return staged;
  const compiled = await ctx.session.compile(staged, gcflagsFor(parsed.options), ctx.signal);
  if (!compiled.ok) return compileError(compiled.output);
  const diagnostics = decisionsIn(compiled.output, staged.decls);
  const funcs = declaredFuncs(staged.decls);
  return { diagnostics, funcs, candidate: staged };
}
