// %escape's report → MIME bundle: the compiler's decisions in its own words (text), the same
// decisions annotated on the cell's source (HTML), and the report itself (vendor JSON).
//
// The view (--only, --func, --why) is applied here, to the text and the HTML only: the JSON carries
// every decision, so a reader of the data never depends on how it was shown.

import { funcMatches } from "../kernel/go/funcnames.js";
import type { MimeBundle } from "../kernel/protocol.js";
import { ESCAPE_MIME, type DiagnosticKind, type EscapeDiagnostic, type EscapeReport } from "../kernel/reports/index.js";
import { KIND_ORDER, KINDS, ONLY_KINDS, byPosition, shownMessage, summarizeKinds, whyLines } from "./decisions.js";
import { COLOR, FONT_MONO, STYLE, fragment, h, highlightGoLines, pill, raw, root, type Html } from "./html.js";

type View = EscapeReport["view"];

/** Line tints for annotated lines: the most consequential kind on the line decides. */
const TINT: Partial<Record<DiagnosticKind, string>> = {
  heap: "rgba(201,42,42,0.13)",
  escape: "rgba(217,72,15,0.12)",
  leak: "rgba(112,72,232,0.12)",
  noescape: "rgba(43,138,62,0.10)",
};
const NEUTRAL_TINT = "rgba(128,128,128,0.10)";

/** Cells longer than this fold their long runs of lines without decisions. */
const FOLD_CELLS_OVER = 40;
/** A run is folded when more than this many lines would be hidden. */
const FOLD_MIN = 8;
/** Lines kept visible next to an annotated line when the rest of a run folds. */
const CONTEXT = 2;

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

function position(d: EscapeDiagnostic): string {
  return d.col ? `cell[${d.cell}]:${d.line}:${d.col}` : `cell[${d.cell}]:${d.line}`;
}

/** What the compiler's silence means under the view, for one cell. */
export function silenceLine(cell: number, view: View, flags: readonly string[]): string {
  const where = view.func === undefined ? "this code" : view.func;
  if (view.only === "inline") {
    const off = flags.includes("-l") ? " (compiled with -l: inlining is off)" : "";
    return `cell[${cell}]: the compiler reported no inlining decisions for ${where}${off}.`;
  }
  const what = view.only === "heap" ? "escape" : "escape or inlining";
  return `cell[${cell}]: the compiler reported no ${what} decisions for ${where}: nothing escapes to the heap (silence means stack).`;
}

interface CellGroup<T> {
  cell: number;
  source?: string;
  items: T[];
}

/**
 * The cells to show, in order, each with its items: every cell of the report, and any cell a
 * decision names that the report has no source for (no message is dropped). With --func, cells
 * without a decision in that function are left out, unless no cell has one: then the silence is
 * the answer, shown for each cell.
 */
function groupByCell<T extends { cell: number }>(report: EscapeReport, items: readonly T[]): CellGroup<T>[] {
  const groups = new Map<number, CellGroup<T>>();
  for (const c of report.cells) if (!groups.has(c.cell)) groups.set(c.cell, { cell: c.cell, source: c.source, items: [] });
  for (const it of items) {
    let g = groups.get(it.cell);
    if (!g) groups.set(it.cell, (g = { cell: it.cell, items: [] }));
    g.items.push(it);
  }
  let list = [...groups.values()].sort((a, b) => a.cell - b.cell);
  if (report.view.func !== undefined && list.some((g) => g.items.length)) list = list.filter((g) => g.items.length);
  return list;
}

// ---- text -----------------------------------------------------------------------------------

