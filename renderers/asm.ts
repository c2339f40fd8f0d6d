// %asm's report → MIME bundle. Text: each function's listing in the compiler's order, the cell
// line printed above each run of instructions from it (as objdump -S does). HTML: the cell's
// source through the one annotated-source view, each line's instructions in a panel under it,
// line and panel tied by colour; long panels fold (a huge function stays one line per source
// line until opened). Two releases: per-function instruction counts, and the listings side by side.

import type { MimeBundle } from "../kernel/protocol.js";
import { ASM_MIME, type AsmBuild, type AsmFunction, type AsmInstruction, type AsmReport } from "../kernel/reports/asm.js";
import { annotatedHtml, groupByCell, legend, type BadgeKinds, type Mark, type Panel } from "./annotated.js";
import { COLOR, FONT_MONO, STYLE, escapeHtml, h, raw, root, type Html } from "./html.js";

export const ASM_KINDS: BadgeKinds = {
  func: { badge: "asm", bg: "#1971c2", fg: "#ffffff", meaning: "a function's generated code: its instruction count" },
  inlined: { badge: "inlined", bg: "#d0ebff", fg: "#0b4f8a", meaning: "this line's code also runs inlined inside another function" },
};

/** Colours tying a source line to its instructions; readable on light and dark pages. */
const PALETTE = ["#1971c2", "#2b8a3e", "#d9480f", "#7048e8", "#0c8599", "#c2255c", "#b26a00", "#5c940d"];
/** A line's panel folds when it holds more instructions than this. */
const FOLD_OVER = 12;

export function renderAsm(report: AsmReport): MimeBundle {
  const text = report.builds.length === 2 ? comparisonText(report) : buildText(report.builds[0], report);
  const html = report.builds.length === 2 ? comparisonHtml(report) : buildHtml(report.builds[0], report);
  return { "text/plain": text, "text/html": String(html), [ASM_MIME]: report };
}

function footerText(report: AsmReport, b: AsmBuild): string {
  return `${b.go_version} ${b.goarch} · go build -gcflags='${report.flags.join(" ")}'`;
}

function headline(f: AsmFunction): string {
  return `${f.name}  cell[${f.cell}]:${f.line}  ${f.count} instructions, ${f.size} bytes`;
}

// ---- text -----------------------------------------------------------------------------------

/** One function as the compiler lists it, each run of instructions under the source line it came from. */
export function listingText(f: AsmFunction, sources: ReadonlyMap<number, string[]>): string[] {
  const out = [headline(f)];
  let last = "";
  for (const i of f.instructions) {
    if (i.pos !== last) {
      last = i.pos;
      const src = i.cell !== undefined ? sources.get(i.cell)?.[i.line! - 1]?.trim() : undefined;
      const where = i.cell !== undefined ? `cell[${i.cell}]:${i.line}` : i.pos;
      out.push(`  ${where}${src !== undefined ? `  ${src}` : ""}${i.inlined ? `  (inlined from ${i.inlined})` : ""}`);
    }
    out.push(`    ${hex(i.pc)}  ${i.text}`);
  }
  return out;
}

function hex(pc: number): string {
  return `0x${pc.toString(16).padStart(4, "0")}`;
}

function sourcesOf(report: AsmReport): Map<number, string[]> {
  return new Map(report.cells.map((c) => [c.cell, c.source.split("\n")]));
}

function buildText(b: AsmBuild, report: AsmReport): string {
  const sources = sourcesOf(report);
  const lines = b.functions.length ? b.functions.flatMap((f) => [...listingText(f, sources), ""]) : ["no functions with code in these cells", ""];
  lines.push(footerText(report, b));
  return lines.join("\n");
}

export interface CountRow {
  name: string;
  counts: (number | undefined)[];
}

/** Per function, its instruction count under each build (undefined: no code there). */
export function countRows(builds: readonly AsmBuild[]): CountRow[] {
  const names = [...new Set(builds.flatMap((b) => b.functions.map((f) => f.name)))];
  return names.map((name) => ({ name, counts: builds.map((b) => b.functions.find((f) => f.name === name)?.count) }));
}

function delta(r: CountRow): string {
  const [a, b] = r.counts;
  if (a === undefined || b === undefined) return "";
  return b === a ? "=" : `${b > a ? "+" : ""}${b - a}`;
}

/** A build's column label: what differs between the two (release, architecture, or both). */
function label(b: AsmBuild, other: AsmBuild): string {
  if (b.go_version === other.go_version) return b.goarch;
  if (b.goarch === other.goarch) return b.go_version;
  return `${b.go_version} ${b.goarch}`;
}

