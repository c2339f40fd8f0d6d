// The one annotated-source view: a cell's own source, numbered as the notebook numbers it, with
// marks on its lines. Every magic that says something about source lines (%escape, %bce, %inline,
// %asm, %profile) shows it through here, so they look alike and read alike.
//
// API (small on purpose):
//   BadgeKind / BadgeKinds   a magic's table of badge kinds: word, colours, meaning, line tint.
//                            The table's key order is the order of badges beside a line and in the legend.
//   Mark                     {cell, line, col?, kind, text, badge?, details?, side?}: one thing said
//                            about a line; it gets a badge beside the line and a row under it.
//   Panel                    {cell, line, text, summary?, color?, html?}: a block under a line
//                            (the assembly of that line, an explanation); folded when `summary` is set.
//   AnnotatedCell            {cell, source?, marks, panels?, note?, silence?}: one cell to show.
//   annotatedHtml(cells, view)  the cells as self-contained HTML sections (heading, silence, source).
//   annotatedText(cells, view)  the same as text/plain lines: `cell[N]:L:C: text`, details indented.
//   legend(kinds, present)      the badges present, with their meanings.
//   groupByCell(cells, marks)   cells in order with their marks (marks for cells without source kept).
//   layoutLines(count, marked)  which lines show and which fold (quiet stretches of long cells).
//   position(mark)              `cell[N]:LINE[:COL]`.
// Comparisons of two releases are marks with side "before" (only in releases[0]) or "after" (only
// in releases[1]); unmarked sides are both: the view badges "differs" and shows both columns.
//
// Pure and browser-safe: it imports only html.ts (and through it the Go tokenizer).

import { COLOR, FONT_MONO, STYLE, fragment, h, highlightGoLines, pill, raw, type Html } from "./html.js";

export interface BadgeKind {
  /** The badge's word. */
  badge: string;
  /** Fill and text colours (the text colour is the badge's own, so it reads on any page). */
  bg: string;
  fg: string;
  /** What the badge means, for the legend and tooltips. */
  meaning: string;
  /** The line's background when a mark of this kind is on it; the lowest `rank` wins. */
  tint?: string;
  rank?: number;
}

export type BadgeKinds = Readonly<Record<string, BadgeKind>>;

export interface Mark {
  cell: number;
  /** A package file's name instead of a cell (%escape --pkg): positions read FILE:L:C. */
  file?: string;
  line: number;
  col?: number;
  /** A key of the view's BadgeKinds. */
  kind: string;
  /** The words under the line (the toolchain's own words, where it has any). */
  text: string;
  /** The badge's word when it is not the kind's (e.g. "cost 57"); badges group by kind and word. */
  badge?: string;
  /** Lines folded under the row in a <details> (text: indented under it). */
  details?: readonly string[];
  /** The details' summary word; "why" unless set. */
  detailsLabel?: string;
  /** In a comparison: said only by releases[0] ("before") or only by releases[1] ("after"). */
  side?: "before" | "after";
}

export interface Panel {
  cell: number;
  line: number;
  /** The panel's content as text (also the text/plain form). */
  text: string;
  /** When set, the panel is folded behind this summary (a long listing stays one line until opened). */
  summary?: string;
  open?: boolean;
  /** A colour tying the panel to its line (the line number takes it too). */
  color?: string;
  /** Richer markup for the HTML; `text` is used when absent. */
  html?: Html;
}

export interface AnnotatedCell {
  cell: number;
  /** A package file shown instead of a cell (%escape --pkg): its name replaces cell[N]. */
  file?: string;
  /** The cell as the reader wrote it; absent when the report does not carry it. */
  source?: string;
  marks: readonly Mark[];
  panels?: readonly Panel[];
  /** Beside the heading (a summary of the cell's marks). */
  note?: string;
  /** What no mark means for this cell ("the compiler kept no bounds checks"), shown when it has none. */
  silence?: string;
}

