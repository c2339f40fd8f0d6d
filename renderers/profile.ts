// %profile's report -> MIME bundle: the benchmark's run-time costs on the cell's source, each line
// with its figures beside the compiler's decision for it (text and HTML), the top functions, the
// flame graph (--cpu) or the GC chart (--gc), the raw profile as a download link, and the report.

import type { MimeBundle } from "../kernel/protocol.js";
import { PROFILE_MIME, type GcCycle, type ProfileFigures, type ProfileFunction, type ProfileLine, type ProfileReport } from "../kernel/reports/profile.js";
import { flameGraph } from "./flamegraph.js";
import { COLOR, STYLE, fragment, h, highlightGoLines, pill, raw, root, type Html } from "./html.js";
import { s } from "./svg.js";

/** Rows of the functions table (the JSON keeps up to the report's own limit). */
const TOP_FUNCTIONS = 15;

export function renderProfile(report: ProfileReport): MimeBundle {
  return { "text/plain": profileText(report), "text/html": profileHtml(report).html, [PROFILE_MIME]: report };
}

// ---- numbers --------------------------------------------------------------------------------

function num(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? String(Math.round(x * 100) / 100) : String(Math.round(x * 10000) / 10000);
}

function ns(x: number): string {
  return x >= 1e6 ? `${num(x / 1e6)} ms` : x >= 1e3 ? `${num(x / 1e3)} µs` : `${num(x)} ns`;
}

/** The line's figures in words: "1 alloc/op, 8 B/op (+4 once)", "12.5% CPU", "3 µs/op blocked (40%)". */
export function figuresText(f: ProfileFigures, kind: ProfileReport["kind"], iterations = 0): string {
  switch (kind) {
    case "mem": {
      const a = f.allocs_per_op ?? 0;
      const extra = (f.allocs_total ?? 0) - a * iterations;
      const once = extra > 0 && iterations > 0 ? ` (+${extra} over the run)` : "";
      return `${num(a)} alloc${a === 1 ? "" : "s"}/op, ${num(f.bytes_per_op ?? 0)} B/op${once}`;
    }
    case "cpu":
      return `${num(f.cpu_pct ?? 0)}% CPU`;
    default:
      return `${ns(f.delay_ns_per_op ?? 0)}/op waiting (${num(f.delay_pct ?? 0)}%)`;
  }
}

function kindTitle(report: ProfileReport): string {
  const what = { mem: "allocations", cpu: "CPU", block: "blocking", mutex: "lock contention", gc: "garbage collection" }[report.kind];
  return `%profile --${report.kind} ${report.benchmark} (${report.go_version}): ${what}, ${report.iterations} iterations`;
}

// ---- text -----------------------------------------------------------------------------------

function profileText(r: ProfileReport): string {
  const out = [kindTitle(r)];
  if (r.kind === "gc") {
    const g = r.gc!;
    out.push(`${g.cycles.length} collections; ${num(g.gcs_per_op)} GCs/op (forced collections before each run not counted)`);
    for (const c of g.cycles) out.push(`  gc ${c.n} @${c.at_s}s: heap ${c.heap_start_mb}->${c.heap_end_mb}->${c.heap_live_mb} MB, goal ${c.heap_goal_mb} MB, pause ${num(c.pause_ms)} ms`);
    return out.concat(r.notes).join("\n");
  }
  for (const l of r.lines) {
    const decided = l.decisions.filter((d) => d.kind !== "caninline" && d.kind !== "cannotinline").map((d) => d.message);
    const before = r.before ? `  [${r.before.go_version}: ${l.before ? figuresText(l.before, r.kind) : "—"}]${l.differs ? " DIFFERS" : ""}` : "";
    out.push(`cell[${l.cell}]:${l.line}${l.func ? ` (${l.func})` : ""}: ${figuresText(l, r.kind, r.iterations)}${decided.length ? `  — ${decided.join("; ")}` : ""}${before}`);
  }
  if (r.lines.length === 0) out.push(r.kind === "mem" ? "no allocations on the cell lines: 0 allocs/op" : "no samples on the cell lines");
  if (r.kind === "mem") out.push(memTotal(r));
  out.push(`top functions (flat / cumulative):`);
  for (const f of r.functions.slice(0, TOP_FUNCTIONS)) out.push(`  ${figuresText(f.flat, r.kind).padEnd(28)} ${figuresText(f.cum, r.kind).padEnd(28)} ${f.name}`);
  return out.concat(r.notes, r.truncated ? ["(truncated: small frames and functions beyond the top ones are left out)"] : []).join("\n");
}

