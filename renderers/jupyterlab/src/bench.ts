// The interactive view of %bench's report: the benchstat-like table the static HTML shows, with
// sortable columns (click a header: ascending, again: descending), the comparison table sortable
// the same way, and the exact `go test` output one click away for benchstat.

import { el, type Child } from "./dom.js";
import { deltaCell, displayName, formatCi, formatCount, formatDelta, formatDuration, formatGeomeanChange, formatP, warningsFor } from "../../benchformat.js";
import { benchChart } from "../../benchchart.js";
import { sweepHtml } from "../../sweep.js";
import type { Html } from "../../html.js";
import type { BenchComparisonRow, BenchEntry, BenchReport, CountSummary, MetricComparison } from "../../../kernel/reports/index.js";

/**
 * The kernel's own chart markup as nodes. Every text in it went through html.ts's escaping, and
 * DOMParser builds an inert document (no script runs, no resource loads while parsing), so this
 * is the same markup the static HTML shows, never the report's strings as markup.
 */
function markupNode(markup: Html): Node {
  const doc = new DOMParser().parseFromString(`<div>${String(markup)}</div>`, "text/html");
  return document.importNode(doc.body.firstElementChild!, true);
}

export interface Column<T> {
  key: string;
  label: string;
  numeric: boolean;
  /** The sort key; undefined sorts last in either direction. */
  value(row: T): number | string | undefined;
  cell(row: T): Child;
  title?: string;
}

export type SortDirection = "ascending" | "descending";

/** A stable sort of `rows` by a column's value; missing values last whichever the direction. */
export function sortRows<T>(rows: readonly T[], column: Column<T>, direction: SortDirection): T[] {
  const sign = direction === "ascending" ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, v: column.value(row) }))
    .sort((a, b) => {
      if (a.v === undefined || b.v === undefined) return (a.v === undefined ? 1 : 0) - (b.v === undefined ? 1 : 0) || a.index - b.index;
      const c = typeof a.v === "number" && typeof b.v === "number" ? a.v - b.v : String(a.v).localeCompare(String(b.v), undefined, { numeric: true });
      return sign * c || a.index - b.index;
    })
    .map((x) => x.row);
}

/** A table whose headers sort it: first click ascending, next descending; aria-sort tells which. */
export function sortableTable<T>(rows: readonly T[], columns: readonly Column<T>[], className: string, rowKey: (row: T) => string): HTMLTableElement {
  const tbody = el("tbody");
  const headers: HTMLTableCellElement[] = [];
  let sortedBy: string | undefined;
  let direction: SortDirection = "ascending";
  const fill = (list: readonly T[]) =>
    tbody.replaceChildren(
      ...list.map((row) => el("tr", { "data-row": rowKey(row) }, ...columns.map((c) => el("td", { className: c.numeric ? "goperf-num" : "" }, c.cell(row))))),
    );
  columns.forEach((column, i) => {
    const button = el("button", { type: "button", className: "goperf-sort", title: column.title ?? `Sort by ${column.label}` }, column.label, el("span", { className: "goperf-sort-mark", "aria-hidden": "true" }, ""));
    const th = el("th", { className: column.numeric ? "goperf-num" : "", "data-key": column.key, "aria-sort": "none" }, button);
    headers.push(th);
    button.addEventListener("click", () => {
      direction = sortedBy === column.key && direction === "ascending" ? "descending" : "ascending";
      sortedBy = column.key;
      headers.forEach((h, j) => {
        h.setAttribute("aria-sort", j === i ? direction : "none");
        h.querySelector(".goperf-sort-mark")!.textContent = j === i ? (direction === "ascending" ? " ▲" : " ▼") : "";
      });
      fill(sortRows(rows, column, direction));
    });
  });
  fill(rows);
  return el("table", { className: `goperf-table ${className}` }, el("thead", null, el("tr", null, ...headers)), tbody);
}

