// The interactive view of %escape's report: the cell's source with the compiler's decisions on
// their lines, as the static HTML shows them, plus what static HTML cannot do: hover (or focus) an
// annotated line to see each decision's explanation (-m=2's flow chain, the inlining cost), turn
// decision kinds on and off, and show or hide the reasons under the lines. The report carries
// every decision whatever the magic's --only/--func, so the view starts as the magic asked and
// the reader can widen it.

import { KIND_ORDER, KINDS, ONLY_KINDS, byPosition, countKinds, shownMessage, summarizeKinds, whyLines } from "../../decisions.js";
import { el, highlightGoLines } from "./dom.js";
import { funcMatches } from "../../../kernel/go/funcnames.js";
import type { DiagnosticKind, EscapeDiagnostic, EscapeReport } from "../../../kernel/reports/index.js";

/** Which kind tints a line that has several: the most consequential. */
const TINT_ORDER: readonly DiagnosticKind[] = ["heap", "escape", "leak", "noescape"];

type Side = "same" | "removed" | "added";
interface Item extends EscapeDiagnostic {
  side: Side;
}

/** Every decision of the report, tagged with its side when two releases are compared. */
export function reportItems(report: EscapeReport): Item[] {
  const c = report.comparison;
  if (!c) return report.diagnostics.map((d) => ({ ...d, side: "same" as const })).sort(byPosition);
  const tag = (side: Side) => (d: EscapeDiagnostic): Item => ({ ...d, side });
  const order: Record<Side, number> = { same: 0, removed: 1, added: 2 };
  return [...c.same.map(tag("same")), ...c.removed.map(tag("removed")), ...c.added.map(tag("added"))].sort(
    (a, b) => byPosition(a, b) || order[a.side] - order[b.side],
  );
}

function badge(kind: DiagnosticKind, count = 1): HTMLElement {
  const k = KINDS[kind] ?? KINDS.other;
  return el("span", { className: `goperf-badge goperf-kind-${kind}`, title: k.meaning }, count > 1 ? `${k.badge} ×${count}` : k.badge);
}

export class EscapeView {
  readonly node: HTMLElement;
  private readonly items: Item[];
  /** Kinds the reader (or the magic's --only) turned off. */
  private readonly hidden = new Set<DiagnosticKind>();
  /** The magic's --func, until the reader clears it. */
  private func: string | undefined;
  private why: boolean;
  private readonly tooltip: HTMLElement;
  private tooltipLine: HTMLElement | null = null;

  constructor(private readonly report: EscapeReport) {
    this.items = reportItems(report);
    const only = report.view?.only ?? "all";
    if (only !== "all") for (const k of KIND_ORDER) if (!ONLY_KINDS[only].has(k)) this.hidden.add(k);
    this.func = report.view?.func;
    this.why = Boolean(report.view?.why);
    this.node = el("div", { className: "goperf-escape", "data-goperf-renderer": "escape" });
    // The card lives on document.body while shown (position: fixed): output areas clip overflow.
    this.tooltip = el("div", { className: "goperf-tooltip", role: "tooltip" });
    this.render();
  }

  /** Removes the hover card if it is shown (the renderer calls this when it is disposed). */
  dispose(): void {
    this.tooltipLine = null;
    this.tooltip.remove();
  }

  private visible(d: Item): boolean {
    return !this.hidden.has(d.kind) && (this.func === undefined || funcMatches(this.func, d));
  }

  private render(): void {
    this.dispose();
    const shown = this.items.filter((d) => this.visible(d));
    const c = this.report.comparison;
    this.node.replaceChildren(
      c ? el("div", { className: "goperf-heading" }, `Escape and inlining decisions: ${c.releases[0]} (−) vs ${c.releases[1]} (+)`) : "",
      this.toolbar(),
      ...this.cells(shown),
      el("div", { className: "goperf-summary" }, this.summary(shown)),
      el("div", { className: "goperf-footer" }, `${this.report.go_version} · go build -gcflags='${(this.report.flags ?? []).join(" ")}' · hover a marked line for the compiler's reasons`),
    );
  }

  private summary(shown: readonly Item[]): string {
    const off = this.items.length - shown.length;
    return summarizeKinds(shown) + (off ? ` (${off} hidden)` : "");
  }

