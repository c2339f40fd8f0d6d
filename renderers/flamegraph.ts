// A flame graph as plain SVG: one rectangle per frame, callers below callees, widths proportional
// to the frame's share. Hover text comes from <title> elements (no script); the JupyterLab
// extension may add zooming on top of the same markup.

import type { FlameNode } from "../kernel/reports/profile.js";
import { COLOR, FONT_MONO, type Html } from "./html.js";
import { s } from "./svg.js";

const ROW = 17;
const WIDTH = 900;
/** Frames narrower than this (pixels) are not drawn: they would be slivers with no label. */
const MIN_PX = 0.6;

export function flameGraph(root: FlameNode, unit: (value: number) => string): Html {
  const rects: Html[] = [];
  let depth = 0;
  const draw = (node: FlameNode, x: number, level: number, w: number) => {
    depth = Math.max(depth, level + 1);
    rects.push(frame(node, x, level, w, root.value, unit));
    let cx = x;
    for (const c of node.children) {
      const cw = root.value ? (w * c.value) / node.value : 0;
      if (cw >= MIN_PX) draw(c, cx, level + 1, cw);
      cx += cw;
    }
  };
  if (root.value > 0) draw(root, 0, 0, WIDTH);
  const height = depth * ROW;
  // Root at the bottom, as flame graphs grow upwards: flip the rows.
  return s(
    "svg",
    { xmlns: "http://www.w3.org/2000/svg", width: WIDTH, height, viewBox: `0 0 ${WIDTH} ${height}`, role: "img", "aria-label": "flame graph", style: "max-width:100%;height:auto;display:block" },
    s("g", { transform: `translate(0 ${height}) scale(1 -1)` }, ...rects),
  );
}

function frame(node: FlameNode, x: number, level: number, w: number, total: number, unit: (v: number) => string): Html {
  const pct = total ? (100 * node.value) / total : 0;
  const label = w > 40 ? fit(node.name, w) : "";
  const y = level * ROW;
  return s(
    "g",
    null,
    s("title", null, `${node.name}: ${unit(node.value)} (${pct.toFixed(1)}%)`),
    s("rect", { x, y, width: Math.max(w - 0.5, 0.5), height: ROW - 1, rx: 2, fill: colorFor(node.name), "fill-opacity": 0.85 }),
    label ? s("text", { x: x + 3, y: -(y + 4.5), transform: "scale(1 -1)", "font-size": 11, "font-family": FONT_MONO, fill: "#1b1b1b" }, label) : null,
  );
}

/** Warm colours for the session's code, cool for the standard library, grey for the runtime. */
function colorFor(name: string): string {
  if (name === "all") return "#b0b0b0";
  if (name.startsWith("runtime.") || name.startsWith("internal/")) return "#c8c8c8";
  if (/^[a-z][\w/.-]*\./.test(name) && !name.startsWith("(")) return "#9cc3e6";
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${20 + (hash % 30)}, 85%, ${62 + (hash % 12)}%)`;
}

function fit(text: string, width: number): string {
  const chars = Math.floor((width - 6) / 6.6);
  return text.length <= chars ? text : chars > 2 ? `${text.slice(0, chars - 1)}…` : "";
}

export const FLAME_LEGEND_COLOR = COLOR.muted;