function allocsCell(c: CountSummary | undefined): Child {
  if (!c) return "-";
  const cls = c.exact && c.value === 0 ? "goperf-zero" : c.exact ? "goperf-allocs" : "goperf-varies";
  return el("span", { className: `goperf-count ${cls}`, title: c.exact ? "every run agrees" : "the runs disagree" }, formatCount(c));
}

const BENCH_COLUMNS: readonly Column<BenchEntry>[] = [
  { key: "name", label: "benchmark", numeric: false, value: (b) => displayName(b.name, b.procs), cell: (b) => el("span", { className: "goperf-mono" }, displayName(b.name, b.procs)) },
  {
    key: "ns",
    label: "ns/op (median ± 95% CI)",
    numeric: true,
    value: (b) => b.summary.ns_per_op.median,
    cell: (b) => el("span", null, formatDuration(b.summary.ns_per_op.median), " ", el("span", { className: "goperf-muted" }, formatCi(b.summary.ns_per_op))),
  },
  {
    key: "spread",
    label: "min – max",
    numeric: true,
    value: (b) => b.summary.ns_per_op.spreadPct,
    title: "Sort by the spread of the runs around the median",
    cell: (b) => el("span", { className: "goperf-muted" }, `${formatDuration(b.summary.ns_per_op.min)} – ${formatDuration(b.summary.ns_per_op.max)}`),
  },
  { key: "bytes", label: "B/op", numeric: true, value: (b) => b.summary.bytes_per_op?.value, cell: (b) => formatCount(b.summary.bytes_per_op) },
  { key: "allocs", label: "allocs/op", numeric: true, value: (b) => b.summary.allocs_per_op?.value, cell: (b) => allocsCell(b.summary.allocs_per_op) },
  { key: "runs", label: "runs", numeric: true, value: (b) => b.summary.runs, cell: (b) => `n=${b.summary.runs}` },
];

const COMPARISON_COLUMNS: readonly Column<BenchComparisonRow>[] = [
  { key: "name", label: "benchmark", numeric: false, value: (r) => displayName(r.name, r.procs), cell: (r) => el("span", { className: "goperf-mono" }, displayName(r.name, r.procs)) },
  { key: "before", label: "before", numeric: true, value: (r) => r.before.median, cell: (r) => `${formatDuration(r.before.median)} ${formatCi(r.before)}` },
  { key: "after", label: "after", numeric: true, value: (r) => r.after.median, cell: (r) => `${formatDuration(r.after.median)} ${formatCi(r.after)}` },
  {
    key: "delta",
    label: "vs base",
    numeric: true,
    value: (r) => (Number.isFinite(r.deltaPct) ? r.deltaPct : undefined),
    cell: (r) =>
      el(
        "span",
        { className: r.significant ? (r.deltaPct < 0 ? "goperf-better" : "goperf-worse") : "goperf-muted", title: r.significant ? "significant (Mann-Whitney U)" : "not significant: ~" },
        r.significant ? formatDelta(r.deltaPct) : "~",
      ),
  },
  { key: "p", label: "p", numeric: true, value: (r) => r.p, cell: (r) => formatP(r).slice(1, -1) },
  { key: "bytes", label: "B/op", numeric: true, value: (r) => r.bytes_per_op?.after.median, cell: (r) => countChange(r.bytes_per_op) },
  { key: "allocs", label: "allocs/op", numeric: true, value: (r) => r.allocs_per_op?.after.median ?? r.allocs?.after, cell: (r) => (r.allocs_per_op ? countChange(r.allocs_per_op) : r.allocs ? `${r.allocs.before} → ${r.allocs.after}` : "-") },
];

/** A count before → after with benchstat's verdict (the change, or ~). */
function countChange(m: MetricComparison | undefined): Child {
  if (!m) return "-";
  const [a, b] = [m.before.median, m.after.median];
  return el("span", { title: `${deltaCell(m)} ${formatP(m)}${m.note ? `; ${m.note}` : ""}` }, a === b ? String(b) : `${a} → ${b}`, " ", el("span", { className: m.significant ? (m.deltaPct < 0 ? "goperf-better" : "goperf-worse") : "goperf-muted" }, deltaCell(m)));
}