function memTotal(r: ProfileReport): string {
  const sum = (k: "allocs_per_op" | "bytes_per_op") => r.lines.reduce((t, l) => t + (l[k] ?? 0), 0);
  const rep = r.reported;
  const said = rep ? ` (the testing package reported ${rep.allocs_per_op ?? "?"} allocs/op, ${rep.bytes_per_op ?? "?"} B/op)` : "";
  const unseen = r.unattributed_allocs_per_op ? `; ${num(r.unattributed_allocs_per_op)} allocs/op not attributed` : "";
  return `total on cell lines: ${num(sum("allocs_per_op"))} allocs/op, ${num(sum("bytes_per_op"))} B/op${said}${unseen}`;
}

// ---- HTML -----------------------------------------------------------------------------------

const BADGE = { mem: "#c92a2a", cpu: "#d9480f", block: "#7048e8", mutex: "#7048e8", gc: "#2f7fd0" } as const;

function profileHtml(r: ProfileReport): Html {
  const parts: (Html | null)[] = [h("div", { style: STYLE.heading }, kindTitle(r))];
  if (r.kind === "gc") parts.push(gcChart(r.gc!.cycles), h("div", null, `${r.gc!.cycles.length} collections, ${num(r.gc!.gcs_per_op)} GCs/op`));
  else {
    for (const c of r.cells) parts.push(annotatedCell(c.cell, c.source, r.lines.filter((l) => l.cell === c.cell), r));
    if (r.kind === "mem") parts.push(h("div", { style: STYLE.muted }, memTotal(r)));
    if (r.flame) parts.push(h("div", { style: STYLE.heading }, "flame graph"), flameGraph(r.flame, (v) => `${v} samples`));
    parts.push(functionsTable(r.functions.slice(0, TOP_FUNCTIONS), r.kind));
  }
  for (const n of r.notes) parts.push(h("div", { style: STYLE.footer }, n));
  if (r.truncated) parts.push(h("div", { style: STYLE.footer }, "Truncated: frames under 0.5% and functions beyond the top ones are left out (the raw profile has everything)."));
  if (r.raw_base64) {
    parts.push(
      h("div", { style: STYLE.footer }, h("a", { href: `data:application/octet-stream;base64,${r.raw_base64}`, download: `${r.benchmark}.${r.kind}.pb.gz` }, "download the raw profile"), " (open it with go tool pprof)"),
    );
  }
  return root(...parts);
}

/**
 * The cell's source with the profiled lines marked: a badge with the run-time figures and the
 * compiler's decisions beside it. (To become one badge kind of renderers/annotated.ts.)
 */
function annotatedCell(cell: number, source: string, lines: ProfileLine[], r: ProfileReport): Html {
  const by = new Map(lines.map((l) => [l.line, l]));
  const code = highlightGoLines(source);
  const width = String(code.length).length;
  const rows = code.map((markup, i) => {
    const l = by.get(i + 1);
    const tint = l && hasCost(l, r.kind) ? "background:rgba(201,42,42,0.10)" : "";
    const marks: (Html | string)[] = [];
    if (l) {
      marks.push("  ", pill(figuresText(l, r.kind, r.iterations), hasCost(l, r.kind) ? BADGE[r.kind] : COLOR.good, "#fff", "measured at run time"));
      for (const d of l.decisions.filter((d) => d.kind === "heap" || d.kind === "escape" || d.kind === "inline")) marks.push(" ", h("span", { style: `color:${COLOR.muted}`, title: "the compiler's decision (-m=2)" }, d.message));
      if (r.before) marks.push(" ", pill(`${r.before.go_version}: ${l.before ? figuresText(l.before, r.kind, r.before.iterations) : "—"}`, l.differs ? COLOR.warn : COLOR.muted, "#fff", l.differs ? "differs between the releases" : "the same under both releases"));
    }
    return h("div", { style: tint }, h("span", { style: STYLE.lineNo }, `${String(i + 1).padStart(width)}  `), raw(markup), ...marks);
  });
  return fragment(h("div", { style: `${STYLE.muted};${STYLE.small}` }, `cell[${cell}]`), h("div", { style: STYLE.codeBox }, ...rows));
}