function comparisonText(report: AsmReport): string {
  const [a, b] = report.builds;
  const rows = countRows(report.builds);
  const w = Math.max(8, ...rows.map((r) => r.name.length));
  const [la, lb] = [label(a, b), label(b, a)];
  const cw = Math.max(10, la.length, lb.length);
  const out = [
    `instructions per function: ${a.go_version} ${a.goarch} vs ${b.go_version} ${b.goarch}`,
    `${"function".padEnd(w)}  ${la.padStart(cw)}  ${lb.padStart(cw)}  delta`,
    ...rows.map((r) => `${r.name.padEnd(w)}  ${String(r.counts[0] ?? "—").padStart(cw)}  ${String(r.counts[1] ?? "—").padStart(cw)}  ${delta(r)}`),
    "",
  ];
  const sources = sourcesOf(report);
  for (const build of report.builds) {
    out.push(`---- ${build.go_version} ${build.goarch}`);
    for (const f of build.functions) out.push(...listingText(f, sources), "");
  }
  out.push(`go build -gcflags='${report.flags.join(" ")}'`);
  return out.join("\n");
}

// ---- HTML -----------------------------------------------------------------------------------

function instructionHtml(i: AsmInstruction, label?: string): string {
  const [op, ...rest] = i.text.split("\t");
  const style = i.pseudo ? `color:${COLOR.muted}` : "";
  const opHtml = `<span style="font-weight:600${style ? `;${style}` : ""}">${escapeHtml(op)}</span>`;
  const args = rest.length ? `<span${style ? ` style="${style}"` : ""}>\t${escapeHtml(rest.join("\t"))}</span>` : "";
  const pc = `<span style="color:${COLOR.muted}">${hex(i.pc)}  </span>`;
  const from = label ? `<span style="color:${COLOR.accent};font-style:italic">  ← ${escapeHtml(label)}</span>` : "";
  return pc + opHtml + args + from;
}

interface LineCode {
  cell: number;
  line: number;
  /** Per function, in the order functions appear: its instructions at this line. */
  parts: { fn: AsmFunction; instructions: AsmInstruction[] }[];
}

/** Instructions grouped by the cell line they came from, and those from no cell line per function. */
function byLine(functions: readonly AsmFunction[]): { lines: LineCode[]; elsewhere: Map<AsmFunction, AsmInstruction[]> } {
  const lines = new Map<string, LineCode>();
  const elsewhere = new Map<AsmFunction, AsmInstruction[]>();
  for (const fn of functions) {
    for (const i of fn.instructions) {
      if (i.cell === undefined) {
        elsewhere.set(fn, [...(elsewhere.get(fn) ?? []), i]);
        continue;
      }
      const key = `${i.cell}:${i.line}`;
      let lc = lines.get(key);
      if (!lc) lines.set(key, (lc = { cell: i.cell, line: i.line!, parts: [] }));
      let part = lc.parts.find((p) => p.fn === fn);
      if (!part) lc.parts.push((part = { fn, instructions: [] }));
      part.instructions.push(i);
    }
  }
  return { lines: [...lines.values()], elsewhere };
}

function panelFor(cell: number, line: number, parts: LineCode["parts"], color: string, note?: string): Panel {
  const several = parts.length > 1;
  const textLines: string[] = [];
  const htmlLines: string[] = [];
  if (note) {
    textLines.push(note);
    htmlLines.push(`<span style="color:${COLOR.muted}">${escapeHtml(note)}</span>`);
  }
  for (const p of parts) {
    const inlined = p.instructions.find((i) => i.inlined)?.inlined;
    const head = several || inlined ? `${p.fn.name}${inlined ? ` (inlined ${inlined})` : ""}:` : undefined;
    if (head) {
      textLines.push(head);
      htmlLines.push(`<span style="color:${COLOR.accent};font-weight:600">${escapeHtml(head)}</span>`);
    }
    for (const i of p.instructions) {
      textLines.push(`${hex(i.pc)}  ${i.text}`);
      htmlLines.push(instructionHtml(i, !head && i.inlined ? `inlined ${i.inlined}` : undefined));
    }
  }
  const n = parts.reduce((s, p) => s + p.instructions.filter((i) => !i.pseudo).length, 0);
  return {
    cell,
    line,
    text: textLines.join("\n"),
    html: raw(htmlLines.join("\n")),
    color,
    ...(n > FOLD_OVER ? { summary: `${n} instructions${several ? ` in ${parts.map((p) => p.fn.name).join(", ")}` : ""}` } : {}),
  };
}

