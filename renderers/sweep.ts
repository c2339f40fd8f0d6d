// The sweep section of %bench's output: a table per size (text and HTML), the chart against n,
// the crossovers and the growth of each function. Browser-safe like benchformat.ts.

import type { Sweep } from "../kernel/reports/sweep.js";
import { formatCi, formatCount, formatDuration, formatSecPerOp } from "./benchformat.js";
import { COLOR, STYLE, h, type Child, type Html } from "./html.js";
import { sweepChart } from "./sweepchart.js";

/** Every value of the x variable any series has, ascending. */
function sizes(sweep: Sweep): number[] {
  return [...new Set(sweep.series.flatMap((s) => s.points.map((p) => p.n)))].sort((a, b) => a - b);
}

/** Rows of one size: [series, sec/op ± CI, B/op, allocs/op, runs] or a failure. */
function rowsAt(sweep: Sweep, n: number): string[][] {
  return sweep.series.flatMap((s) => {
    const p = s.points.find((q) => q.n === n);
    if (!p) return [];
    if (p.failed) return [[s.name, `failed: ${p.failed}`, "", "", ""]];
    const ns = p.summary.ns_per_op;
    return [[s.name, `${formatSecPerOp(ns.median)} ${formatCi(ns)}`, formatCount(p.summary.bytes_per_op), formatCount(p.summary.allocs_per_op), `n=${p.summary.runs}`]];
  });
}

function pad(rows: string[][], right: boolean[]): string[] {
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? "")].length)));
  return rows.map((r) => r.map((cell, c) => (right[c] ? cell.padStart(w[c]) : cell.padEnd(w[c]))).join("  ").trimEnd());
}

export function sweepText(sweep: Sweep): string[] {
  const x = sweep.vars[0];
  const out: string[] = [`sweep over ${sweep.vars.join(" × ")}: ${sweep.series.length} series × ${sizes(sweep).length} sizes`];
  for (const n of sizes(sweep)) {
    out.push("", `${x}=${n}`, ...pad([["", "sec/op", "B/op", "allocs/op", "runs"], ...rowsAt(sweep, n)], [false, false, true, true, false]));
  }
  if (sweep.crossovers.length) out.push("", ...sweep.crossovers.map((c) => `crossover: ${c.text}`));
  if (sweep.growth.length) out.push("", ...sweep.growth.map((g) => `growth: ${g.text}`));
  return out;
}

const cellStyle = `${STYLE.td}`;

function sizeTable(sweep: Sweep, n: number): Html {
  const rows = rowsAt(sweep, n);
  const head = ["", "ns/op (median ± 95% CI)", "B/op", "allocs/op", "runs"];
  return h(
    "table",
    { style: `${STYLE.table};margin:2px 0 6px 0` },
    h("caption", { style: "text-align:left;font-weight:700;font-size:12px;padding:2px 0" }, `${sweep.vars[0]}=${n}`),
    h("thead", null, h("tr", { style: STYLE.tr }, ...head.map((x, i) => h("th", { style: `${STYLE.th}${i > 0 && i < 4 ? `;${STYLE.num}` : ""}` }, x)))),
    h(
      "tbody",
      null,
      ...rows.map((r) =>
        h(
          "tr",
          { style: STYLE.tr },
          ...r.map((c, i): Child => {
            if (i === 1 && c.startsWith("failed")) return h("td", { style: `${cellStyle};color:${COLOR.bad}`, colspan: 4 }, c);
            if (r[1].startsWith("failed") && i > 1) return null;
            return h("td", { style: `${cellStyle}${i > 0 && i < 4 ? `;${STYLE.num}` : ""}` }, c);
          }),
        ),
      ),
    ),
  );
}

/** "100.0 µs" → "100 µs", "1.500 ns" → "1.5 ns": axis labels and hovers need no trailing zeros. */
export function axisDuration(ns: number): string {
  return formatDuration(ns).replace(/\.?0+ /, (m) => (m.startsWith(".") ? " " : m)).replace(/(\.\d*?)0+ /, "$1 ");
}

export function sweepHtml(sweep: Sweep): Html {
  const findings = [
    ...sweep.crossovers.map((c) => ({ text: `⇄ ${c.text}`, color: "currentColor" })),
    ...sweep.growth.map((g) => ({ text: `↗ ${g.text}`, color: g.poorFit ? COLOR.warn : "currentColor" })),
  ];
  return h(
    "div",
    { style: "margin:8px 0" },
    h("div", { style: STYLE.heading }, `Sweep over ${sweep.vars.join(" × ")}`),
    sweepChart(sweep, { formatNs: axisDuration }),
    findings.length ? h("div", { style: "margin:6px 0;font-size:12.5px" }, ...findings.map((f) => h("div", { style: `color:${f.color}` }, f.text))) : null,
    h("div", { style: "display:flex;flex-wrap:wrap;gap:4px 16px" }, ...sizes(sweep).map((n) => sizeTable(sweep, n))),
  );
}