  private toolbar(): HTMLElement {
    const bar = el("div", { className: "goperf-toolbar", role: "toolbar", "aria-label": "decision kinds" });
    const present = KIND_ORDER.filter((k) => this.items.some((d) => d.kind === k));
    for (const kind of present) {
      const count = this.items.filter((d) => d.kind === kind && (this.func === undefined || funcMatches(this.func, d))).length;
      const on = !this.hidden.has(kind);
      const button = el(
        "button",
        {
          type: "button",
          className: `goperf-toggle goperf-kind-${kind}`,
          "data-kind": kind,
          "aria-pressed": String(on),
          title: `${on ? "Hide" : "Show"} “${KINDS[kind].meaning}” (${count})`,
        },
        `${KINDS[kind].badge} ${count}`,
      );
      button.addEventListener("click", () => {
        if (this.hidden.has(kind)) this.hidden.delete(kind);
        else this.hidden.add(kind);
        this.render();
      });
      bar.appendChild(button);
    }
    if (this.report.view?.func !== undefined) {
      const on = this.func !== undefined;
      const button = el(
        "button",
        { type: "button", className: "goperf-toggle goperf-func", "aria-pressed": String(on), title: on ? "Show every function" : `Show only ${this.report.view.func}` },
        `func ${this.report.view.func}`,
      );
      button.addEventListener("click", () => {
        this.func = this.func === undefined ? this.report.view.func : undefined;
        this.render();
      });
      bar.appendChild(button);
    }
    const why = el("button", { type: "button", className: "goperf-toggle goperf-why-toggle", "aria-pressed": String(this.why), title: "Show the reasons under each decision" }, "why");
    why.addEventListener("click", () => {
      this.why = !this.why;
      this.render();
    });
    bar.appendChild(why);
    return bar;
  }

  private cells(shown: readonly Item[]): HTMLElement[] {
    // Cells by execution count, then a package's files (%escape --pkg) by name.
    const place = (d: { cell: number; file?: string }) => d.file ?? `cell[${d.cell}]`;
    const groups = new Map<string, { cell: number; file?: string; source?: string; items: Item[] }>();
    for (const c of this.report.cells ?? []) if (!groups.has(place(c))) groups.set(place(c), { cell: c.cell, source: c.source, items: [] });
    for (const f of this.report.files ?? []) if (!groups.has(f.file)) groups.set(f.file, { cell: 0, file: f.file, source: f.source, items: [] });
    for (const d of shown) {
      let g = groups.get(place(d));
      if (!g) groups.set(place(d), (g = { cell: d.cell, file: d.file, items: [] }));
      g.items.push(d);
    }
    let list = [...groups.values()].sort((a, b) => (a.file ?? "").localeCompare(b.file ?? "") || a.cell - b.cell);
    if (this.func !== undefined && list.some((g) => g.items.length)) list = list.filter((g) => g.items.length);
    return list.map((g) =>
      el(
        "div",
        { className: "goperf-cell", "data-cell": g.file ?? g.cell },
        el(
          "div",
          { className: "goperf-cell-heading" },
          el("span", { className: "goperf-mono" }, place(g)),
          el("span", { className: "goperf-muted" }, g.items.length ? summarizeKinds(g.items) : "the compiler reports nothing shown here: nothing escapes (silence means stack)"),
        ),
        this.code(g.source, g.items),
      ),
    );
  }

