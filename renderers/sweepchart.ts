// The sweep chart: ns/op, B/op and allocs/op against n, one line per function, the median with its
// 95% interval as a band; log axes where the values span decades; crossovers marked; failed sizes
// marked on the axis. Plain SVG (no scripts): every point carries a <title>, which front ends show
// on hover. Browser-safe (it imports only html.ts and the report types), so the JupyterLab
// extension draws the same chart.

import type { Sweep, SweepPoint, SweepSeries } from "../kernel/reports/sweep.js";
import { COLOR, FONT_SANS, h, type Child, type Html } from "./html.js";

/** Colours that read on light and dark backgrounds and apart from each other (Tableau 10). */
export const SERIES_COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#bab0ac"];

export type Panel = "ns_per_op" | "bytes_per_op" | "allocs_per_op";
export const PANEL_TITLE: Record<Panel, string> = { ns_per_op: "ns/op", bytes_per_op: "B/op", allocs_per_op: "allocs/op" };

const r1 = (v: number) => Math.round(v * 10) / 10;
function sv(tag: string, attrs: Record<string, string | number> | null, ...children: Child[]): Html {
  const a: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(attrs ?? {})) a[k] = typeof v === "number" ? r1(v) : v;
  return h(tag, a, ...children);
}

interface Band {
  mid: number;
  lo: number;
  hi: number;
}

/** A point's value on a panel (median and band); undefined when the point has none. */
export function pointValue(p: SweepPoint, panel: Panel): Band | undefined {
  if (p.failed) return undefined;
  if (panel === "ns_per_op") {
    const s = p.summary.ns_per_op;
    if (!Number.isFinite(s.median)) return undefined;
    return { mid: s.median, lo: s.ci?.lo ?? s.min, hi: s.ci?.hi ?? s.max };
  }
  const c = p.summary[panel];
  return c ? { mid: c.value, lo: c.min, hi: c.max } : undefined;
}