function escapeText(report: EscapeReport): string {
  if (report.comparison) return comparisonText(report);
  const { view } = report;
  const shown = visibleDiagnostics(report.diagnostics, view);
  const lines: string[] = [];
  for (const g of groupByCell(report, shown)) {
    if (g.items.length === 0) lines.push(silenceLine(g.cell, view, report.flags));
    for (const d of g.items) {
      lines.push(`${position(d)}: ${shownMessage(d, view.why)}`);
      if (view.why) for (const l of whyLines(d)) lines.push(`    ${l}`);
    }
  }
  lines.push(summarizeKinds(shown));
  return lines.join("\n");
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

function comparisonText(report: EscapeReport): string {
  const { releases } = report.comparison!;
  const { view } = report;
  const items = comparedDiagnostics(report);
  const prefix: Record<Side, string> = { same: "  ", removed: `- ${releases[0]} `, added: `+ ${releases[1]} ` };
  const lines = [`comparing ${releases[0]} (-) with ${releases[1]} (+); decisions both report are shown once`];
  for (const g of groupByCell(report, items)) {
    if (g.items.length === 0) lines.push(`${silenceLine(g.cell, view, report.flags)} (under either release)`);
    for (const d of g.items) {
      lines.push(`${prefix[d.side]}${position(d)}: ${shownMessage(d, view.why)}`);
      if (view.why) for (const l of whyLines(d)) lines.push(`${" ".repeat(prefix[d.side].length)}    ${l}`);
    }
  }
  lines.push(comparisonSummary(items, releases));
  return lines.join("\n");
}

// ---- HTML -----------------------------------------------------------------------------------

function kindBadge(kind: DiagnosticKind, count = 1): Html {
  const k = KINDS[kind];
  return pill(count > 1 ? `${k.badge} ×${count}` : k.badge, k.bg, k.fg, k.meaning);
}

function lineTint(kinds: Iterable<DiagnosticKind>): string {
  let best: string | undefined;
  let rank = Infinity;
  const ranked: DiagnosticKind[] = ["heap", "escape", "leak", "noescape"];
  for (const k of kinds) {
    const r = ranked.indexOf(k);
    if (r >= 0 && r < rank) [rank, best] = [r, TINT[k]];
  }
  return best ?? NEUTRAL_TINT;
}

/** How a cell's lines are laid out: which are shown and which are folded away. */
type Segment = { line: number } | { from: number; to: number };

export function layoutLines(count: number, annotated: (line: number) => boolean): Segment[] {
  const segs: Segment[] = [];
  const foldable = count > FOLD_CELLS_OVER;
  for (let k = 1; k <= count; ) {
    if (!foldable || annotated(k)) {
      segs.push({ line: k++ });
      continue;
    }
    let j = k;
    while (j < count && !annotated(j + 1)) j++;
    const a = k + (k > 1 ? CONTEXT : 0);
    const b = j - (j < count ? CONTEXT : 0);
    if (b - a + 1 > FOLD_MIN) {
      for (let l = k; l < a; l++) segs.push({ line: l });
      segs.push({ from: a, to: b });
      for (let l = b + 1; l <= j; l++) segs.push({ line: l });
    } else {
      for (let l = k; l <= j; l++) segs.push({ line: l });
    }
    k = j + 1;
  }
  return segs;
}

interface CellLayout {
  /** Width of the line-number text, in characters. */
  gutter: number;
  /** Left offset of code (and of the messages under it). */
  indent: string;
}

const TAB_SIZE = 4;

// The gutter is a multiple of the tab size: tab stops count from the start of the line, number
// included, so this keeps a leading tab as wide as in the editor.
function layoutFor(lineCount: number): CellLayout {
  const digits = Math.max(2, String(lineCount).length);
  const gutter = Math.ceil((digits + 3) / TAB_SIZE) * TAB_SIZE;
  return { gutter, indent: `${gutter}ch` };
}

/** "  12  ": the number right-aligned, then two spaces; the box keeps white-space. */
function lineNumber(layout: CellLayout, text: string | number): Html {
  return h("span", { style: STYLE.lineNo }, `${String(text).padStart(layout.gutter - 2)}  `);
}

function codeLine(layout: CellLayout, line: number, code: string, kinds: DiagnosticKind[], extra: Html[] = []): Html {
  const counts = new Map<DiagnosticKind, number>();
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  const badges = KIND_ORDER.filter((k) => counts.has(k)).map((k) => kindBadge(k, counts.get(k)));
  return h(
    "div",
    kinds.length ? { style: `background:${lineTint(kinds)}` } : null,
    lineNumber(layout, line),
    raw(code),
    badges.length || extra.length ? h("span", { style: "margin-left:14px" }, ...interleave([...extra, ...badges], " ")) : null,
  );
}

function interleave(items: Html[], sep: string): (Html | string)[] {
  return items.flatMap((it, i) => (i ? [sep, it] : [it]));
}

/** One decision under its line: `:col` then the compiler's words; with --why the reasons fold under it. */
function messageRow(layout: CellLayout, d: EscapeDiagnostic, why: boolean, mark?: { sign: string; bg: string }): Html {
  const k = KINDS[d.kind];
  const rowStyle =
    `margin-left:${layout.indent};padding:0 8px 0 6px;border-left:3px solid ${k.bg};white-space:pre-wrap;word-break:break-word` +
    (mark ? `;background:${mark.bg}` : "");
  const reasons = why ? whyLines(d) : [];
  return fragment(
    h(
      "div",
      { style: rowStyle, title: k.meaning },
      mark ? h("span", { style: "font-weight:700" }, `${mark.sign} `) : null,
      h("span", { style: STYLE.muted }, d.col ? `:${d.col} ` : ""),
      shownMessage(d, why),
    ),
    reasons.length
      ? h(
          "details",
          { style: `${STYLE.details};margin-left:${layout.indent};padding-left:9px` },
          h("summary", { style: STYLE.summary }, "why"),
          h("pre", { style: STYLE.pre }, reasons.join("\n")),
        )
      : null,
  );
}

function foldBlock(from: number, to: number, inner: Html[]): Html {
  const n = to - from + 1;
  return h(
    "details",
    { style: STYLE.details },
    h("summary", { style: `${STYLE.summary};padding-left:8px;font-family:${FONT_MONO}` }, `${n} lines without decisions (lines ${from}–${to})`),
    ...inner,
  );
}

interface LineRenderer<T> {
  kinds(items: T[]): DiagnosticKind[];
  extraBadges?(items: T[]): Html[];
  below(layout: CellLayout, items: T[]): Html[];
}

/** A cell's source with line numbers, highlighted, folded when long, each line's items under it. */
function cellSource<T extends { line: number }>(source: string, items: readonly T[], r: LineRenderer<T>): Html {
  const lines = highlightGoLines(source);
  const layout = layoutFor(lines.length);
  const byLine = new Map<number, T[]>();
  for (const it of items) {
    const list = byLine.get(it.line);
    if (list) list.push(it);
    else byLine.set(it.line, [it]);
  }
  const renderLine = (k: number): Html[] => {
    const here = byLine.get(k) ?? [];
    return [codeLine(layout, k, lines[k - 1], r.kinds(here), r.extraBadges?.(here) ?? []), ...(here.length ? r.below(layout, here) : [])];
  };
  const body: Html[] = [];
  for (const seg of layoutLines(lines.length, (k) => byLine.has(k))) {
    if ("line" in seg) body.push(...renderLine(seg.line));
    else {
      const inner: Html[] = [];
      for (let k = seg.from; k <= seg.to; k++) inner.push(...renderLine(k));
      body.push(foldBlock(seg.from, seg.to, inner));
    }
  }
  // Decisions at lines the source does not have (line 0, or past its end) still reach the reader.
  const outside = [...byLine.keys()].filter((k) => k < 1 || k > lines.length).sort((a, b) => a - b);
  for (const k of outside) {
    const here = byLine.get(k)!;
    body.push(h("div", { style: STYLE.muted }, lineNumber(layout, k), `(line ${k} is not in the cell's source)`));
    body.push(...r.below(layout, here));
  }
  return h("div", { style: STYLE.codeBox }, ...body);
}

/** For a cell whose source the report does not carry: its decisions, by line. */
function sourceless<T extends { line: number }>(items: readonly T[], r: LineRenderer<T>): Html {
  const layout = layoutFor(Math.max(...items.map((d) => d.line), 1));
  const lines = [...new Set(items.map((d) => d.line))];
  const body = lines.flatMap((k) => {
    const here = items.filter((d) => d.line === k);
    return [h("div", { style: STYLE.muted }, lineNumber(layout, k), "(source not in this report)"), ...r.below(layout, here)];
  });
  return h("div", { style: STYLE.codeBox }, ...body);
}

function cellHeading(cell: number, note: string, hasSource: boolean): Html {
  return h(
    "div",
    { style: STYLE.heading },
    h("span", { style: `font-family:${FONT_MONO}` }, `cell[${cell}]`),
    h("span", { style: `${STYLE.muted};font-weight:400;margin-left:8px;font-size:12px` }, hasSource ? note : `${note} (source not in this report)`),
  );
}

function silenceNote(text: string): Html {
  return h("div", { style: `color:${COLOR.good};margin:2px 0 4px 0` }, text.replace(/^cell\[\d+\]: /, "").replace(/^t/, "T"));
}

function legend(kinds: readonly DiagnosticKind[]): Html | null {
  if (kinds.length === 0) return null;
  return h(
    "div",
    { style: `${STYLE.small};margin-top:6px` },
    ...interleave(
      kinds.map((k) => fragment(kindBadge(k), " ", h("span", { style: STYLE.muted }, KINDS[k].meaning))),
      "   ",
    ),
  );
}

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
  const { view } = report;
  const shown = visibleDiagnostics(report.diagnostics, view);
  const renderer: LineRenderer<EscapeDiagnostic> = {
    kinds: (ds) => ds.map((d) => d.kind),
    below: (layout, ds) => ds.map((d) => messageRow(layout, d, view.why)),
  };
  const sections = groupByCell(report, shown).map((g) => {
    const note = g.items.length ? summarizeKinds(g.items) : "";
    return h(
      "div",
      { style: "margin-bottom:10px" },
      cellHeading(g.cell, note, g.source !== undefined),
      g.items.length ? null : silenceNote(silenceLine(g.cell, view, report.flags)),
      g.source !== undefined ? cellSource(g.source, g.items, renderer) : sourceless(g.items, renderer),
    );
  });
  const present = KIND_ORDER.filter((k) => shown.some((d) => d.kind === k));
  return root(
    ...sections,
    legend(present),
    h("div", { style: "margin-top:6px;font-weight:600" }, summarizeKinds(shown)),
    footer(report),
  );
}

