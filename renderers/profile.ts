// %profile's report -> MIME bundle: the benchmark's run-time costs on the cell's source, each line
// with its figures beside the compiler's decision for it (text and HTML), the top functions, the
// flame graph (--cpu) or the GC chart (--gc), the raw profile as a download link, and the report.

import type { MimeBundle } from "../kernel/protocol.js";
import { PROFILE_MIME, type GcCycle, type ProfileFigures, type ProfileFunction, type ProfileReport } from "../kernel/reports/profile.js";
import { annotatedHtml, annotatedText, legend, type AnnotatedCell, type BadgeKinds, type Mark } from "./annotated.js";
import { ESCAPE_KINDS } from "./escape.js";
import { flameGraph } from "./flamegraph.js";
import { figuresText, num } from "./profileformat.js";
import { COLOR, STYLE, h, root, type Html } from "./html.js";
import { s } from "./svg.js";

/** Rows of the functions table (the JSON keeps up to the report's own limit). */
const TOP_FUNCTIONS = 15;

export function renderProfile(report: ProfileReport): MimeBundle {
  return { "text/plain": profileText(report), "text/html": profileHtml(report).html, [PROFILE_MIME]: report };
}

function kindTitle(report: ProfileReport): string {
  const what = { mem: "allocations", cpu: "CPU", block: "blocking", mutex: "lock contention", gc: "garbage collection" }[report.kind];
  const title = `%profile --${report.kind} ${report.benchmark} (${report.go_version}): ${what}, ${report.iterations} iterations`;
  if (!report.before) return title;
  const differ = report.lines.filter((l) => l.differs).length;
  return `${title}; compared with ${report.before.go_version}: ${differ ? `${differ} line${differ === 1 ? "" : "s"} differ` : "every line the same"}`;
}

/** The functions worth a row: for allocations, those with some per iteration (the JSON keeps all). */
function shownFunctions(r: ProfileReport): ProfileFunction[] {
  const fs = r.kind === "mem" ? r.functions.filter((f) => (f.cum.allocs_per_op ?? 0) > 0 || (f.cum.bytes_per_op ?? 0) > 0) : r.functions;
  return fs.slice(0, TOP_FUNCTIONS);
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
  out.push(...annotatedText(profileCells(r), viewOf(r)));
  if (r.lines.length === 0) out.push(r.kind === "mem" ? "no allocations on the cell lines: 0 allocs/op" : `${r.samples_total} samples, none on the cell lines`);
  if (r.kind === "mem") out.push(memTotal(r));
  out.push(`top functions (flat / cumulative):`);
  for (const f of shownFunctions(r)) out.push(`  ${figuresText(f.flat, r.kind).padEnd(28)} ${figuresText(f.cum, r.kind).padEnd(28)} ${f.name}`);
  return out.concat(r.notes).join("\n");
}

function memTotal(r: ProfileReport): string {
  const sum = (k: "allocs_per_op" | "bytes_per_op") => r.lines.reduce((t, l) => t + (l[k] ?? 0), 0);
  const rep = r.reported;
  const said = rep ? ` (the testing package reported ${rep.allocs_per_op ?? "?"} allocs/op, ${rep.bytes_per_op ?? "?"} B/op)` : "";
  const unseen = r.unattributed_allocs_per_op ? `; ${num(r.unattributed_allocs_per_op)} allocs/op not attributed` : "";
  return `total on cell lines: ${num(sum("allocs_per_op"))} allocs/op, ${num(sum("bytes_per_op"))} B/op${said}${unseen}`;
}

// ---- HTML -----------------------------------------------------------------------------------


function profileHtml(r: ProfileReport): Html {
  const parts: (Html | null)[] = [h("div", { style: STYLE.heading }, kindTitle(r))];
  if (r.kind === "gc") parts.push(gcChart(r.gc!.cycles), h("div", null, `${r.gc!.cycles.length} collections, ${num(r.gc!.gcs_per_op)} GCs/op`));
  else {
    const cells = profileCells(r);
    parts.push(...annotatedHtml(cells, { ...viewOf(r), quiet: "run-time costs" }), legend(PROFILE_KINDS, cells.flatMap((c) => c.marks.map((m) => m.kind))));
    if (r.kind === "mem") parts.push(h("div", { style: STYLE.muted }, memTotal(r)));
    if (r.flame) parts.push(h("div", { style: STYLE.heading }, "flame graph"), flameGraph(r.flame, (v) => `${v} samples`));
    parts.push(functionsTable(shownFunctions(r), r.kind));
  }
  for (const n of r.notes) parts.push(h("div", { style: STYLE.footer }, n));
  if (r.raw_base64) {
    parts.push(
      h("div", { style: STYLE.footer }, h("a", { href: `data:application/octet-stream;base64,${r.raw_base64}`, download: `${r.benchmark}.${r.kind}.pb.gz` }, "download the raw profile"), " (open it with go tool pprof)"),
    );
  }
  return root(...parts);
}

/** Run-time figures as one more badge kind of the annotated view, beside the compiler's decision kinds. */
export const PROFILE_KINDS: BadgeKinds = {
  runtime: { badge: "run time", bg: "#c92a2a", fg: "#ffffff", meaning: "measured at run time: what this line costs per iteration (calls into other packages included)", tint: "rgba(201,42,42,0.13)", rank: -1 },
  "runtime-none": { badge: "run time", bg: "#2b8a3e", fg: "#ffffff", meaning: "measured at run time: nothing per iteration on this line" },
  ...ESCAPE_KINDS,
};

function viewOf(r: ProfileReport) {
  return { kinds: PROFILE_KINDS, releases: r.before ? ([r.before.go_version, r.go_version] as const) : undefined };
}

/** Each cell's profiled lines as marks: the run-time figures (per release, where two differ), then the compiler's decisions. */
export function profileCells(r: ProfileReport): AnnotatedCell[] {
  return r.cells.map((c) => {
    const marks: Mark[] = [];
    for (const l of r.lines.filter((x) => x.cell === c.cell)) {
      const runtime = (f: ProfileFigures, iterations: number, side?: "before" | "after"): Mark => {
        const text = figuresText(f, r.kind, iterations);
        return { cell: l.cell, line: l.line, kind: hasCost(f, r.kind) ? "runtime" : "runtime-none", text: l.func && !side ? `${text} (in ${l.func})` : text, badge: figuresText(f, r.kind), side };
      };
      if (r.before && l.differs) {
        if (l.before) marks.push(runtime(l.before, r.before.iterations, "before"));
        marks.push(runtime(l, r.iterations, "after"));
      } else marks.push(runtime(l, r.iterations));
      for (const d of l.decisions) if (d.kind in ESCAPE_KINDS) marks.push({ cell: l.cell, line: l.line, col: d.col, kind: d.kind, text: d.message });
    }
    const total = r.lines.filter((x) => x.cell === c.cell && hasCost(x, r.kind)).length;
    return { cell: c.cell, source: c.source, marks, note: `${total} line${total === 1 ? "" : "s"} with run-time cost`, silence: "no run-time cost on this cell's lines" };
  });
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
