// %escape's report → MIME bundle: the compiler's decisions in its own words (text), the same
// decisions annotated on the cell's source (HTML, through the one annotated-source view in
// annotated.ts), and the report itself (vendor JSON).
//
// The view (--only, --func, --why) is applied here, to the text and the HTML only: the JSON carries
// every decision, so a reader of the data never depends on how it was shown.

import { funcMatches } from "../kernel/go/funcnames.js";
import type { MimeBundle } from "../kernel/protocol.js";
import { ESCAPE_MIME, type DiagnosticKind, type EscapeDiagnostic, type EscapeReport } from "../kernel/reports/index.js";
import { annotatedHtml, annotatedText, groupByCell, legend, type AnnotatedCell, type BadgeKind, type Mark } from "./annotated.js";
import { KIND_ORDER, KINDS, ONLY_KINDS, byPosition, shownMessage, summarizeKinds, whyLines } from "./decisions.js";
import { FONT_MONO, STYLE, h, root, type Html } from "./html.js";

export { layoutLines } from "./annotated.js";

type View = EscapeReport["view"];

/** Line tints for annotated lines: the most consequential kind on the line decides (lowest rank). */
const TINT: Partial<Record<DiagnosticKind, { tint: string; rank: number }>> = {
  heap: { tint: "rgba(201,42,42,0.13)", rank: 0 },
  escape: { tint: "rgba(217,72,15,0.12)", rank: 1 },
  leak: { tint: "rgba(112,72,232,0.12)", rank: 2 },
  noescape: { tint: "rgba(43,138,62,0.10)", rank: 3 },
};

/** The decision kinds as the annotated view's badge kinds, in KIND_ORDER. */
export const ESCAPE_KINDS: Readonly<Record<string, BadgeKind>> = Object.fromEntries(
  KIND_ORDER.map((k) => {
    const { badge, bg, fg, meaning } = KINDS[k];
    return [k, { badge, bg, fg, meaning, ...TINT[k] }];
  }),
);

export function renderEscape(report: EscapeReport): MimeBundle {
  return {
    "text/plain": escapeText(report),
    "text/html": escapeHtmlView(report),
    [ESCAPE_MIME]: report,
  };
}

// ---- the view ---------------------------------------------------------------------------------

export function inView(d: EscapeDiagnostic, view: View): boolean {
  if (view.only !== "all" && !ONLY_KINDS[view.only].has(d.kind)) return false;
  return view.func === undefined || funcMatches(view.func, d);
}

/** The decisions the view shows, ordered by cell, line and column (the compiler's order on ties). */
export function visibleDiagnostics(diagnostics: readonly EscapeDiagnostic[], view: View): EscapeDiagnostic[] {
  return diagnostics.filter((d) => inView(d, view)).sort(byPosition);
}

/** What the compiler's silence means under the view, for one cell (a number) or file (its name). */
export function silenceLine(cell: number | string, view: View, flags: readonly string[]): string {
  const where = view.func === undefined ? "this code" : view.func;
  const at = typeof cell === "number" ? `cell[${cell}]` : cell;
  if (view.only === "inline") {
    const off = flags.includes("-l") ? " (compiled with -l: inlining is off)" : "";
    return `${at}: the compiler reported no inlining decisions for ${where}${off}.`;
  }
  const what = view.only === "heap" ? "escape" : "escape or inlining";
  return `${at}: the compiler reported no ${what} decisions for ${where}: nothing escapes to the heap (silence means stack).`;
}

type Side = "same" | "removed" | "added";
interface Compared extends EscapeDiagnostic {
  side: Side;
}

function comparedDiagnostics(report: EscapeReport): Compared[] {
  const c = report.comparison!;
  const tag = (side: Side) => (d: EscapeDiagnostic): Compared => ({ ...d, side });
  const order: Record<Side, number> = { same: 0, removed: 1, added: 2 };
  return [...c.same.map(tag("same")), ...c.removed.map(tag("removed")), ...c.added.map(tag("added"))]
    .filter((d) => inView(d, report.view))
    .sort((a, b) => byPosition(a, b) || order[a.side] - order[b.side]);
}

function comparisonSummary(items: readonly Compared[], releases: readonly [string, string]): string {
  const n = (side: Side) => items.filter((d) => d.side === side).length;
  const agree = n("same");
  const differ = n("removed") + n("added");
  const head = `${releases[0]} vs ${releases[1]}: ${agree} decision${agree === 1 ? "" : "s"} agree`;
  if (differ === 0) return `${head}; the two releases report the same decisions`;
  return `${head}, ${n("removed")} only in ${releases[0]}, ${n("added")} only in ${releases[1]}`;
}

