// %layout's report → MIME bundle: per struct a table (offset, size, alignment, padding, pointer
// bytes) and a byte map (self-contained SVG: one cell per byte, fields coloured, padding hatched
// grey, the GC-scanned prefix underlined), then the optimal order when it is smaller.

import type { MimeBundle } from "../kernel/protocol.js";
import { LAYOUT_MIME, type LayoutReport, type LayoutType } from "../kernel/reports/layout.js";
import { COLOR, FONT_MONO, FONT_SANS, STYLE, h, root, type Html } from "./html.js";
import { s } from "./svg.js";

const FIELD_COLORS = ["#4dabf7", "#69db7c", "#ffa94d", "#b197fc", "#63e6be", "#f783ac", "#ffd43b", "#a9e34b"];
const PAD_COLOR = "rgba(128,128,128,0.25)";
/** Bytes per row of the byte map: a cache line's eighth on 64-bit, so rows are words. */
const ROW = 16;
const CELL = 18;

export function renderLayout(report: LayoutReport): MimeBundle {
  return {
    "text/plain": layoutText(report),
    "text/html": String(root(...report.types.map((t) => typeHtml(t)), h("div", { style: STYLE.footer }, `${report.go_version} ${report.goarch} · go/types gc sizes`))),
    [LAYOUT_MIME]: report,
  };
}

function verdict(t: LayoutType): string {
  const same = t.optimal.order.every((n, i) => n === t.fields[i].name);
  if (same || (t.optimal.size >= t.size && t.optimal.ptrdata >= t.ptrdata)) return "the field order is optimal";
  const parts = [];
  if (t.optimal.size < t.size) parts.push(`${t.size} → ${t.optimal.size} bytes`);
  if (t.optimal.ptrdata < t.ptrdata) parts.push(`pointer bytes ${t.ptrdata} → ${t.optimal.ptrdata}`);
  return `reorder to {${t.optimal.order.join(", ")}}: ${parts.join(", ")}`;
}

export function typeText(t: LayoutType): string[] {
  const head = `type ${t.name}: size ${t.size}, align ${t.align}, padding ${t.padding}, pointer bytes ${t.ptrdata}`;
  const rows = t.fields.map((f) => [f.name, f.type, String(f.offset), String(f.size), String(f.align), f.padding ? String(f.padding) : "", f.ptrdata ? String(f.ptrdata) : ""]);
  const cols = ["field", "type", "offset", "size", "align", "pad after", "ptr bytes"];
  const w = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => "  " + r.map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join("  ").trimEnd();
  return [head, line(cols), ...rows.map(line), `  ${verdict(t)}`];
}

function layoutText(report: LayoutReport): string {
  return [...report.types.flatMap((t) => [...typeText(t), ""]), `${report.go_version} ${report.goarch} · go/types gc sizes`].join("\n");
}

function typeHtml(t: LayoutType): Html {
  const td = (x: string | number, extra = "") => h("td", { style: `${STYLE.td}${extra}` }, String(x));
  const table = h(
    "table",
    { style: STYLE.table },
    h("tr", { style: STYLE.tr }, ...["", "field", "type", "offset", "size", "align", "pad after", "ptr bytes"].map((c) => h("th", { style: STYLE.th }, c))),
    ...t.fields.map((f, i) =>
      h(
        "tr",
        { style: STYLE.tr },
        h("td", { style: STYLE.td }, h("span", { style: `display:inline-block;width:10px;height:10px;border-radius:2px;background:${FIELD_COLORS[i % FIELD_COLORS.length]}` })),
        td(f.name, `;font-family:${FONT_MONO}`),
        td(f.type, `;font-family:${FONT_MONO}`),
        td(f.offset, `;${STYLE.num}`),
        td(f.size, `;${STYLE.num}`),
        td(f.align, `;${STYLE.num}`),
        td(f.padding || "", `;${STYLE.num};color:${f.padding ? COLOR.bad : "inherit"};font-weight:${f.padding ? 600 : 400}`),
        td(f.ptrdata || "", `;${STYLE.num}`),
      ),
    ),
  );
  const better = t.optimal.size < t.size || t.optimal.ptrdata < t.ptrdata;
  return h(
    "div",
    { style: "margin-bottom:12px" },
    h(
      "div",
      { style: STYLE.heading },
      h("span", { style: `font-family:${FONT_MONO}` }, `type ${t.name}`),
      h("span", { style: `${STYLE.muted};font-weight:400;margin-left:8px;font-size:12px` }, `size ${t.size} · align ${t.align} · padding ${t.padding} · pointer bytes ${t.ptrdata}`),
    ),
    table,
    byteMap(t),
    h("div", { style: `color:${better ? COLOR.warn : COLOR.good};font-weight:600;margin-top:2px` }, verdict(t)),
  );
}

/** One square per byte, ROW bytes a row; padding grey; the pointer-bearing prefix underlined. */
export function byteMap(t: LayoutType): Html {
  const size = Math.max(t.size, 1);
  const rows = Math.ceil(size / ROW);
  const width = ROW * CELL + 44;
  const height = rows * (CELL + 6) + 4;
  const owner = new Array<number>(size).fill(-1);
  t.fields.forEach((f, i) => {
    for (let b = f.offset; b < f.offset + f.size && b < size; b++) owner[b] = i;
  });
  const cells: Html[] = [];
  for (let b = 0; b < t.size; b++) {
    const x = 40 + (b % ROW) * CELL;
    const y = Math.floor(b / ROW) * (CELL + 6) + 2;
    const i = owner[b];
    const f = i >= 0 ? t.fields[i] : undefined;
    const title = f ? `${f.name} ${f.type}: byte ${b - f.offset} of ${f.size} (offset ${b})` : `padding (offset ${b})`;
    cells.push(
      s("rect", { x, y, width: CELL - 2, height: CELL - 2, rx: 2, fill: f ? FIELD_COLORS[i % FIELD_COLORS.length] : PAD_COLOR, stroke: f ? "none" : "currentColor", "stroke-opacity": 0.35, "stroke-dasharray": f ? undefined : "2 2" }, s("title", null, title)),
    );
    if (f && b === f.offset) cells.push(s("text", { x: x + 2, y: y + 12, "font-size": 9, fill: "#1a1a1a", "font-family": FONT_SANS }, f.name.slice(0, 2)));
    if (b < t.ptrdata) cells.push(s("rect", { x, y: y + CELL - 1, width: CELL - 2, height: 2, fill: COLOR.bad }));
  }
  for (let r = 0; r < rows; r++) {
    cells.push(s("text", { x: 0, y: r * (CELL + 6) + 14, "font-size": 10, fill: "currentColor", "font-family": FONT_MONO, opacity: 0.7 }, String(r * ROW)));
  }
  return s(
    "svg",
    { xmlns: "http://www.w3.org/2000/svg", width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `byte map of ${t.name}: ${t.size} bytes, ${t.padding} padding` },
    ...cells,
  );
}
