// %escape's report (application/vnd.goperf.escape.v1+json): the compiler's escape-analysis and
// inlining decisions for the session's cells, as data. A published schema (README "The vendor JSON
// types"): it imports nothing, so every reader (magics, renderers, notebook tools, the JupyterLab
// extension) can take it without the kernel. kernel/go/diagnostics.ts parses the compiler's text
// into records of the same shape; the magic's assignment of one to the other is what keeps the two
// in step (tsc fails the build when they part).

import { isObject } from "./guards.js";

/** What a decision says, by the compiler's wording ("moved to heap: x" is heap). */
export type DiagnosticKind = "heap" | "escape" | "noescape" | "leak" | "caninline" | "cannotinline" | "inline" | "devirtualize" | "other";

export interface EscapeDiagnostic {
  /** The cell's execution count; 0 for a decision about a package's file (see `file`). */
  cell: number;
  /**
   * %escape --pkg: the package file the decision is about, named as -trimpath names it
   * ("example.com/mine/calc/calc.go"); line and col are that file's. Absent for cell code.
   */
  file?: string;
  line: number;
  col: number;
  kind: DiagnosticKind;
  /** The compiler's exact words. */
  message: string;
  /**
   * The function the decision is in, as the compiler names it ("(*Counter).Inc",
   * "SumSquares[go.shape.int]", "MakeCounter.func1"); the declared name where the compiler names none.
   */
  func?: string;
  /** The declaration whose source holds the decision, as written ("Counter.Inc", "SumSquares", "MakeCounter"). */
  declared?: string;
  /** `-m=2` reasons: flow chains, inlining cost. Shown under the line only with --why. */
  explanation: string[];
}

export interface EscapeReport {
  go_version: string;
  /** The compiler flags that produced the diagnostics, e.g. ["-m=2", "-l"]. */
  flags: string[];
  cells: { cell: number; source: string }[];
  /** %escape --pkg: the package's files with decisions, as on disk (absent otherwise). */
  files?: { file: string; source: string }[];
  diagnostics: EscapeDiagnostic[];
  /** How the report is shown: not part of the compiler's answer. */
  view: { why: boolean; only: "heap" | "inline" | "all"; func?: string };
  /** Set when decisions under two toolchains are compared (the %go issue). */
  comparison?: EscapeComparison;
}

export interface EscapeComparison {
  /** Toolchain versions, e.g. ["go1.22.12", "go1.26.8"]. */
  releases: [string, string];
  /** Decisions both toolchains report. */
  same: EscapeDiagnostic[];
  /** Reported only by releases[0] ("-"), only by releases[1] ("+"). */
  removed: EscapeDiagnostic[];
  added: EscapeDiagnostic[];
}

/** The fields a view cannot do without. */
export function isEscapeReport(v: unknown): v is EscapeReport {
  return (
    isObject(v) &&
    Array.isArray(v.cells) &&
    Array.isArray(v.diagnostics) &&
    v.diagnostics.every((d) => isObject(d) && typeof d.line === "number" && typeof d.kind === "string" && typeof d.message === "string") &&
    isObject(v.view)
  );
}
