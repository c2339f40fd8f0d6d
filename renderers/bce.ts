// %bce's report → MIME bundle: the kept checks in the compiler's words (text), marked on the
// cell's source through the one annotated-source view (HTML), and the report (vendor JSON).

import type { MimeBundle } from "../kernel/protocol.js";
import { BCE_MIME, type BceCheck, type BceReport, type CheckKind } from "../kernel/reports/bce.js";
import { annotatedHtml, annotatedText, byMarkPosition, groupByCell, legend, type BadgeKinds, type Mark } from "./annotated.js";
import { STYLE, h, root } from "./html.js";

export const BCE_KINDS: BadgeKinds = {
  index: { badge: "bounds check", bg: "#c92a2a", fg: "#ffffff", meaning: "an index the compiler could not prove in range: compare and branch to a panic", tint: "rgba(201,42,42,0.13)", rank: 0 },
  slice: { badge: "slice check", bg: "#d9480f", fg: "#ffffff", meaning: "slice bounds the compiler could not prove: compare and branch to a panic", tint: "rgba(217,72,15,0.12)", rank: 1 },
  nil: { badge: "nil check", bg: "#b26a00", fg: "#ffffff", meaning: "an explicit nil check the compiler generated", tint: "rgba(178,106,0,0.12)", rank: 2 },
  "nil-implicit": { badge: "implicit nil", bg: "#e9ecef", fg: "#495057", meaning: "a nil check folded into the memory access (a fault, no instruction)" },
};

const WORDS: Record<CheckKind, [string, string]> = {
  index: ["bounds check", "bounds checks"],
  slice: ["slice bounds check", "slice bounds checks"],
  nil: ["nil check", "nil checks"],
  "nil-implicit": ["implicit nil check", "implicit nil checks"],
};

export function renderBce(report: BceReport): MimeBundle {
  const shown = report.checks.filter((c) => report.func === undefined || c.func === report.func).sort(byMarkPosition);
  const where = report.func ?? "this code";
  const cells = groupByCell(report.cells, shown, report.func !== undefined).map((g) => ({
    cell: g.cell,
    source: g.source,
    marks: g.items.map(toMark),
    note: g.items.length ? bceSummary(g.items) : "",
    silence: `no bounds checks: the compiler proved every index and slice in ${where} in range.`,
  }));
  const summary = bceSummary(shown);
  const text = [...annotatedText(cells, { kinds: BCE_KINDS }), summary].join("\n");
  const html = root(
    ...annotatedHtml(cells, { kinds: BCE_KINDS, quiet: "checks" }),
    legend(BCE_KINDS, shown.map((c) => c.kind)),
    h("div", { style: "margin-top:6px;font-weight:600" }, summary),
    h("div", { style: STYLE.footer }, `${report.go_version} ${report.goarch} · go build -gcflags='${report.flags.join(" ")}'`),
  );
  return { "text/plain": text, "text/html": String(html), [BCE_MIME]: report };
}

function toMark(c: BceCheck): Mark {
  return { cell: c.cell, line: c.line, col: c.col, kind: c.kind, text: c.message };
}

/** "2 bounds checks, 1 slice bounds check kept" or "no bounds checks". */
export function bceSummary(checks: readonly BceCheck[]): string {
  const kept = checks.filter((c) => c.kind !== "nil-implicit");
  const parts = (["index", "slice", "nil", "nil-implicit"] as CheckKind[])
    .map((k) => [k, checks.filter((c) => c.kind === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${WORDS[k][n === 1 ? 0 : 1]}`);
  if (kept.length === 0) return parts.length ? `no bounds checks (${parts.join(", ")})` : "no bounds checks";
  return `${parts.join(", ")} kept`;
}