function hasCost(l: ProfileFigures, kind: ProfileReport["kind"]): boolean {
  return kind === "mem" ? (l.allocs_per_op ?? 0) > 0 : kind === "cpu" ? (l.cpu_pct ?? 0) > 0 : (l.delay_pct ?? 0) > 0;
}

function functionsTable(fs: ProfileFunction[], kind: ProfileReport["kind"]): Html {
  const th = (t: string) => h("th", { style: STYLE.th }, t);
  const td = (t: string, n = false) => h("td", { style: n ? `${STYLE.td};${STYLE.num}` : `${STYLE.td};${STYLE.mono}` }, t);
  return h(
    "table",
    { style: STYLE.table },
    h("tr", { style: STYLE.tr }, th("flat"), th("cumulative"), th("function")),
    ...fs.map((f) => h("tr", { style: STYLE.tr }, td(figuresText(f.flat, kind), true), td(figuresText(f.cum, kind), true), td(f.name))),
  );
}

/** Heap at the end of each cycle and the goal it aimed for (lines), pauses (bars), over time. */
function gcChart(cycles: GcCycle[]): Html {
  if (cycles.length === 0) return h("div", { style: STYLE.muted }, "no garbage collection ran during the benchmark");
  const W = 640;
  const H = 180;
  const P = 36;
  const t0 = cycles[0].at_s;
  const t1 = Math.max(cycles[cycles.length - 1].at_s, t0 + 1e-6);
  const maxMb = Math.max(...cycles.map((c) => Math.max(c.heap_end_mb, c.heap_goal_mb)), 1);
  const maxPause = Math.max(...cycles.map((c) => c.pause_ms), 1e-3);
  const x = (t: number) => P + ((t - t0) / (t1 - t0)) * (W - 2 * P);
  const y = (mb: number) => H - P - (mb / maxMb) * (H - 2 * P);
  const path = (f: (c: GcCycle) => number) => cycles.map((c, i) => `${i ? "L" : "M"}${x(c.at_s).toFixed(1)} ${y(f(c)).toFixed(1)}`).join(" ");
  const bars = cycles.map((c) => s("rect", { x: x(c.at_s) - 1, y: H - P, width: 2, height: (c.pause_ms / maxPause) * (P - 8), fill: COLOR.warn }, s("title", null, `gc ${c.n}: pause ${num(c.pause_ms)} ms`)));
  return s(
    "svg",
    { xmlns: "http://www.w3.org/2000/svg", width: W, height: H + 8, viewBox: `0 0 ${W} ${H + 8}`, role: "img", "aria-label": "GC chart", style: "max-width:100%;height:auto;display:block;color:inherit" },
    s("path", { d: path((c) => c.heap_goal_mb), fill: "none", stroke: COLOR.muted, "stroke-dasharray": "4 3" }),
    s("path", { d: path((c) => c.heap_end_mb), fill: "none", stroke: COLOR.accent, "stroke-width": 1.5 }),
    ...bars,
    s("text", { x: P, y: 12, "font-size": 11, fill: "currentColor" }, `heap (MB, blue) and goal (dashed), max ${num(maxMb)} MB; pauses (bars), max ${num(maxPause)} ms`),
    s("text", { x: P, y: H + 6, "font-size": 10, fill: "currentColor" }, `${t0}s`),
    s("text", { x: W - P, y: H + 6, "font-size": 10, fill: "currentColor", "text-anchor": "end" }, `${t1}s`),
  );
}