/** Short numbers for axes and hovers: 4096 → "4096", 65536 → "65.5k", 1.5e6 → "1.5M". */
export function short(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${Number((v / 1e9).toPrecision(3))}G`;
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(4)));
}

interface Scale {
  at: (v: number) => number;
  ticks: number[];
  log: boolean;
}

function scale(lo: number, hi: number, from: number, to: number, log: boolean): Scale {
  if (log) {
    const a = Math.floor(Math.log10(lo));
    const b = Math.ceil(Math.log10(hi));
    const span = Math.max(1, b - a);
    const step = Math.max(1, Math.ceil(span / 5));
    const ticks: number[] = [];
    for (let e = a; e <= a + span; e += step) ticks.push(10 ** e);
    const l0 = a;
    const l1 = a + span;
    return { at: (v) => from + ((Math.log10(v) - l0) / (l1 - l0)) * (to - from), ticks, log };
  }
  const top = hi > lo ? hi : lo + 1;
  const base = lo >= 0 ? 0 : lo;
  const rough = (top - base) / 4;
  const pow = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((m) => m >= rough) ?? 10 * pow;
  const ticks: number[] = [];
  for (let t = Math.floor(base / step) * step; t <= top + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  if (ticks[ticks.length - 1] < top) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  const t0 = ticks[0];
  const t1 = ticks[ticks.length - 1];
  return { at: (v) => from + ((v - t0) / (t1 - t0)) * (to - from), ticks, log };
}

const spansDecades = (lo: number, hi: number) => lo > 0 && hi / lo >= 100;

export interface ChartOptions {
  width?: number;
  /** For the nanosecond axis: 1500 → "1.5 µs". */
  formatNs: (v: number) => string;
}

/** One panel: a value against n for every series. */
function panelSvg(sweep: Sweep, panel: Panel, opts: ChartOptions, width: number): Html | undefined {
  const x = sweep.vars[0];
  const series = sweep.series.filter((s) => s.points.some((p) => pointValue(p, panel)));
  if (series.length === 0) return undefined;
  const values = series.flatMap((s) => s.points.flatMap((p) => (pointValue(p, panel) ? [pointValue(p, panel)!] : [])));
  const lo = Math.min(...values.map((v) => v.lo));
  const hi = Math.max(...values.map((v) => v.hi));
  const ns = sweep.series.flatMap((s) => s.points.map((p) => p.n));
  const top = 24;
  const left = 64;
  const right = 12;
  const plotH = 170;
  const bottom = 34;
  const height = top + plotH + bottom;
  const xs = scale(Math.min(...ns), Math.max(...ns), left, width - right, sweep.logX);
  const ys = scale(lo, hi, top + plotH, top, spansDecades(lo, hi));
  const fmt = (v: number) => (panel === "ns_per_op" ? opts.formatNs(v) : short(v));
  const parts: Html[] = [sv("text", { x: left, y: 14, "font-size": 12, "font-weight": 700, fill: "currentColor" }, `${PANEL_TITLE[panel]}${ys.log ? " (log)" : ""}`)];
  for (const t of ys.ticks) {
    const y = ys.at(t);
    parts.push(sv("line", { x1: left, x2: width - right, y1: y, y2: y, stroke: "currentColor", "stroke-opacity": 0.12 }));
    parts.push(sv("text", { x: left - 6, y: y + 4, "text-anchor": "end", "font-size": 10, fill: "currentColor", "fill-opacity": 0.75 }, fmt(t)));
  }
  const xTicks = sweep.logX ? [...new Set(ns)].sort((a, b) => a - b) : xs.ticks;
  // On a log axis the swept sizes themselves are the ticks, thinned so their labels do not collide.
  const minGap = 34;
  let lastX = -Infinity;
  for (const t of xTicks) {
    const px = xs.at(t);
    if (px - lastX < minGap) continue;
    lastX = px;
    parts.push(sv("line", { x1: px, x2: px, y1: top, y2: top + plotH, stroke: "currentColor", "stroke-opacity": 0.08 }));
    parts.push(sv("text", { x: px, y: top + plotH + 14, "text-anchor": "middle", "font-size": 10, fill: "currentColor", "fill-opacity": 0.75 }, short(t)));
  }
  parts.push(sv("text", { x: (left + width - right) / 2, y: top + plotH + 29, "text-anchor": "middle", "font-size": 10.5, fill: "currentColor" }, `${x}${sweep.logX ? " (log)" : ""}`));
  parts.push(sv("line", { x1: left, x2: width - right, y1: top + plotH, y2: top + plotH, stroke: "currentColor", "stroke-opacity": 0.5 }));
  parts.push(sv("line", { x1: left, x2: left, y1: top, y2: top + plotH, stroke: "currentColor", "stroke-opacity": 0.5 }));
  const clampY = (v: number) => ys.at(ys.log ? Math.max(v, ys.ticks[0]) : v);

  sweep.series.forEach((s, i) => {
    const color = SERIES_COLORS[i % SERIES_COLORS.length];
    const pts = s.points.flatMap((p) => {
      const v = pointValue(p, panel);
      return v ? [{ p, v, px: xs.at(p.n) }] : [];
    });
    const group: Html[] = [];
    if (pts.length >= 2) {
      const upper = pts.map((q) => `${r1(q.px)},${r1(clampY(q.v.hi))}`);
      const lower = pts.map((q) => `${r1(q.px)},${r1(clampY(q.v.lo))}`).reverse();
      group.push(sv("polygon", { points: [...upper, ...lower].join(" "), fill: color, "fill-opacity": 0.18, stroke: "none" }));
      group.push(sv("polyline", { points: pts.map((q) => `${r1(q.px)},${r1(clampY(q.v.mid))}`).join(" "), fill: "none", stroke: color, "stroke-width": 2 }));
    }
    for (const q of pts) {
      const band = panel === "ns_per_op" ? `95% CI ${fmt(q.v.lo)} – ${fmt(q.v.hi)}` : q.v.lo === q.v.hi ? "every run agrees" : `runs ${fmt(q.v.lo)} – ${fmt(q.v.hi)}`;
      group.push(sv("circle", { cx: q.px, cy: clampY(q.v.mid), r: 3.2, fill: color }, sv("title", null, `${s.name} ${x}=${q.p.n}: ${fmt(q.v.mid)} ${PANEL_TITLE[panel]} (${band})`)));
    }
    for (const p of s.points.filter((p) => p.failed)) {
      const px = xs.at(p.n);
      const y = top + plotH;
      group.push(sv("text", { x: px, y: y - 4, "text-anchor": "middle", "font-size": 13, "font-weight": 700, fill: COLOR.bad }, "×", sv("title", null, `${s.name} ${x}=${p.n} failed: ${p.failed}`)));
    }
    parts.push(sv("g", null, ...group));
  });

  if (panel === "ns_per_op")
    for (const c of sweep.crossovers) {
      const px = xs.at(Math.min(Math.max(c.estimate, Math.min(...ns)), Math.max(...ns)));
      parts.push(
        sv(
          "g",
          null,
          sv("title", null, c.text),
          sv("line", { x1: px, x2: px, y1: top, y2: top + plotH, stroke: "currentColor", "stroke-dasharray": "4 3", "stroke-opacity": 0.7 }),
          sv("text", { x: px + 3, y: top + 10, "font-size": 10, fill: "currentColor" }, `${x}≈${short(Number(c.estimate.toPrecision(2)))}`),
        ),
      );
    }
  return sv("svg", { xmlns: "http://www.w3.org/2000/svg", width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "font-family": FONT_SANS, style: "display:block;max-width:100%;height:auto" }, sv("title", null, `${PANEL_TITLE[panel]} against ${x}`), ...parts);
}

function legend(series: readonly SweepSeries[]): Html {
  return h(
    "div",
    { style: "display:flex;flex-wrap:wrap;gap:12px;font-size:12px;margin:4px 0" },
    ...series.map((s, i) =>
      h("span", null, h("span", { style: `display:inline-block;width:18px;height:3px;vertical-align:middle;margin-right:4px;background:${SERIES_COLORS[i % SERIES_COLORS.length]}` }), s.name),
    ),
  );
}

/** The three panels side by side where there is room (the front end wraps them otherwise). */
export function sweepChart(sweep: Sweep, opts: ChartOptions): Html {
  const width = opts.width ?? 330;
  const panels = (["ns_per_op", "bytes_per_op", "allocs_per_op"] as const).map((p) => panelSvg(sweep, p, opts, width)).filter((p): p is Html => p !== undefined);
  return h("div", null, legend(sweep.series), h("div", { style: "display:flex;flex-wrap:wrap;gap:8px" }, ...panels));
}
