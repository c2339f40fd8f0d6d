// %bench's report → MIME bundle: a benchstat-like table (text), the same table with a bar chart
// (HTML), and the report itself (vendor JSON).
//
// Numbers are shown the way benchstat shows them, so a reader can put the two side by side: names
// without "Benchmark", "-P" only when GOMAXPROCS > 1, sec/op as median ± 95% interval with SI
// prefixes and 4 significant digits. B/op and allocs/op are exact counts, never rounded: the
// allocation count is the durable fact a chapter teaches, ns/op is weather.

import type { MimeBundle } from "../kernel/protocol.js";
import { BENCH_MIME, type BenchComparison, type BenchComparisonRow, type BenchReport, type CountSummary, type GeomeanRow, type MetricComparison, type NoiseFinding, type Summary } from "../kernel/reports/index.js";
import { displayName, formatCi, formatCount, formatDelta, formatDuration, formatGeomeanChange, formatP, formatSecPerOp, vsBase, warningsFor } from "./benchformat.js";
import { COLOR, FONT_MONO, STYLE, h, pill, root, type Child, type Html } from "./html.js";
import { benchChart } from "./benchchart.js";
import { sweepHtml, sweepText } from "./sweep.js";

export function renderBench(report: BenchReport): MimeBundle {
  return {
    "text/plain": benchText(report),
    "text/html": String(benchHtml(report)),
    [BENCH_MIME]: report,
  };
}

// ---- text -----------------------------------------------------------------------------------

type Align = "l" | "r";

/** Columns padded to their widest cell, two spaces apart, no trailing blanks. */
function textTable(rows: readonly string[][], align: readonly Align[]): string[] {
  const widths = align.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? "")].length)));
  return rows.map((r) =>
    align
      .map((a, c) => {
        const cell = r[c] ?? "";
        const pad = " ".repeat(widths[c] - [...cell].length);
        return a === "r" ? pad + cell : cell + pad;
      })
      .join("  ")
      .trimEnd(),
  );
}

/** "value ± ci" cells with the values right-aligned and the intervals left-aligned among themselves. */
function plusMinus(pairs: readonly [string, string][]): string[] {
  const wv = Math.max(...pairs.map(([v]) => v.length));
  const wc = Math.max(...pairs.map(([, c]) => c.length));
  return pairs.map(([v, c]) => `${v.padStart(wv)}${c ? ` ${c.padEnd(wc)}` : " ".repeat(wc ? wc + 1 : 0)}`);
}

function headerLines(r: BenchReport): string[] {
  const fields: [string, string][] = [
    ["goos", r.goos],
    ["goarch", r.goarch],
    ["pkg", r.pkg],
    ["cpu", r.cpu],
    ["go", r.go_version],
  ];
  return fields.filter(([, v]) => v).map(([k, v]) => `${k}: ${v}`);
}

function totalRuns(r: BenchReport): number {
  return r.benchmarks.reduce((n, b) => n + b.runs.length, 0);
}

function interruptedLine(r: BenchReport): string {
  const n = totalRuns(r);
  return `interrupted: showing the ${n} run${n === 1 ? "" : "s"} that completed`;
}

function otherNotes(r: BenchReport): string[] {
  // The interruption has its own line; the magic's note saying the same is not repeated.
  return r.notes.filter((n) => !(r.incomplete && /^interrupted/.test(n)));
}

/** With a sweep, its tables per size replace the flat table when every benchmark is in the sweep. */
function sweepCovers(r: BenchReport): boolean {
  if (!r.sweep) return false;
  const inSweep = new Set(r.sweep.series.flatMap((s) => s.points.map((p) => p.benchmark)));
  return r.benchmarks.every((b) => inSweep.has(b.name));
}

function noiseText(findings: readonly NoiseFinding[]): string[] {
  return findings.map((f) => `noise: ${f.text}; ${f.advice}`);
}

function compareHeader(c: BenchComparison): string[] {
  const out: string[] = [];
  if (c.baseline_file) out.push(`compared with ${c.baseline_file}`);
  if (c.config_differs?.length) {
    out.push(`configuration differs from ${c.baseline}: ${c.config_differs.map((d) => `${d.key} ${d.before || "(none)"} → ${d.after || "(none)"}`).join("; ")}`);
    // benchstat puts runs whose configuration differs in separate tables unless told to ignore the keys.
    out.push(`benchstat compares the two only with: benchstat -ignore ${c.config_differs.map((d) => d.key).join(",")} ${c.baseline}.txt ${c.current}.txt`);
  }
  return out;
}