export interface AnnotatedView {
  kinds: BadgeKinds;
  /** "N lines without <quiet>" on a folded stretch; "decisions" unless set. */
  quiet?: string;
  /** The two releases a comparison is between. */
  releases?: readonly [string, string];
  /** Badges a magic adds beside a line, before the kinds' badges. */
  extraBadges?(marks: readonly Mark[]): Html[];
}

// ---- positions and grouping ------------------------------------------------------------------

/** Where a mark or a cell is: `cell[N]`, or a package file's name. */
export function place(x: { cell: number; file?: string }): string {
  return x.file ?? `cell[${x.cell}]`;
}

export function position(m: { cell: number; file?: string; line: number; col?: number }): string {
  return m.col ? `${place(m)}:${m.line}:${m.col}` : `${place(m)}:${m.line}`;
}

/** By cell, line and column (stable: the toolchain's order on ties). */
export function byMarkPosition(a: { cell: number; line: number; col?: number }, b: { cell: number; line: number; col?: number }): number {
  return a.cell - b.cell || a.line - b.line || (a.col ?? 0) - (b.col ?? 0);
}

export interface CellGroup<T> {
  cell: number;
  file?: string;
  source?: string;
  items: T[];
}

/**
 * The cells to show, in order, each with its items: every given cell, and any cell an item names
 * that has no source here (nothing said is dropped). With `onlyMarked`, cells without items are
 * left out unless no cell has any: then the silence is the answer, for each cell.
 */
export function groupByCell<T extends { cell: number; file?: string }>(
  cells: readonly { cell: number; file?: string; source?: string }[],
  items: readonly T[],
  onlyMarked = false,
): CellGroup<T>[] {
  const groups = new Map<string, CellGroup<T>>();
  for (const c of cells) if (!groups.has(place(c))) groups.set(place(c), { cell: c.cell, file: c.file, source: c.source, items: [] });
  for (const it of items) {
    let g = groups.get(place(it));
    if (!g) groups.set(place(it), (g = { cell: it.cell, file: it.file, items: [] }));
    g.items.push(it);
  }
  // Cells in execution order, then package files by name.
  let list = [...groups.values()].sort((a, b) => (a.file ?? "").localeCompare(b.file ?? "") || a.cell - b.cell);
  if (onlyMarked && list.some((g) => g.items.length)) list = list.filter((g) => g.items.length);
  return list;
}

// ---- text -----------------------------------------------------------------------------------

function sidePrefix(m: Mark, view: AnnotatedView): string {
  if (!view.releases) return "";
  if (m.side === "before") return `- ${view.releases[0]} `;
  if (m.side === "after") return `+ ${view.releases[1]} `;
  return "  ";
}

/**
 * Each cell's silence (when it has no marks) or its marks, `cell[N]:L:C: text`, each mark's
 * details indented under it, then its panels' text under the line they belong to.
 */
export function annotatedText(cells: readonly AnnotatedCell[], view: AnnotatedView): string[] {
  const out: string[] = [];
  for (const c of cells) {
    if (c.marks.length === 0 && !c.panels?.length && c.silence) out.push(`${place(c)}: ${c.silence}`);
    const panels = [...(c.panels ?? [])];
    for (const m of c.marks) {
      // Panels of earlier lines come before this line's marks.
      while (panels.length && panels[0].line < m.line) out.push(...panelText(panels.shift()!));
      const prefix = sidePrefix(m, view);
      out.push(`${prefix}${position(m)}: ${m.text}`);
      for (const l of m.details ?? []) out.push(`${" ".repeat(prefix.length)}    ${l}`);
    }
    for (const p of panels) out.push(...panelText(p));
  }
  return out;
}

function panelText(p: Panel): string[] {
  return [`${position(p)}:`, ...p.text.split("\n").map((l) => `    ${l}`)];
}

// ---- folding --------------------------------------------------------------------------------

/** Cells longer than this fold their long runs of quiet lines. */
const FOLD_CELLS_OVER = 40;
/** A run is folded when more than this many lines would be hidden. */
const FOLD_MIN = 8;
/** Lines kept visible next to a marked line when the rest of a run folds. */
const CONTEXT = 2;

