// %inline's report: each function's inlining cost against the budget, the reasons, and the call
// sites the compiler inlined. Published schema (application/vnd.goperf.inline.v1+json, see README).

export const INLINE_MIME = "application/vnd.goperf.inline.v1+json";

export interface InlineFunction {
  /** As the compiler names it: F, T.M, (*T).M, F.func1. */
  name: string;
  cell: number;
  line: number;
  col: number;
  inlinable: boolean;
  /** The compiler's cost, when it says (-m=2 "with cost N" / "cost N exceeds budget B"). */
  cost?: number;
  /** The budget the compiler compared against (80 unless it says otherwise, e.g. PGO). */
  budget: number;
  /** Why not, in the compiler's words ("marked go:noinline", "function too complex: cost 96 exceeds budget 80"). */
  reason?: string;
  /** Not inlinable by cost alone, and the cost within the report's margin of the budget. */
  almost: boolean;
}

export interface InlineSite {
  cell: number;
  line: number;
  col: number;
  /** The function inlined here. */
  callee: string;
  /** The function containing the call. */
  caller?: string;
}

export interface InlineReport {
  go_version: string;
  flags: string[];
  /** The default budget (the compiler's inlineMaxBudget, 80). */
  budget: number;
  /** "Almost inlinable": cost ≤ budget + margin. */
  margin: number;
  cells: { cell: number; source: string }[];
  functions: InlineFunction[];
  sites: InlineSite[];
}
