// Inlining costs and reasons from the compiler's -m=2 output: "can inline F with cost N as: …",
// "cannot inline F: function too complex: cost N exceeds budget B", "cannot inline F: marked
// go:noinline", and the call sites ("inlining call to F").

import type { InlineFunction, InlineSite } from "../reports/inline.js";

/** cmd/compile/internal/inline's inlineMaxBudget: the budget when the compiler names none. */
export const DEFAULT_BUDGET = 80;
/**
 * "Almost inlinable": a function refused for its cost alone, at most this far over the budget. 20
 * is a quarter of the default budget: about what one more call or a small loop costs (a call is
 * 57 + its arguments, so anything further needs a real restructuring, not a trim).
 */
export const ALMOST_MARGIN = 20;

export interface InlineDecision {
  cell: number;
  line: number;
  col: number;
  kind: string;
  message: string;
  func?: string;
}

const CAN = /^can inline (\S+) with cost (\d+)/;
const CAN_BARE = /^can inline (\S+)$/;
const CANNOT = /^cannot inline (\S+?): (.*)$/;
const TOO_COMPLEX = /cost (\d+) exceeds budget (\d+)/;
const SITE = /^inlining call to (\S+)/;

export function inliningOf(decisions: readonly InlineDecision[], margin = ALMOST_MARGIN): { functions: InlineFunction[]; sites: InlineSite[] } {
  const functions: InlineFunction[] = [];
  const sites: InlineSite[] = [];
  for (const d of decisions) {
    const at = { cell: d.cell, line: d.line, col: d.col };
    let m = CAN.exec(d.message) ?? CAN_BARE.exec(d.message);
    if (m && d.kind === "caninline") {
      functions.push({ name: m[1], ...at, inlinable: true, ...(m[2] ? { cost: Number(m[2]) } : {}), budget: DEFAULT_BUDGET, almost: false });
      continue;
    }
    m = CANNOT.exec(d.message);
    if (m && d.kind === "cannotinline") {
      const c = TOO_COMPLEX.exec(m[2]);
      const cost = c ? Number(c[1]) : undefined;
      const budget = c ? Number(c[2]) : DEFAULT_BUDGET;
      functions.push({ name: m[1], ...at, inlinable: false, ...(cost !== undefined ? { cost } : {}), budget, reason: m[2], almost: cost !== undefined && cost <= budget + margin });
      continue;
    }
    m = SITE.exec(d.message);
    if (m && d.kind === "inline") sites.push({ ...at, callee: m[1], ...(d.func ? { caller: d.func } : {}) });
  }
  return { functions, sites };
}