/** How a cell's lines are laid out: which are shown and which are folded away. */
export type Segment = { line: number } | { from: number; to: number };

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

// ---- HTML: lines ----------------------------------------------------------------------------

const NEUTRAL_TINT = "rgba(128,128,128,0.10)";
const BEFORE_BG = "rgba(217,72,15,0.14)";
const AFTER_BG = "rgba(43,138,62,0.16)";
const TAB_SIZE = 4;

interface CellLayout {
  /** Width of the line-number text, in characters. */
  gutter: number;
  /** Left offset of code (and of the rows under it). */
  indent: string;
}

// The gutter is a multiple of the tab size: tab stops count from the start of the line, number
// included, so this keeps a leading tab as wide as in the editor.
function layoutFor(lineCount: number): CellLayout {
  const digits = Math.max(2, String(lineCount).length);
  const gutter = Math.ceil((digits + 3) / TAB_SIZE) * TAB_SIZE;
  return { gutter, indent: `${gutter}ch` };
}

/** "  12  ": the number right-aligned, then two spaces; the box keeps white-space. */
function lineNumber(layout: CellLayout, text: string | number, color?: string): Html {
  const style = color ? `${STYLE.lineNo};color:${color};font-weight:700` : STYLE.lineNo;
  return h("span", { style }, `${String(text).padStart(layout.gutter - 2)}  `);
}

function interleave(items: Html[], sep: string): (Html | string)[] {
  return items.flatMap((it, i) => (i ? [sep, it] : [it]));
}

function kindOf(view: AnnotatedView, kind: string): BadgeKind {
  return view.kinds[kind] ?? { badge: kind, bg: "#e9ecef", fg: "#495057", meaning: kind };
}

export function badge(kind: BadgeKind, count = 1, word = kind.badge): Html {
  return pill(count > 1 ? `${word} ×${count}` : word, kind.bg, kind.fg, kind.meaning);
}

function lineTint(view: AnnotatedView, marks: readonly Mark[]): string {
  let best: string | undefined;
  let rank = Infinity;
  for (const m of marks) {
    const k = view.kinds[m.kind];
    if (k?.tint !== undefined && (k.rank ?? 0) < rank) [rank, best] = [k.rank ?? 0, k.tint];
  }
  return best ?? NEUTRAL_TINT;
}

/** The badges beside a line: one per kind and word, counted, in the kinds table's order. */
function lineBadges(view: AnnotatedView, marks: readonly Mark[]): Html[] {
  const counts = new Map<string, { kind: string; word: string; n: number }>();
  for (const m of marks) {
    const word = m.badge ?? kindOf(view, m.kind).badge;
    const key = `${m.kind}\u0000${word}`;
    const c = counts.get(key);
    if (c) c.n++;
    else counts.set(key, { kind: m.kind, word, n: 1 });
  }
  const order = Object.keys(view.kinds);
  const rank = (k: string) => (order.indexOf(k) < 0 ? order.length : order.indexOf(k));
  return [...counts.values()].sort((a, b) => rank(a.kind) - rank(b.kind)).map((c) => badge(kindOf(view, c.kind), c.n, c.word));
}

function codeLine(layout: CellLayout, line: number, code: string, view: AnnotatedView, marks: readonly Mark[], color?: string): Html {
  // Beside the line: what the newer release says; the columns under it show both.
  const shown = view.releases ? marks.filter((m) => m.side !== "before") : marks;
  const extra = [...(view.extraBadges?.(marks) ?? [])];
  if (view.releases && marks.some((m) => m.side))
    extra.push(pill("differs", "#b26a00", "#ffffff", `${view.releases[0]} and ${view.releases[1]} disagree on this line`));
  const badges = lineBadges(view, shown);
  return h(
    "div",
    shown.length ? { style: `background:${lineTint(view, shown)}` } : null,
    lineNumber(layout, line, color),
    raw(code),
    badges.length || extra.length ? h("span", { style: "margin-left:14px" }, ...interleave([...extra, ...badges], " ")) : null,
  );
}