export function benchView(report: BenchReport): HTMLElement {
  const meta = [
    report.goos && `goos ${report.goos}`,
    report.goarch && `goarch ${report.goarch}`,
    report.pkg && `pkg ${report.pkg}`,
    report.cpu && `cpu ${report.cpu}`,
    report.go_version && `go ${report.go_version}`,
  ].filter(Boolean);
  const warnings = report.benchmarks.flatMap((b) => warningsFor(b).map((w) => `${displayName(b.name, b.procs)}: ${w}`));
  const c = report.comparison;
  return el(
    "div",
    { className: "goperf-bench", "data-goperf-renderer": "bench" },
    el("div", { className: "goperf-footer" }, meta.join(" · ")),
    report.incomplete ? el("div", { className: "goperf-warning goperf-incomplete" }, "interrupted: only the completed runs are shown") : "",
    report.benchmarks.length
      ? sortableTable(report.benchmarks, BENCH_COLUMNS, "goperf-bench-table", (b) => displayName(b.name, b.procs))
      : el("div", { className: "goperf-muted" }, "no benchmark results"),
    warnings.length ? el("div", { className: "goperf-warnings" }, ...warnings.map((w) => el("div", { className: "goperf-warning" }, `⚠ ${w}`))) : "",
    report.sweep ? el("div", { className: "goperf-sweep" }, markupNode(sweepHtml(report.sweep))) : "",
    report.benchmarks.length && !report.sweep ? el("div", { className: "goperf-chart" }, markupNode(benchChart(report))) : "",
    ...[...(report.noise?.before ?? []), ...(report.noise?.after ?? [])].map((f) => el("div", { className: "goperf-warning goperf-noise" }, `⚠ ${f.text}`, el("div", { className: "goperf-muted" }, f.advice))),
    c
      ? el(
          "div",
          { className: "goperf-comparison" },
          el("div", { className: "goperf-heading" }, `${c.current} vs ${c.baseline}`),
          c.config_differs?.length ? el("div", { className: "goperf-warning" }, `configuration differs: ${c.config_differs.map((d) => `${d.key} ${d.before || "(none)"} → ${d.after || "(none)"}`).join("; ")}`) : "",
          c.rows.length
            ? sortableTable(c.rows, COMPARISON_COLUMNS, "goperf-compare-table", (r) => displayName(r.name, r.procs))
            : el("div", { className: "goperf-muted" }, `no benchmark in common with ${c.baseline}`),
          c.rows.length ? el("div", { className: "goperf-muted" }, `geomean ${formatDuration(c.geomean.before)} → ${formatDuration(c.geomean.after)} (${formatGeomeanChange(c.geomean.deltaPct)}) · α = ${c.alpha}`) : "",
          ...(c.unmatched ? [...c.unmatched.baseline.map((n) => `only in ${c.baseline}: ${n}`), ...c.unmatched.current.map((n) => `only in ${c.current}: ${n}`)] : []).map((t) => el("div", { className: "goperf-muted" }, t)),
        )
      : "",
    ...(report.failures ?? []).map((f) => el("div", { className: "goperf-failure" }, el("div", { className: "goperf-heading" }, `${f.name} failed`), el("pre", null, f.output.join("\n")))),
    ...(report.notes ?? []).map((n) => el("div", { className: "goperf-muted" }, n)),
    report.raw ? el("details", { className: "goperf-raw" }, el("summary", null, "go test output (benchstat input)"), el("pre", null, report.raw)) : "",
    el("div", { className: "goperf-footer" }, `go test ${(report.flags ?? []).join(" ")} · allocs/op is exact; ns/op depends on the machine · click a column to sort${report.saved ? ` · saved for benchstat: ${report.saved}` : ""}`),
  );
}
