// The interactive view of %profile's report: the cell's source with each profiled line's run-time
// figures beside the compiler's decisions, the functions table, and for --cpu a flame graph that
// zooms: click a frame and it fills the width with its callees above it; click the bottom frame
// (or "reset") to zoom out. Hovering a frame names it with its share (an SVG <title>). The static
// HTML shows the same data without the zoom.

import type { FlameNode, ProfileFigures, ProfileReport } from "../../../kernel/reports/profile.js";
import { figuresText } from "../../profileformat.js";
import { el, highlightGoLines } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const ROW = 17;
const WIDTH = 900;

function svg(tag: string, attrs: Record<string, string | number>, ...children: (Node | string)[]): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  return node;
}

export class ProfileView {
  readonly node: HTMLElement;
  private flameBox: HTMLElement | null = null;

  constructor(private readonly report: ProfileReport) {
    const r = report;
    this.node = el("div", { className: "goperf-profile", "data-goperf-renderer": "profile" });
    const parts: Node[] = [el("div", { className: "goperf-heading" }, `%profile --${r.kind} ${r.benchmark} (${r.go_version}), ${r.iterations} iterations`)];
    for (const c of r.cells) parts.push(this.cellView(c.cell, c.source));
    if (r.flame) {
      this.flameBox = el("div", { className: "goperf-flame" });
      parts.push(el("div", { className: "goperf-heading" }, "flame graph (click a frame to zoom)"), this.flameBox);
      this.drawFlame(r.flame, [r.flame]);
    }
    if (r.kind !== "gc") {
      const rows = r.functions.slice(0, 15).map((f) => el("tr", null, el("td", null, figuresText(f.flat, r.kind)), el("td", null, figuresText(f.cum, r.kind)), el("td", { className: "goperf-mono" }, f.name)));
      parts.push(el("table", { className: "goperf-table" }, el("tr", null, el("th", null, "flat"), el("th", null, "cumulative"), el("th", null, "function")), ...rows));
    }
    for (const n of r.notes) parts.push(el("div", { className: "goperf-footer" }, n));
    this.node.replaceChildren(...parts);
  }

  private cellView(cell: number, source: string): HTMLElement {
    const lines = highlightGoLines(source);
    const byLine = new Map(this.report.lines.filter((l) => l.cell === cell).map((l) => [l.line, l]));
    const rows = lines.map((nodes, i) => {
      const l = byLine.get(i + 1);
      const marks: Node[] = [];
      if (l) {
        marks.push(el("span", { className: hasCost(l, this.report.kind) ? "goperf-badge goperf-badge-cost" : "goperf-badge goperf-badge-free" }, figuresText(l, this.report.kind)));
        if (this.report.before) marks.push(el("span", { className: l.differs ? "goperf-badge goperf-badge-differs" : "goperf-badge" }, `${this.report.before.go_version}: ${l.before ? figuresText(l.before, this.report.kind) : "—"}`));
        for (const d of l.decisions) if (d.kind === "heap" || d.kind === "escape") marks.push(el("span", { className: "goperf-muted" }, ` ${d.message}`));
      }
      return el("div", { className: l ? "goperf-line goperf-line-marked" : "goperf-line" }, el("span", { className: "goperf-lineno" }, `${String(i + 1).padStart(3)}  `), ...nodes, ...marks);
    });
    return el("div", null, el("div", { className: "goperf-muted" }, `cell[${cell}]`), el("div", { className: "goperf-code" }, ...rows));
  }

  /** Draws `root` across the full width; `path` is the zoom trail from the whole profile down to it. */
  private drawFlame(root: FlameNode, path: FlameNode[]): void {
    const total = path[0].value || 1;
    const frames: SVGElement[] = [];
    let depth = 0;
    const draw = (node: FlameNode, x: number, level: number, w: number, trail: FlameNode[]) => {
      depth = Math.max(depth, level + 1);
      const title = svg("title", {}, `${node.name}: ${node.value} (${((100 * node.value) / total).toFixed(1)}% of all)`);
      const rect = svg("rect", { x, y: level * ROW, width: Math.max(w - 0.5, 0.5), height: ROW - 1, rx: 2, class: "goperf-flame-frame" });
      const g = svg("g", { class: "goperf-flame-g" }, title, rect);
      if (w > 40) g.appendChild(svg("text", { x: x + 3, y: level * ROW + 12, class: "goperf-flame-label" }, node.name.slice(0, Math.floor((w - 6) / 6.6))));
      g.addEventListener("click", () => this.drawFlame(node, trail));
      frames.push(g);
      let cx = x;
      for (const c of node.children) {
        const cw = (w * c.value) / (node.value || 1);
        if (cw >= 0.6) draw(c, cx, level + 1, cw, [...trail, c]);
        cx += cw;
      }
    };
    draw(root, 0, 0, WIDTH, path);
    // Callers at the bottom: flip the rows.
    const height = depth * ROW;
    const group = svg("g", { transform: `translate(0 ${height}) scale(1 -1)` }, ...frames);
    for (const t of group.querySelectorAll("text")) t.setAttribute("transform", `translate(0 ${2 * Number(t.getAttribute("y")) - 8}) scale(1 -1)`);
    const reset = el("button", { className: "goperf-button" }, path.length > 1 ? `reset zoom (${root.name})` : "whole profile");
    reset.addEventListener("click", () => this.drawFlame(path[0], [path[0]]));
    this.flameBox!.replaceChildren(reset, svg("svg", { width: WIDTH, height, viewBox: `0 0 ${WIDTH} ${height}`, class: "goperf-flame-svg" }, group));
  }
}

function hasCost(f: ProfileFigures, kind: ProfileReport["kind"]): boolean {
  return kind === "mem" ? (f.allocs_per_op ?? 0) > 0 : kind === "cpu" ? (f.cpu_pct ?? 0) > 0 : (f.delay_pct ?? 0) > 0;
}
