// The interactive view of %asm's report: the cell's source beside the generated code, linked both
// ways. Hover (or focus) a source line and its instructions light up and scroll into view; hover an
// instruction and its source line lights up. Instructions inlined from another function carry
// that function's name. The static HTML shows the same data as panels under each line; this view
// adds what static HTML cannot: the link by hover, in both directions.

import type { AsmBuild, AsmFunction, AsmInstruction, AsmReport } from "../../../kernel/reports/asm.js";
import { el, highlightGoLines } from "./dom.js";

/** Colours tying a line to its instructions (the static renderer's palette). */
const PALETTE = ["#1971c2", "#2b8a3e", "#d9480f", "#7048e8", "#0c8599", "#c2255c", "#b26a00", "#5c940d"];

const key = (cell: number, line: number) => `${cell}:${line}`;

export class AsmView {
  readonly node: HTMLElement;
  /** Source line elements and instruction elements by "cell:line". */
  private readonly lines = new Map<string, HTMLElement>();
  private readonly instructions = new Map<string, HTMLElement[]>();
  private lit: string | null = null;

  constructor(report: AsmReport) {
    this.node = el("div", { className: "goperf-asm", "data-goperf-renderer": "asm" });
    const build = report.builds[report.builds.length - 1];
    const heading = report.builds.length === 2 ? this.counts(report.builds) : null;
    this.node.replaceChildren(
      ...(heading ? [heading] : []),
      ...report.cells.map((c) => this.cellView(c.cell, c.source, build)),
      el("div", { className: "goperf-footer" }, `${build.go_version} ${build.goarch} · go build -gcflags='${report.flags.join(" ")}' · hover a line or an instruction to link them`),
    );
  }

  dispose(): void {
    this.light(null);
  }

  private counts(builds: readonly AsmBuild[]): HTMLElement {
    const names = [...new Set(builds.flatMap((b) => b.functions.map((f) => f.name)))];
    const head = el("tr", null, ...["function", ...builds.map((b) => `${b.go_version} ${b.goarch}`)].map((t) => el("th", null, t)));
    const rows = names.map((n) => el("tr", null, el("td", { className: "goperf-mono" }, n), ...builds.map((b) => el("td", { className: "goperf-num" }, String(b.functions.find((f) => f.name === n)?.count ?? "—")))));
    return el("table", { className: "goperf-table" }, head, ...rows);
  }

  private cellView(cell: number, source: string, build: AsmBuild): HTMLElement {
    const fns = build.functions.filter((f) => f.cell === cell);
    const colorOf = new Map<string, string>();
    for (const f of fns) for (const i of f.instructions) if (i.cell !== undefined && !colorOf.has(key(i.cell, i.line!))) colorOf.set(key(i.cell, i.line!), PALETTE[colorOf.size % PALETTE.length]);
    const src = el("div", { className: "goperf-code goperf-asm-source" });
    highlightGoLines(source).forEach((nodes, k) => {
      const id = key(cell, k + 1);
      const color = colorOf.get(id);
      const line = el("div", { className: `goperf-line${color ? " goperf-asm-linked" : ""}`, tabindex: color ? 0 : undefined }, el("span", { className: "goperf-lineno" }, String(k + 1).padStart(3) + "  "), ...nodes);
      if (color) {
        line.style.borderLeft = `3px solid ${color}`;
        line.addEventListener("mouseenter", () => this.light(id, "source"));
        line.addEventListener("focus", () => this.light(id, "source"));
        line.addEventListener("mouseleave", () => this.light(null));
      }
      this.lines.set(id, line);
      src.appendChild(line);
    });
    const code = el("div", { className: "goperf-code goperf-asm-listing" }, ...fns.map((f) => this.functionView(f, colorOf)));
    return el(
      "div",
      { className: "goperf-asm-cell" },
      el("div", { className: "goperf-cell-heading" }, `cell[${cell}]`, el("span", { className: "goperf-muted" }, fns.map((f) => `${f.name}: ${f.count}`).join(" · "))),
      el("div", { className: "goperf-asm-split" }, src, code),
    );
  }

  private functionView(f: AsmFunction, colorOf: Map<string, string>): HTMLElement {
    const rows = f.instructions.map((i) => this.instructionView(i, colorOf));
    return el("div", { className: "goperf-asm-func" }, el("div", { className: "goperf-asm-fname" }, `${f.name}  (${f.count} instructions, ${f.size} bytes)`), ...rows);
  }

  private instructionView(i: AsmInstruction, colorOf: Map<string, string>): HTMLElement {
    const id = i.cell !== undefined ? key(i.cell, i.line!) : null;
    const [op, ...rest] = i.text.split("\t");
    const row = el(
      "div",
      { className: `goperf-asm-ins${i.pseudo ? " goperf-muted" : ""}`, title: i.pos },
      el("span", { className: "goperf-muted" }, `0x${i.pc.toString(16).padStart(4, "0")}  `),
      el("b", null, op),
      rest.length ? `\t${rest.join("\t")}` : "",
      i.inlined ? el("span", { className: "goperf-asm-inlined" }, `  ← inlined ${i.inlined}`) : "",
    );
    if (id) {
      const color = colorOf.get(id);
      if (color) row.style.borderLeft = `3px solid ${color}`;
      row.addEventListener("mouseenter", () => this.light(id, "asm"));
      row.addEventListener("mouseleave", () => this.light(null));
      const list = this.instructions.get(id);
      if (list) list.push(row);
      else this.instructions.set(id, [row]);
    }
    return row;
  }

  /** Highlights one line and its instructions; from the source side, brings the first instruction into view. */
  private light(id: string | null, from?: "source" | "asm"): void {
    if (this.lit) {
      this.lines.get(this.lit)?.classList.remove("goperf-asm-lit");
      for (const r of this.instructions.get(this.lit) ?? []) r.classList.remove("goperf-asm-lit");
    }
    this.lit = id;
    if (!id) return;
    const line = this.lines.get(id);
    const rows = this.instructions.get(id) ?? [];
    line?.classList.add("goperf-asm-lit");
    for (const r of rows) r.classList.add("goperf-asm-lit");
    if (from === "source") rows[0]?.scrollIntoView({ block: "nearest" });
    else if (from === "asm") line?.scrollIntoView({ block: "nearest" });
  }
}