  private code(source: string | undefined, items: readonly Item[]): HTMLElement {
    const lines = source === undefined ? [] : highlightGoLines(source);
    const byLine = new Map<number, Item[]>();
    for (const d of items) {
      const list = byLine.get(d.line);
      if (list) list.push(d);
      else byLine.set(d.line, [d]);
    }
    const width = String(Math.max(lines.length, ...byLine.keys(), 1)).length;
    const box = el("div", { className: "goperf-code" });
    const addLine = (n: number, content: Node[]) => {
      const here = byLine.get(n) ?? [];
      const row = el("div", { className: "goperf-line", "data-line": n }, el("span", { className: "goperf-lineno" }, String(n).padStart(width)), el("span", { className: "goperf-src" }, ...content));
      if (here.length) {
        const current = here.filter((d) => d.side !== "removed");
        const kinds = current.map((d) => d.kind);
        const tint = TINT_ORDER.find((k) => kinds.includes(k)) ?? "neutral";
        row.classList.add("goperf-annotated", `goperf-tint-${tint}`);
        row.setAttribute("tabindex", "0");
        row.setAttribute("data-kinds", [...new Set(here.map((d) => d.kind))].join(" "));
        const counts = countKinds(current);
        const badges = el("span", { className: "goperf-badges" }, ...KIND_ORDER.filter((k) => counts.has(k)).map((k) => badge(k, counts.get(k))));
        if (here.some((d) => d.side !== "same")) badges.appendChild(el("span", { className: "goperf-badge goperf-differs", title: "the two releases disagree on this line" }, "differs"));
        row.appendChild(badges);
        const show = () => this.showTooltip(row, here);
        row.addEventListener("mouseenter", show);
        row.addEventListener("focus", show);
        row.addEventListener("mouseleave", () => this.hideTooltip(row));
        row.addEventListener("blur", () => this.hideTooltip(row));
      }
      box.appendChild(row);
      for (const d of here) box.appendChild(this.messageRow(d));
    };
    lines.forEach((spans, i) => addLine(i + 1, spans));
    for (const n of [...byLine.keys()].filter((k) => k < 1 || k > lines.length).sort((a, b) => a - b)) {
      addLine(n, [el("span", { className: "goperf-muted" }, source === undefined ? "(source not in this report)" : `(line ${n} is not in the cell's source)`)]);
    }
    return box;
  }

  private sideLabel(d: Item): string {
    const c = this.report.comparison;
    if (!c || d.side === "same") return "";
    return d.side === "removed" ? `− only ${c.releases[0]}: ` : `+ only ${c.releases[1]}: `;
  }

  private messageRow(d: Item): HTMLElement {
    const row = el(
      "div",
      { className: `goperf-msg goperf-kind-${d.kind} goperf-side-${d.side}`, "data-kind": d.kind },
      this.sideLabel(d),
      el("span", { className: "goperf-muted" }, d.col ? `:${d.col} ` : ""),
      shownMessage(d, this.why),
    );
    const reasons = this.why ? whyLines(d) : [];
    if (reasons.length) row.appendChild(el("pre", { className: "goperf-why" }, reasons.join("\n")));
    return row;
  }

  private showTooltip(line: HTMLElement, items: readonly Item[]): void {
    this.tooltipLine = line;
    this.tooltip.replaceChildren(
      ...items.map((d) => {
        const reasons = whyLines(d);
        return el(
          "div",
          { className: "goperf-tip-item", "data-kind": d.kind },
          el("div", { className: "goperf-tip-head" }, badge(d.kind), " ", el("span", { className: "goperf-muted" }, KINDS[d.kind]?.meaning ?? "")),
          el("div", { className: "goperf-tip-msg" }, this.sideLabel(d), d.message),
          d.func ? el("div", { className: "goperf-muted" }, `in ${d.func} · ${d.file ?? `cell[${d.cell}]`}:${d.line}${d.col ? `:${d.col}` : ""}`) : "",
          reasons.length
            ? el("pre", { className: "goperf-tip-why" }, reasons.join("\n"))
            : el("div", { className: "goperf-muted goperf-tip-none" }, "the compiler gives no further reason for this decision"),
        );
      }),
    );
    // Inherit the theme from where the report is (JupyterLab sets its variables on body anyway).
    this.tooltip.dataset.goperfFor = "escape";
    document.body.appendChild(this.tooltip);
    const at = line.getBoundingClientRect();
    const card = this.tooltip.getBoundingClientRect();
    const below = at.bottom + 2;
    const top = below + card.height > window.innerHeight && at.top - card.height - 2 >= 0 ? at.top - card.height - 2 : below;
    this.tooltip.style.top = `${Math.round(top)}px`;
    this.tooltip.style.left = `${Math.round(Math.max(0, Math.min(at.left + 24, window.innerWidth - card.width - 4)))}px`;
  }

  private hideTooltip(line: HTMLElement): void {
    if (this.tooltipLine !== line) return;
    this.dispose();
  }
}