function buildHtml(b: AsmBuild, report: AsmReport): Html {
  const { lines, elsewhere } = byLine(b.functions);
  lines.sort((x, y) => x.cell - y.cell || x.line - y.line);
  const panels: Panel[] = lines.map((lc, k) => panelFor(lc.cell, lc.line, lc.parts, PALETTE[k % PALETTE.length]));
  for (const [fn, ins] of elsewhere) {
    panels.push(panelFor(fn.cell!, fn.line!, [{ fn, instructions: ins }], COLOR.muted, "not from a cell line (the standard library's code inlined, or no line):"));
  }
  const marks: Mark[] = b.functions.map((f) => ({
    cell: f.cell!,
    line: f.line!,
    kind: "func",
    badge: `${f.count} instr`,
    text: `${f.name}: ${f.count} instructions, ${f.size} bytes`,
  }));
  // A line whose code also runs inside other functions (inlined there) says where.
  for (const lc of lines) {
    const into = lc.parts.filter((p) => p.instructions.some((i) => i.inlined)).map((p) => p.fn.name);
    if (into.length) marks.push({ cell: lc.cell, line: lc.line, kind: "inlined", badge: `inlined into ${into.join(", ")}`, text: `also inlined into ${into.join(", ")}` });
  }
  marks.sort((x, y) => x.cell - y.cell || x.line - y.line);
  const cells = groupByCell(report.cells, [...marks, ...panels], report.func !== undefined).map((g) => ({
    cell: g.cell,
    source: g.source,
    marks: g.items.filter((x): x is Mark => "kind" in x),
    panels: g.items.filter((x): x is Panel => !("kind" in x)).sort((x, y) => x.line - y.line),
    silence: "no generated code from this cell (no functions, or only declarations).",
  }));
  return root(
    ...annotatedHtml(cells, { kinds: ASM_KINDS, quiet: "code" }),
    legend(ASM_KINDS, marks.map((m) => m.kind)),
    h("div", { style: "margin-top:6px;font-weight:600" }, `${b.functions.length} function${b.functions.length === 1 ? "" : "s"}, ${b.functions.reduce((s, f) => s + f.count, 0)} instructions`),
    h("div", { style: STYLE.footer }, footerText(report, b)),
  );
}

function comparisonHtml(report: AsmReport): Html {
  const [a, b] = report.builds;
  const rows = countRows(report.builds);
  const sources = sourcesOf(report);
  const table = h(
    "table",
    { style: STYLE.table },
    h("tr", { style: STYLE.tr }, ...["function", label(a, b), label(b, a), "delta"].map((t) => h("th", { style: STYLE.th }, t))),
    ...rows.map((r) =>
      h(
        "tr",
        { style: STYLE.tr },
        h("td", { style: `${STYLE.td};font-family:${FONT_MONO}` }, r.name),
        ...r.counts.map((c) => h("td", { style: `${STYLE.td};${STYLE.num}` }, c === undefined ? "—" : String(c))),
        h("td", { style: `${STYLE.td};${STYLE.num};font-weight:600` }, delta(r)),
      ),
    ),
  );
  const column = (build: AsmBuild, name: string) => {
    const f = build.functions.find((x) => x.name === name);
    return h(
      "div",
      { style: "flex:1 1 0;min-width:0" },
      h("div", { style: `${STYLE.small};font-weight:600;font-family:${FONT_MONO};padding:1px 6px` }, `${build.go_version} ${build.goarch}`),
      h("pre", { style: STYLE.pre }, f ? listingText(f, sources).slice(1).join("\n") : "(no code)"),
    );
  };
  const listings = rows.map((r) =>
    h(
      "details",
      // One function (--func): its listings open; several: each folded to its counts.
      { style: STYLE.details, open: rows.length === 1 },
      h("summary", { style: `${STYLE.summary};font-family:${FONT_MONO}` }, `${r.name}: ${r.counts.map((c) => c ?? "—").join(" vs ")} instructions`),
      h("div", { style: "display:flex;gap:12px" }, column(a, r.name), column(b, r.name)),
    ),
  );
  return root(
    h("div", { style: STYLE.heading }, `Instructions per function: ${a.go_version} ${a.goarch} vs ${b.go_version} ${b.goarch}`),
    table,
    ...listings,
    h("div", { style: STYLE.footer }, `go build -gcflags='${report.flags.join(" ")}'`),
  );
}