function comparisonHtml(report: EscapeReport): Html {
  const { releases } = report.comparison!;
  const { view } = report;
  const items = comparedDiagnostics(report);
  const REMOVED = "rgba(217,72,15,0.14)";
  const ADDED = "rgba(43,138,62,0.16)";
  const column = (title: string, ds: Compared[], side: Side) => {
    const layout: CellLayout = { gutter: 0, indent: "0px" };
    const rows = ds.map((d) =>
      d.side === "same" ? messageRow(layout, d, view.why) : messageRow(layout, d, view.why, side === "removed" ? { sign: "−", bg: REMOVED } : { sign: "+", bg: ADDED }),
    );
    return h(
      "div",
      { style: "flex:1 1 0;min-width:0" },
      h("div", { style: `${STYLE.small};font-weight:600;font-family:${FONT_MONO};padding:1px 6px` }, title),
      ...(rows.length ? rows : [h("div", { style: `${STYLE.small};${STYLE.muted};padding-left:9px` }, "(nothing reported)")]),
    );
  };
  const renderer: LineRenderer<Compared> = {
    // Beside the line: what the newer release decides; the columns below show both.
    kinds: (ds) => ds.filter((d) => d.side !== "removed").map((d) => d.kind),
    extraBadges: (ds) => (ds.some((d) => d.side !== "same") ? [pill("differs", "#b26a00", "#ffffff", `${releases[0]} and ${releases[1]} disagree on this line`)] : []),
    below: (layout, ds) => {
      if (ds.every((d) => d.side === "same")) return ds.map((d) => messageRow(layout, d, view.why));
      const before = ds.filter((d) => d.side !== "added");
      const after = ds.filter((d) => d.side !== "removed");
      return [
        h(
          "div",
          { style: `display:flex;gap:12px;margin:2px 0 4px ${layout.indent};padding-right:8px` },
          column(releases[0], before, "removed"),
          column(releases[1], after, "added"),
        ),
      ];
    },
  };
  const sections = groupByCell(report, items).map((g) => {
    const differ = g.items.filter((d) => d.side !== "same").length;
    const note = g.items.length ? `${g.items.length - differ} agree, ${differ} differ` : "";
    return h(
      "div",
      { style: "margin-bottom:10px" },
      cellHeading(g.cell, note, g.source !== undefined),
      g.items.length ? null : silenceNote(`${silenceLine(g.cell, view, report.flags)} (under either release)`),
      g.source !== undefined ? cellSource(g.source, g.items, renderer) : sourceless(g.items, renderer),
    );
  });
  const present = KIND_ORDER.filter((k) => items.some((d) => d.kind === k));
  return root(
    h(
      "div",
      { style: STYLE.heading },
      "Escape and inlining decisions: ",
      h("span", { style: `font-family:${FONT_MONO}` }, releases[0]),
      " vs ",
      h("span", { style: `font-family:${FONT_MONO}` }, releases[1]),
    ),
    ...sections,
    legend(present),
    h("div", { style: "margin-top:6px;font-weight:600" }, comparisonSummary(items, releases)),
    footer(report),
  );
}