function unmatchedText(c: BenchComparison): string[] {
  if (!c.unmatched) return [];
  const out: string[] = [];
  if (c.unmatched.baseline.length) out.push(`only in ${c.baseline} (not compared): ${c.unmatched.baseline.map((n) => displayName(n, 1)).join(", ")}`);
  if (c.unmatched.current.length) out.push(`only in ${c.current} (not compared): ${c.unmatched.current.map((n) => displayName(n, 1)).join(", ")}`);
  return out;
}

/** Per-benchmark warnings, less the spread ones when the noise finding after the run names them all. */
function benchWarnings(r: BenchReport, b: BenchReport["benchmarks"][number]): string[] {
  const spreadNamed = r.noise?.after.some((f) => f.kind === "spread") ?? false;
  return warningsFor(b).filter((w) => !(spreadNamed && /^noisy:/.test(w)));
}

function benchText(r: BenchReport): string {
  const out = headerLines(r);
  if (r.noise) out.push(...noiseText(r.noise.before));
  if (r.incomplete) out.push(interruptedLine(r));
  if (r.sweep) out.push("", ...sweepText(r.sweep));
  if (r.benchmarks.length && sweepCovers(r)) {
    for (const b of r.benchmarks) for (const w of benchWarnings(r, b)) out.push(`${displayName(b.name, b.procs)}: ${w}`);
  } else if (r.benchmarks.length) {
    const secs = plusMinus(r.benchmarks.map((b) => [formatSecPerOp(b.summary.ns_per_op.median), formatCi(b.summary.ns_per_op)]));
    const rows = [
      ["", "sec/op", "B/op", "allocs/op", "runs"],
      ...r.benchmarks.map((b, i) => [
        displayName(b.name, b.procs),
        secs[i],
        formatCount(b.summary.bytes_per_op),
        formatCount(b.summary.allocs_per_op),
        `n=${b.summary.runs}`,
      ]),
    ];
    out.push(...textTable(rows, ["l", "l", "r", "r", "l"]));
    for (const b of r.benchmarks) for (const w of benchWarnings(r, b)) out.push(`${displayName(b.name, b.procs)}: ${w}`);
  }
  if (r.noise?.after.length) out.push("", ...noiseText(r.noise.after));
  if (r.comparison) out.push("", ...compareHeader(r.comparison), ...comparisonText(r.comparison), ...unmatchedText(r.comparison));
  for (const f of r.failures) out.push("", `FAIL ${f.name}`, ...f.output.map((l) => `    ${l}`));
  const notes = otherNotes(r);
  if (notes.length) out.push("", ...notes);
  if (r.saved) out.push("", `saved for benchstat: ${r.saved}`);
  return out.join("\n");
}

function comparisonText(c: BenchComparison): string[] {
  if (c.rows.length === 0) return [`no benchmark in common with ${c.baseline}`];
  const lines = unitTable(c, "sec/op", c.rows, formatSecPerOp, c.geomean);
  for (const unit of ["bytes_per_op", "allocs_per_op"] as const) {
    const rows = c.rows.flatMap((r) => (r[unit] ? [{ ...r[unit]!, name: r.name, procs: r.procs }] : []));
    if (rows.length) lines.push("", ...unitTable(c, UNIT_LABEL[unit], rows, formatExact, c.geomeans?.[unit]));
  }
  if (c.rows.some((r) => r.tooFew || r.bytes_per_op?.tooFew || r.allocs_per_op?.tooFew)) lines.push(`~: too few runs on one side to detect a difference at α=${c.alpha}`);
  return lines;
}

const UNIT_LABEL = { bytes_per_op: "B/op", allocs_per_op: "allocs/op" } as const;

/** B/op and allocs/op are counts: shown whole, not scaled, where they are whole. */
function formatExact(v: number): string {
  return Number.isFinite(v) ? String(Number.isInteger(v) ? v : Number(v.toPrecision(6))) : "-";
}

type UnitRow = MetricComparison & { name: string; procs: number };

/** One of benchstat's tables: a unit's medians ± CI on both sides, "vs base", and the geomean row. */
function unitTable(c: BenchComparison, unit: string, rows: readonly UnitRow[], format: (v: number) => string, geo: GeomeanRow | undefined): string[] {
  const cell = (s: Summary): [string, string] => [format(s.median), formatCi(s)];
  const gcell = (v: number | undefined): [string, string] => [v !== undefined && Number.isFinite(v) && v > 0 ? format(v) : "", ""];
  const showGeo = rows.length > 1 && geo !== undefined;
  const before = plusMinus([...rows.map((r) => cell(r.before)), ...(showGeo ? [gcell(geo.before)] : [])]);
  const after = plusMinus([...rows.map((r) => cell(r.after)), ...(showGeo ? [gcell(geo.after)] : [])]);
  const table: string[][] = [
    ["", c.baseline, c.current, ""],
    ["", unit, unit, "vs base"],
    ...rows.map((r, i) => [displayName(r.name, r.procs), before[i], after[i], vsBase(r)]),
    ...(showGeo ? [["geomean", before[rows.length], after[rows.length], formatGeomeanChange(geo.deltaPct)]] : []),
  ];
  return textTable(table, ["l", "l", "l", "l"]);
}