/** One mark under its line: `:col` then its words; its details fold under it. */
function markRow(indent: string, m: Mark, view: AnnotatedView, sign?: { sign: string; bg: string }): Html {
  const k = kindOf(view, m.kind);
  const rowStyle =
    `margin-left:${indent};padding:0 8px 0 6px;border-left:3px solid ${k.bg};white-space:pre-wrap;word-break:break-word` +
    (sign ? `;background:${sign.bg}` : "");
  const details = m.details ?? [];
  return fragment(
    h(
      "div",
      { style: rowStyle, title: k.meaning },
      sign ? h("span", { style: "font-weight:700" }, `${sign.sign} `) : null,
      h("span", { style: STYLE.muted }, m.col ? `:${m.col} ` : ""),
      m.text,
    ),
    details.length
      ? h(
          "details",
          { style: `${STYLE.details};margin-left:${indent};padding-left:9px` },
          h("summary", { style: STYLE.summary }, m.detailsLabel ?? "why"),
          h("pre", { style: STYLE.pre }, details.join("\n")),
        )
      : null,
  );
}

/** The rows under a line: its marks, or, where two releases disagree on it, both side by side. */
function belowLine(layout: CellLayout, marks: readonly Mark[], view: AnnotatedView): Html[] {
  const releases = view.releases;
  if (!releases || marks.every((m) => !m.side)) return marks.map((m) => markRow(layout.indent, m, view));
  const column = (title: string, ms: readonly Mark[], side: "before" | "after") => {
    const rows = ms.map((m) =>
      m.side ? markRow("0px", m, view, side === "before" ? { sign: "−", bg: BEFORE_BG } : { sign: "+", bg: AFTER_BG }) : markRow("0px", m, view),
    );
    return h(
      "div",
      { style: "flex:1 1 0;min-width:0" },
      h("div", { style: `${STYLE.small};font-weight:600;font-family:${FONT_MONO};padding:1px 6px` }, title),
      ...(rows.length ? rows : [h("div", { style: `${STYLE.small};${STYLE.muted};padding-left:9px` }, "(nothing reported)")]),
    );
  };
  return [
    h(
      "div",
      { style: `display:flex;gap:12px;margin:2px 0 4px ${layout.indent};padding-right:8px` },
      column(releases[0], marks.filter((m) => m.side !== "after"), "before"),
      column(releases[1], marks.filter((m) => m.side !== "before"), "after"),
    ),
  ];
}

function panelBlock(layout: CellLayout, p: Panel): Html {
  const border = p.color ?? "rgba(128,128,128,0.5)";
  const body = h("pre", { style: `${STYLE.pre};border-left-color:${border}` }, p.html ?? p.text);
  if (p.summary === undefined) return h("div", { style: `margin-left:${layout.indent}` }, body);
  return h(
    "details",
    { style: `${STYLE.details};margin-left:${layout.indent}`, open: Boolean(p.open) },
    h("summary", { style: STYLE.summary }, p.summary),
    body,
  );
}

function foldBlock(from: number, to: number, quiet: string, inner: Html[]): Html {
  const n = to - from + 1;
  return h(
    "details",
    { style: STYLE.details },
    h("summary", { style: `${STYLE.summary};padding-left:8px;font-family:${FONT_MONO}` }, `${n} lines without ${quiet} (lines ${from}–${to})`),
    ...inner,
  );
}

function byLineOf<T extends { line: number }>(items: readonly T[]): Map<number, T[]> {
  const byLine = new Map<number, T[]>();
  for (const it of items) {
    const list = byLine.get(it.line);
    if (list) list.push(it);
    else byLine.set(it.line, [it]);
  }
  return byLine;
}

