// The compiler's decision kinds as goperf shows them, wherever it shows them (the kernel's text and
// HTML, the JupyterLab extension's view): their order, badges, colours and meanings, the --only
// groups, and the summary line. Browser-safe: it imports nothing but the report's types.

import type { DiagnosticKind, EscapeDiagnostic } from "../kernel/reports/index.js";

export interface KindInfo {
  /** The badge's word. */
  badge: string;
  /** The badge's fill and text colours (the static HTML; the extension styles by class). */
  bg: string;
  fg: string;
  /** What the badge means, for the legend and tooltips. */
  meaning: string;
  /** The summary's words for one and for several. */
  one: string;
  many: string;
}

/** In the order the summary, the legend and the toggles list them. */
export const KIND_ORDER: readonly DiagnosticKind[] = ["heap", "escape", "noescape", "leak", "inline", "caninline", "cannotinline", "devirtualize", "other"];

export const KINDS: Record<DiagnosticKind, KindInfo> = {
  heap: { badge: "heap", bg: "#c92a2a", fg: "#ffffff", meaning: "moved to heap: a heap allocation", one: "moved to heap", many: "moved to heap" },
  escape: { badge: "escapes", bg: "#d9480f", fg: "#ffffff", meaning: "the value flows to the heap", one: "escape", many: "escapes" },
  noescape: { badge: "stack", bg: "#2b8a3e", fg: "#ffffff", meaning: "does not escape: stays on the stack", one: "does not escape", many: "do not escape" },
  leak: { badge: "leak", bg: "#7048e8", fg: "#ffffff", meaning: "leaking param: callers' arguments may escape", one: "leaking param", many: "leaking params" },
  inline: { badge: "inlined", bg: "#1971c2", fg: "#ffffff", meaning: "this call was inlined", one: "inlined call", many: "inlined calls" },
  caninline: { badge: "can inline", bg: "#d0ebff", fg: "#0b4f8a", meaning: "the function is cheap enough to inline", one: "can inline", many: "can inline" },
  cannotinline: { badge: "no inline", bg: "#ced4da", fg: "#343a40", meaning: "the function or call is not inlined", one: "cannot inline", many: "cannot inline" },
  devirtualize: { badge: "devirtualized", bg: "#0c8599", fg: "#ffffff", meaning: "an interface call resolved to a concrete method", one: "devirtualized", many: "devirtualized" },
  other: { badge: "note", bg: "#e9ecef", fg: "#495057", meaning: "another compiler note", one: "other note", many: "other notes" },
};

/** The kinds each --only shows (all shows every kind). */
export const ONLY_KINDS: Record<"heap" | "inline", ReadonlySet<DiagnosticKind>> = {
  heap: new Set(["heap", "escape", "noescape", "leak"]),
  inline: new Set(["caninline", "cannotinline", "inline", "devirtualize"]),
};

/** By cell, line and column (the compiler's order on ties: the sort is stable). */
export function byPosition(a: EscapeDiagnostic, b: EscapeDiagnostic): number {
  return a.cell - b.cell || a.line - b.line || a.col - b.col;
}

/** The message as shown: without --why, "can inline F with cost N as: BODY" is cut to "can inline F". */
export function shownMessage(d: EscapeDiagnostic, why: boolean): string {
  if (d.kind !== "caninline" || why) return d.message;
  const cut = d.message.indexOf(" with cost ");
  return cut < 0 ? d.message : d.message.slice(0, cut);
}

/** The --why lines, less any the message already says in full (the can-inline cost and body). */
export function whyLines(d: EscapeDiagnostic): string[] {
  return (d.explanation ?? []).filter((l) => !(l.trim() !== "" && d.message.endsWith(l.trim())));
}

export function countKinds(diagnostics: readonly EscapeDiagnostic[]): Map<DiagnosticKind, number> {
  const counts = new Map<DiagnosticKind, number>();
  for (const d of diagnostics) counts.set(d.kind, (counts.get(d.kind) ?? 0) + 1);
  return counts;
}

/** "2 moved to heap, 1 escape, 3 do not escape, …" over the given decisions. */
export function summarizeKinds(diagnostics: readonly EscapeDiagnostic[]): string {
  const counts = countKinds(diagnostics);
  const parts = KIND_ORDER.filter((k) => counts.get(k)).map((k) => {
    const n = counts.get(k)!;
    return `${n} ${n === 1 ? KINDS[k].one : KINDS[k].many}`;
  });
  return parts.length ? parts.join(", ") : "no decisions";
}