function formatGeomeanDelta(c: BenchComparison): string {
  return formatGeomeanChange(c.geomean.deltaPct);
}

// ---- HTML -----------------------------------------------------------------------------------

const td = (style = "") => ({ style: `${STYLE.td}${style ? `;${style}` : ""}` });
const th = (style = "") => ({ style: `${STYLE.th}${style ? `;${style}` : ""}` });
const NUM = STYLE.num;

function allocsPill(c: CountSummary | undefined): Html | string {
  if (!c) return "-";
  const zero = c.exact && c.value === 0;
  const label = c.exact ? String(c.value) : `${c.min}–${c.max} (varies)`;
  const title = zero ? "no heap allocation per operation" : c.exact ? `${c.value} heap allocation${c.value === 1 ? "" : "s"} per operation` : "allocs/op differs between runs";
  return pill(label, zero ? COLOR.good : COLOR.bad, "#ffffff", title, "font-size:12px;font-weight:700;font-family:" + FONT_MONO);
}

function tableHtml(headers: Child[], rows: Child[][], numeric: boolean[]): Html {
  return h(
    "table",
    { style: STYLE.table },
    h("thead", null, h("tr", { style: STYLE.tr }, ...headers.map((x, i) => h("th", th(numeric[i] ? NUM : ""), x)))),
    h("tbody", null, ...rows.map((r) => h("tr", { style: STYLE.tr }, ...r.map((x, i) => h("td", td(numeric[i] ? NUM : ""), x))))),
  );
}

function mono(text: string): Html {
  return h("span", { style: `font-family:${FONT_MONO}` }, text);
}

function resultsTable(r: BenchReport): Html {
  const rows = r.benchmarks.map((b) => {
    const ns = b.summary.ns_per_op;
    return [
      mono(displayName(b.name, b.procs)),
      h("span", null, formatDuration(ns.median), " ", h("span", { style: STYLE.muted }, formatCi(ns))),
      h("span", { style: STYLE.muted }, `${formatDuration(ns.min)} – ${formatDuration(ns.max)}`),
      formatCount(b.summary.bytes_per_op),
      allocsPill(b.summary.allocs_per_op),
      `n=${b.summary.runs}`,
    ];
  });
  return tableHtml(["benchmark", "ns/op (median ± 95% CI)", "min – max", "B/op", h("b", null, "allocs/op"), "runs"], rows, [false, true, true, true, true, false]);
}

function comparisonHtml(c: BenchComparison): Html {
  if (c.rows.length === 0) return h("div", { style: STYLE.muted }, `no benchmark in common with ${c.baseline}`);
  const delta = (r: Pick<BenchComparisonRow, "significant" | "tooFew" | "deltaPct">): Html => {
    if (!r.significant) return h("span", { style: STYLE.muted, title: r.tooFew ? "too few runs to tell" : "not a significant difference" }, "~");
    const better = r.deltaPct < 0;
    return h("span", { style: `font-weight:600;color:${better ? COLOR.good : COLOR.bad}` }, formatDelta(r.deltaPct));
  };
  const cell = (s: Summary) => h("span", null, formatDuration(s.median), " ", h("span", { style: STYLE.muted }, formatCi(s)));
  const hasAllocs = c.rows.some((r) => r.allocs);
  const hasBytes = c.rows.some((r) => r.bytes_per_op);
  // B/op and allocs/op: the two counts and benchstat's verdict on them (a change, or ~).
  const countChange = (m: MetricComparison | undefined, pills: boolean): Child => {
    if (!m) return "-";
    const shown = { before: m.before.median, after: m.after.median };
    const counts = pills ? allocsChangeHtml(shown) : h("span", null, shown.before === shown.after ? String(shown.after) : `${shown.before} → ${shown.after}`);
    return h("span", { title: `${vsBase(m)}${m.note ? `; ${m.note}` : ""}` }, counts, " ", m.significant ? delta(m) : h("span", { style: STYLE.muted }, "~"));
  };
  const rows: Child[][] = c.rows.map((r) => [
    mono(displayName(r.name, r.procs)),
    cell(r.before),
    cell(r.after),
    delta(r),
    h("span", { style: STYLE.muted }, formatP(r)),
    hasBytes ? countChange(r.bytes_per_op, false) : null,
    hasAllocs ? (r.allocs_per_op ? countChange(r.allocs_per_op, true) : r.allocs ? allocsChangeHtml(r.allocs) : "-") : null,
  ]);
  const geo = h("b", null, "geomean");
  const geoChange = (g: GeomeanRow | undefined) => (g ? h("b", null, formatGeomeanChange(g.deltaPct)) : "");
  rows.push([
    geo,
    Number.isFinite(c.geomean.before) ? formatDuration(c.geomean.before) : "-",
    Number.isFinite(c.geomean.after) ? formatDuration(c.geomean.after) : "-",
    h("b", null, formatGeomeanDelta(c)),
    "",
    hasBytes ? geoChange(c.geomeans?.bytes_per_op) : null,
    hasAllocs ? geoChange(c.geomeans?.allocs_per_op) : null,
  ]);
  const headers: Child[] = ["benchmark", mono(c.baseline), mono(c.current), "vs base", "", hasBytes ? "B/op" : null, hasAllocs ? h("b", null, "allocs/op") : null];
  const keep = headers.map((x) => x !== null);
  return tableHtml(
    headers.filter((_, i) => keep[i]),
    rows.map((r) => r.filter((_, i) => keep[i])),
    [false, true, true, true, false, true, true].filter((_, i) => keep[i]),
  );
}

