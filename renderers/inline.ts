// %inline's report → MIME bundle: a table of functions (cost against budget, reason, almost
// inlinable), and the same on the cell's source through the one annotated-source view, the call
// sites inlined marked where they are.

import { declName } from "../kernel/go/asmlisting.js";
import type { MimeBundle } from "../kernel/protocol.js";
import { INLINE_MIME, type InlineFunction, type InlineReport } from "../kernel/reports/inline.js";
import { annotatedHtml, byMarkPosition, groupByCell, legend, type BadgeKinds, type Mark } from "./annotated.js";
import { COLOR, STYLE, h, root } from "./html.js";

export const INLINE_KINDS: BadgeKinds = {
  over: { badge: "over budget", bg: "#c92a2a", fg: "#ffffff", meaning: "not inlinable: its cost exceeds the budget", tint: "rgba(201,42,42,0.13)", rank: 0 },
  almost: { badge: "almost", bg: "#b26a00", fg: "#ffffff", meaning: "not inlinable, but within the margin of the budget", tint: "rgba(178,106,0,0.12)", rank: 1 },
  refused: { badge: "no inline", bg: "#ced4da", fg: "#343a40", meaning: "not inlinable for another reason (directive, recursion, construct)" },
  inlinable: { badge: "inlinable", bg: "#2b8a3e", fg: "#ffffff", meaning: "cheap enough to inline", tint: "rgba(43,138,62,0.10)", rank: 3 },
  site: { badge: "inlined", bg: "#1971c2", fg: "#ffffff", meaning: "this call was inlined" },
};

function kindOf(f: InlineFunction): string {
  if (f.inlinable) return "inlinable";
  if (f.almost) return "almost";
  return f.cost !== undefined ? "over" : "refused";
}

export function costText(f: InlineFunction): string {
  if (f.inlinable) return f.cost !== undefined ? `cost ${f.cost} ≤ ${f.budget}` : "inlinable";
  if (f.cost !== undefined) return `cost ${f.cost} > ${f.budget}${f.almost ? ` (${f.cost - f.budget} over: almost)` : ""}`;
  return f.reason ?? "not inlinable";
}

export function renderInline(report: InlineReport, func?: string): MimeBundle {
  // --func as the reader or the compiler writes it: (*T).M and T.M are one declaration.
  const same = (name: string | undefined) => func === undefined || (name !== undefined && declName(name) === declName(func));
  const fns = report.functions.filter((f) => same(f.name)).sort(byMarkPosition);
  const sites = report.sites.filter((s) => same(s.caller) || same(s.callee)).sort(byMarkPosition);
  const marks: Mark[] = [
    ...fns.map((f) => ({ cell: f.cell, line: f.line, col: f.col, kind: kindOf(f), badge: f.cost !== undefined ? `${INLINE_KINDS[kindOf(f)].badge} · ${f.cost}` : undefined, text: `${f.name}: ${costText(f)}` })),
    ...sites.map((s) => ({ cell: s.cell, line: s.line, col: s.col, kind: "site", text: `inlining call to ${s.callee}${s.caller ? ` in ${s.caller}` : ""}` })),
  ].sort(byMarkPosition);
  const cells = groupByCell(report.cells, marks, func !== undefined).map((g) => ({
    cell: g.cell,
    source: g.source,
    marks: g.items,
    silence: "the compiler reported no inlining decisions for this code.",
  }));
  const almost = fns.filter((f) => f.almost);
  const summary = `${fns.filter((f) => f.inlinable).length} inlinable, ${fns.filter((f) => !f.inlinable).length} not (${almost.length} almost), ${sites.length} call${sites.length === 1 ? "" : "s"} inlined · budget ${report.budget}, almost = within ${report.margin}`;
  const rows = fns.map((f) => [f.name, `cell[${f.cell}]:${f.line}`, f.cost === undefined ? "—" : String(f.cost), String(f.budget), f.inlinable ? "yes" : f.almost ? "almost" : "no", f.inlinable ? "" : (f.reason ?? "")]);
  const head = ["function", "at", "cost", "budget", "inlinable", "reason"];
  const widths = head.map((t, i) => Math.max(t.length, ...rows.map((r) => r[i].length)));
  const text = [
    head.map((t, i) => t.padEnd(widths[i])).join("  ").trimEnd(),
    ...rows.map((r) => r.map((c, i) => (i === 2 || i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd()),
    ...sites.map((s) => `cell[${s.cell}]:${s.line}:${s.col}: inlining call to ${s.callee}${s.caller ? ` (in ${s.caller})` : ""}`),
    summary,
  ].join("\n");
  const table = h(
    "table",
    { style: STYLE.table },
    h("tr", { style: STYLE.tr }, ...head.map((t) => h("th", { style: STYLE.th }, t))),
    ...fns.map((f, i) =>
      h(
        "tr",
        { style: STYLE.tr },
        h("td", { style: `${STYLE.td};${STYLE.mono}` }, f.name),
        h("td", { style: `${STYLE.td};${STYLE.muted}` }, rows[i][1]),
        h("td", { style: `${STYLE.td};${STYLE.num}` }, costBar(f)),
        h("td", { style: `${STYLE.td};${STYLE.num}` }, String(f.budget)),
        h("td", { style: `${STYLE.td};color:${f.inlinable ? COLOR.good : f.almost ? COLOR.warn : COLOR.bad};font-weight:600` }, rows[i][4]),
        h("td", { style: `${STYLE.td};white-space:normal` }, rows[i][5]),
      ),
    ),
  );
  const html = root(
    fns.length ? table : h("div", { style: STYLE.muted }, "No functions in these cells."),
    ...annotatedHtml(cells, { kinds: INLINE_KINDS, quiet: "inlining decisions" }),
    legend(INLINE_KINDS, marks.map((m) => m.kind)),
    h("div", { style: "margin-top:6px;font-weight:600" }, summary),
    h("div", { style: STYLE.footer }, `${report.go_version} · go build -gcflags='${report.flags.join(" ")}'`),
  );
  return { "text/plain": text, "text/html": String(html), [INLINE_MIME]: report };
}

/** The cost as a number and a small bar against the budget (inline SVG-free: two spans). */
function costBar(f: InlineFunction) {
  if (f.cost === undefined) return "—";
  const full = Math.max(f.cost, f.budget);
  const w = (n: number) => `${Math.round((n / full) * 80)}px`;
  const color = f.inlinable ? COLOR.good : f.almost ? COLOR.warn : COLOR.bad;
  return h(
    "span",
    { style: "display:inline-flex;align-items:center;gap:6px" },
    h(
      "span",
      { style: `display:inline-block;position:relative;width:80px;height:8px;background:rgba(128,128,128,0.2);border-radius:2px`, title: `cost ${f.cost}, budget ${f.budget}` },
      h("span", { style: `position:absolute;left:0;top:0;height:8px;width:${w(f.cost)};background:${color};border-radius:2px` }),
      h("span", { style: `position:absolute;left:${w(f.budget)};top:-2px;height:12px;width:1px;background:currentColor` }),
    ),
    String(f.cost),
  );
}