// ---- decisions as marks ---------------------------------------------------------------------

const SIDE: Record<Side, Mark["side"]> = { same: undefined, removed: "before", added: "after" };

function toMark(d: EscapeDiagnostic | Compared, why: boolean): Mark {
  const side = "side" in d ? SIDE[d.side] : undefined;
  return {
    cell: d.cell,
    ...(d.file ? { file: d.file } : {}),
    line: d.line,
    col: d.col,
    kind: d.kind,
    text: shownMessage(d, why),
    ...(why ? { details: whyLines(d) } : {}),
    ...(side ? { side } : {}),
  };
}

/** The report's cells with the decisions shown, as the annotated view's cells. */
function annotatedCells(report: EscapeReport, items: readonly (EscapeDiagnostic | Compared)[], note: (items: (EscapeDiagnostic | Compared)[]) => string): AnnotatedCell[] {
  const { view } = report;
  const either = report.comparison ? " (under either release)" : "";
  // A package's files (%escape --pkg) are shown as cells are, under their own names.
  const places = [...report.cells, ...(report.files ?? []).map((f) => ({ cell: 0, file: f.file, source: f.source }))];
  return groupByCell(places, items, view.func !== undefined).map((g) => ({
    cell: g.cell,
    file: g.file,
    source: g.source,
    marks: g.items.map((d) => toMark(d, view.why)),
    note: g.items.length ? note(g.items) : "",
    silence: silenceLine(g.file ?? g.cell, view, report.flags).slice(`${g.file ?? `cell[${g.cell}]`}: `.length) + either,
  }));
}

// ---- text -----------------------------------------------------------------------------------

function escapeText(report: EscapeReport): string {
  if (report.comparison) return comparisonText(report);
  const shown = visibleDiagnostics(report.diagnostics, report.view);
  const lines = annotatedText(annotatedCells(report, shown, () => ""), { kinds: ESCAPE_KINDS });
  lines.push(summarizeKinds(shown));
  return lines.join("\n");
}

function comparisonText(report: EscapeReport): string {
  const { releases } = report.comparison!;
  const items = comparedDiagnostics(report);
  const lines = [`comparing ${releases[0]} (-) with ${releases[1]} (+); decisions both report are shown once`];
  lines.push(...annotatedText(annotatedCells(report, items, () => ""), { kinds: ESCAPE_KINDS, releases }));
  lines.push(comparisonSummary(items, releases));
  return lines.join("\n");
}

// ---- HTML -----------------------------------------------------------------------------------

function footer(report: EscapeReport): Html {
  const v = report.view;
  const shown = [
    v.only === "all" ? "" : `--only ${v.only}`,
    v.func === undefined ? "" : `--func ${v.func}`,
    v.why ? "--why" : "",
  ].filter(Boolean);
  return h(
    "div",
    { style: STYLE.footer },
    `${report.go_version} · go build -gcflags='${report.flags.join(" ")}'`,
    shown.length ? ` · showing ${shown.join(" ")}` : "",
  );
}

function escapeHtmlView(report: EscapeReport): string {
  return String(report.comparison ? comparisonHtml(report) : decisionsHtml(report));
}

function decisionsHtml(report: EscapeReport): Html {
  const shown = visibleDiagnostics(report.diagnostics, report.view);
  const cells = annotatedCells(report, shown, (items) => summarizeKinds(items));
  // One cell's summary is already its heading: the total below only adds up several cells.
  return root(
    ...annotatedHtml(cells, { kinds: ESCAPE_KINDS }),
    legend(ESCAPE_KINDS, shown.map((d) => d.kind)),
    cells.length > 1 ? h("div", { style: "margin-top:6px;font-weight:600" }, `all cells: ${summarizeKinds(shown)}`) : null,
    footer(report),
  );
}

function comparisonHtml(report: EscapeReport): Html {
  const { releases } = report.comparison!;
  const items = comparedDiagnostics(report);
  const cells = annotatedCells(report, items, (ds) => {
    const differ = ds.filter((d) => (d as Compared).side !== "same").length;
    return `${ds.length - differ} agree, ${differ} differ`;
  });
  return root(
    h(
      "div",
      { style: STYLE.heading },
      "Escape and inlining decisions: ",
      h("span", { style: `font-family:${FONT_MONO}` }, releases[0]),
      " vs ",
      h("span", { style: `font-family:${FONT_MONO}` }, releases[1]),
    ),
    ...annotatedHtml(cells, { kinds: ESCAPE_KINDS, releases }),
    legend(ESCAPE_KINDS, items.map((d) => d.kind)),
    h("div", { style: "margin-top:6px;font-weight:600" }, comparisonSummary(items, releases)),
    footer(report),
  );
}