function allocsChangeHtml(a: { before: number; after: number }): Html {
  const p = (n: number) => pill(String(n), n === 0 ? COLOR.good : COLOR.bad, "#ffffff", undefined, `font-size:12px;font-weight:700;font-family:${FONT_MONO}`);
  return a.before === a.after ? p(a.after) : h("span", null, p(a.before), " → ", p(a.after));
}

function noiseHtml(findings: readonly NoiseFinding[]): Html {
  return h(
    "div",
    { style: "margin:4px 0" },
    ...findings.map((f) => h("div", { style: `color:${COLOR.warn}` }, `⚠ ${f.text}`, h("div", { style: `${STYLE.muted};${STYLE.small};margin-left:1.4em` }, f.advice))),
  );
}

function listHtml(items: string[], color: string, mark: string): Html {
  return h(
    "div",
    { style: "margin:4px 0" },
    ...items.map((w) => h("div", { style: `color:${color}` }, `${mark} ${w}`)),
  );
}

function benchHtml(r: BenchReport): Html {
  const header = headerLines(r).map((l) => l.replace(/^(\w+): /, "$1 "));
  const warnings = r.benchmarks.flatMap((b) => benchWarnings(r, b).map((w) => `${displayName(b.name, b.procs)}: ${w}`));
  const notes = otherNotes(r);
  return root(
    h("div", { style: `${STYLE.muted};${STYLE.small}` }, header.join(" · ")),
    r.noise?.before.length ? noiseHtml(r.noise.before) : null,
    r.incomplete ? h("div", { style: `color:${COLOR.warn};font-weight:700;margin:4px 0` }, `⏸ ${interruptedLine(r)}`) : null,
    r.benchmarks.length && !sweepCovers(r) ? resultsTable(r) : null,
    warnings.length ? listHtml(warnings, COLOR.warn, "⚠") : null,
    r.sweep ? sweepHtml(r.sweep) : null,
    r.benchmarks.length && !sweepCovers(r) ? h("div", { style: "margin:8px 0" }, benchChart(r)) : null,
    r.noise?.after.length ? noiseHtml(r.noise.after) : null,
    r.comparison
      ? h(
          "div",
          { style: "margin-top:8px" },
          h("div", { style: STYLE.heading }, "Compared with ", mono(r.comparison.baseline), h("span", { style: `${STYLE.muted};font-weight:400` }, ` (Mann-Whitney U, α=${r.comparison.alpha}; ~ = no significant difference)`)),
          ...compareHeader(r.comparison).map((l) => h("div", { style: `${STYLE.small};color:${/differs/.test(l) ? COLOR.warn : "inherit"}` }, l)),
          comparisonHtml(r.comparison),
          ...unmatchedText(r.comparison).map((l) => h("div", { style: `${STYLE.muted};${STYLE.small}` }, l)),
        )
      : null,
    ...r.failures.map((f) =>
      h(
        "div",
        { style: "margin-top:8px" },
        h("div", { style: `color:${COLOR.bad};font-weight:700` }, `✗ FAIL ${f.name}`),
        h("pre", { style: STYLE.pre }, f.output.join("\n")),
      ),
    ),
    notes.length ? listHtml(notes, COLOR.muted, "•") : null,
    h("div", { style: STYLE.footer }, `go test ${r.flags.join(" ")}`, " · allocs/op is exact; ns/op depends on the machine", r.saved ? ` · saved for benchstat: ${r.saved}` : ""),
  );
}
