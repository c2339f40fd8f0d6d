// Inline SVG for charts inside the HTML outputs: plain markup, no scripts, no external resources.
// Text and axes use currentColor, so they follow the front end's text colour in light and dark
// themes; bars use a mid-tone fill that reads on both.

import { COLOR, FONT_SANS, h, type Attrs, type Child, type Html } from "./html.js";

/** An SVG element; numbers are rounded to 0.1 so the markup stays short. */
export function s(tag: string, attrs: Attrs | null = null, ...children: Child[]): Html {
  const rounded: Attrs = {};
  for (const [k, v] of Object.entries(attrs ?? {})) rounded[k] = typeof v === "number" ? round1(v) : v;
  return h(tag, rounded, ...children);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/**
 * 3–5 evenly spaced "nice" ticks (steps of 1, 2, 2.5 or 5 × 10^k) from 0 to at least `max`.
 * The step is the smallest nice number ≥ max/4, so there are 4 or 5 ticks.
 */
export function niceTicks(max: number): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1, 2];
  const rough = max / 4;
  const pow = 10 ** Math.floor(Math.log10(rough));
  let step = 10 * pow;
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * pow >= rough * (1 - 1e-12)) {
      step = m * pow;
      break;
    }
  }
  const count = Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  // Multiply rather than accumulate, so 0.1-steps do not drift (0.30000000000000004).
  for (let k = 0; k <= count; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

export interface BarRow {
  label: string;
  value: number;
  /** Whisker ends (e.g. the fastest and slowest run). */
  lo?: number;
  hi?: number;
  /** Text beside the bar, e.g. "15.0 ns · 1 alloc/op". */
  note: string;
  /** The note's colour; the front end's text colour when absent. */
  noteColor?: string;
  /** A tooltip for the row. */
  title?: string;
}

export interface BarChartOptions {
  width?: number;
  /** Formats axis ticks (and only those). */
  formatTick: (v: number) => string;
  /** Accessible description of the chart. */
  title: string;
}

/** Horizontal bars on a linear axis from 0, with optional min–max whiskers and a note per bar. */
export function barChart(rows: readonly BarRow[], opts: BarChartOptions): Html {
  const width = opts.width ?? 640;
  const rowH = 24;
  const top = 8;
  const axisH = 24;
  const labelW = Math.min(200, Math.max(80, 7 * Math.max(...rows.map((r) => r.label.length), 4) + 12));
  // The notes need their full length beside the longest bar: reserve it, and widen the chart rather
  // than let a note run past the drawing's edge.
  const noteW = Math.max(90, 6.4 * Math.max(...rows.map((r) => r.note.length), 4) + 14);
  const plotX = labelW;
  const plotW = Math.max(120, width - labelW - noteW);
  const fullW = Math.max(width, plotX + plotW + noteW);
  const height = top + rows.length * rowH + axisH;
  const maxValue = Math.max(...rows.map((r) => Math.max(r.value, r.hi ?? r.value)), 0);
  const ticks = niceTicks(maxValue);
  const domain = ticks[ticks.length - 1];
  const x = (v: number) => plotX + (Math.max(0, v) / domain) * plotW;
  const axisY = top + rows.length * rowH;

  const parts: Html[] = [s("title", null, opts.title)];
  for (const t of ticks) {
    parts.push(s("line", { x1: x(t), x2: x(t), y1: top - 2, y2: axisY, stroke: "currentColor", "stroke-opacity": 0.15 }));
    parts.push(s("text", { x: x(t), y: axisY + 15, "text-anchor": "middle", "font-size": 10.5, fill: "currentColor", "fill-opacity": 0.75 }, opts.formatTick(t)));
  }
  parts.push(s("line", { x1: plotX, x2: plotX + plotW, y1: axisY, y2: axisY, stroke: "currentColor", "stroke-opacity": 0.5 }));
  const maxChars = Math.floor((labelW - 12) / 6.5);
  rows.forEach((r, i) => {
    const cy = top + i * rowH + rowH / 2;
    const group: Html[] = [];
    const label = r.label.length > maxChars ? `${r.label.slice(0, maxChars - 1)}…` : r.label;
    const title = [label !== r.label ? r.label : "", r.title ?? ""].filter(Boolean).join(": ");
    if (title) group.push(s("title", null, title));
    group.push(s("text", { x: plotX - 8, y: cy + 4, "text-anchor": "end", "font-size": 11.5, fill: "currentColor" }, label));
    group.push(s("rect", { x: plotX, y: cy - 7, width: Math.max(1, x(r.value) - plotX), height: 14, rx: 2, fill: COLOR.accent, "fill-opacity": 0.75 }));
    if (r.lo !== undefined && r.hi !== undefined && r.hi > r.lo) {
      const x1 = x(r.lo);
      const x2 = x(r.hi);
      const w = { stroke: "currentColor", "stroke-width": 1.2 };
      group.push(s("line", { x1, x2, y1: cy, y2: cy, ...w }));
      group.push(s("line", { x1, x2: x1, y1: cy - 4, y2: cy + 4, ...w }));
      group.push(s("line", { x1: x2, x2, y1: cy - 4, y2: cy + 4, ...w }));
    }
    const noteX = Math.max(x(r.value), x(r.hi ?? r.value)) + 6;
    group.push(s("text", { x: noteX, y: cy + 4, "font-size": 11, "font-weight": 600, fill: r.noteColor ?? "currentColor" }, r.note));
    parts.push(s("g", null, ...group));
  });

  return s(
    "svg",
    {
      xmlns: "http://www.w3.org/2000/svg",
      width: fullW,
      height,
      viewBox: `0 0 ${fullW} ${height}`,
      role: "img",
      "font-family": FONT_SANS,
      style: "display:block;max-width:100%;height:auto",
    },
    ...parts,
  );
}