/** A cell's source with line numbers, highlighted, folded when long, each line's marks and panels under it. */
export function sourceView(source: string, marks: readonly Mark[], panels: readonly Panel[], view: AnnotatedView): Html {
  const lines = highlightGoLines(source);
  const layout = layoutFor(lines.length);
  const marksAt = byLineOf(marks);
  const panelsAt = byLineOf(panels);
  const below = (k: number): Html[] => {
    const here = marksAt.get(k) ?? [];
    return [...(here.length ? belowLine(layout, here, view) : []), ...(panelsAt.get(k) ?? []).map((p) => panelBlock(layout, p))];
  };
  const renderLine = (k: number): Html[] => [codeLine(layout, k, lines[k - 1], view, marksAt.get(k) ?? [], panelsAt.get(k)?.[0]?.color), ...below(k)];
  const body: Html[] = [];
  const marked = (k: number) => marksAt.has(k) || panelsAt.has(k);
  for (const seg of layoutLines(lines.length, marked)) {
    if ("line" in seg) body.push(...renderLine(seg.line));
    else {
      const inner: Html[] = [];
      for (let k = seg.from; k <= seg.to; k++) inner.push(...renderLine(k));
      body.push(foldBlock(seg.from, seg.to, view.quiet ?? "decisions", inner));
    }
  }
  // Marks at lines the source does not have (line 0, or past its end) still reach the reader.
  const outside = [...new Set([...marksAt.keys(), ...panelsAt.keys()])].filter((k) => k < 1 || k > lines.length).sort((a, b) => a - b);
  for (const k of outside) {
    body.push(h("div", { style: STYLE.muted }, lineNumber(layout, k), `(line ${k} is not in the cell's source)`));
    body.push(...below(k));
  }
  return h("div", { style: STYLE.codeBox }, ...body);
}

/** For a cell whose source the report does not carry: its marks and panels, by line. */
function sourceless(marks: readonly Mark[], panels: readonly Panel[], view: AnnotatedView): Html {
  const all = [...marks, ...panels];
  const layout = layoutFor(Math.max(...all.map((d) => d.line), 1));
  const lines = [...new Set(all.map((d) => d.line))];
  const body = lines.flatMap((k) => {
    const here = marks.filter((d) => d.line === k);
    return [
      h("div", { style: STYLE.muted }, lineNumber(layout, k), "(source not in this report)"),
      ...(here.length ? belowLine(layout, here, view) : []),
      ...panels.filter((p) => p.line === k).map((p) => panelBlock(layout, p)),
    ];
  });
  return h("div", { style: STYLE.codeBox }, ...body);
}

// ---- HTML: cells ----------------------------------------------------------------------------

function cellHeading(where: string, note: string, hasSource: boolean): Html {
  return h(
    "div",
    { style: STYLE.heading },
    h("span", { style: `font-family:${FONT_MONO}` }, where),
    h("span", { style: `${STYLE.muted};font-weight:400;margin-left:8px;font-size:12px` }, hasSource ? note : `${note} (source not in this report)`),
  );
}

function silenceNote(text: string): Html {
  return h("div", { style: `color:${COLOR.good};margin:2px 0 4px 0` }, text.charAt(0).toUpperCase() + text.slice(1));
}

/** Each cell as a section: heading and note, the silence when nothing is marked, the annotated source. */
export function annotatedHtml(cells: readonly AnnotatedCell[], view: AnnotatedView): Html[] {
  return cells.map((c) => {
    const panels = c.panels ?? [];
    const quiet = c.marks.length === 0 && panels.length === 0;
    return h(
      "div",
      { style: "margin-bottom:10px" },
      cellHeading(place(c), c.note ?? "", c.source !== undefined),
      quiet && c.silence ? silenceNote(c.silence) : null,
      c.source !== undefined ? sourceView(c.source, c.marks, panels, view) : sourceless(c.marks, panels, view),
    );
  });
}

/** The badges of the kinds present (in the table's order), each with its meaning. */
export function legend(kinds: BadgeKinds, present: Iterable<string>): Html | null {
  const here = new Set(present);
  const shown = Object.keys(kinds).filter((k) => here.has(k));
  if (shown.length === 0) return null;
  return h(
    "div",
    { style: `${STYLE.small};margin-top:6px` },
    ...interleave(
      shown.map((k) => fragment(badge(kinds[k]), " ", h("span", { style: STYLE.muted }, kinds[k].meaning))),
      "   ",
    ),
  );
}
