// %bce's report: the run-time checks the compiler kept in the cell's code. Published schema
// (application/vnd.goperf.bce.v1+json, see README): the field names are part of it.

export const BCE_MIME = "application/vnd.goperf.bce.v1+json";

/**
 * index: `Found IsInBounds` (s[i]); slice: `Found IsSliceInBounds` (s[a:b]); nil: `generated nil
 * check` (an explicit test); nil-implicit: `removed nil check` (the check is the load itself: a
 * fault, no instruction).
 */
export type CheckKind = "index" | "slice" | "nil" | "nil-implicit";

export interface BceCheck {
  cell: number;
  line: number;
  col: number;
  kind: CheckKind;
  /** The compiler's words. */
  message: string;
  /** The enclosing function, as the reader names it. */
  func?: string;
}

export interface BceReport {
  go_version: string;
  goarch: string;
  /** The gc flags that produced the report: -d=ssa/check_bce/debug=1 -d=nil. */
  flags: string[];
  cells: { cell: number; source: string }[];
  checks: BceCheck[];
  /** --func: the function the view is limited to (the checks list is complete). */
  func?: string;
}
