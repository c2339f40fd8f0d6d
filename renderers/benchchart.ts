// %bench's bar chart (ns/op median per benchmark, whiskers from the fastest to the slowest run, the
// allocs/op beside each bar). Browser-safe: the kernel's HTML and the JupyterLab view draw the same.

import { displayName, formatDuration, tickFormatter } from "./benchformat.js";
import type { BenchReport } from "../kernel/reports/index.js";
import { COLOR, type Html } from "./html.js";
import { barChart } from "./svg.js";

export function benchChart(r: BenchReport): Html {
  const rows = r.benchmarks.map((b) => {
    const ns = b.summary.ns_per_op;
    const a = b.summary.allocs_per_op;
    const allocs = a ? ` · ${a.exact ? a.value : `${a.min}–${a.max}`} allocs/op` : "";
    // A benchmark without runs (interrupted at once) gets an empty bar, not NaN coordinates.
    const known = Number.isFinite(ns.median);
    return {
      label: displayName(b.name, b.procs),
      value: known ? ns.median : 0,
      lo: known ? ns.min : undefined,
      hi: known ? ns.max : undefined,
      note: `${formatDuration(ns.median)}${allocs}`,
      noteColor: a ? (a.exact && a.value === 0 ? COLOR.good : COLOR.bad) : undefined,
      title: `median ${formatDuration(ns.median)}, runs from ${formatDuration(ns.min)} to ${formatDuration(ns.max)} (n=${b.summary.runs})`,
    };
  });
  const domainMax = Math.max(...rows.map((x) => Math.max(x.value, x.hi ?? 0)));
  return barChart(rows, {
    width: 640,
    title: "ns/op, median per benchmark; whiskers from the fastest to the slowest run",
    formatTick: tickFormatter(domainMax),
  });
}

