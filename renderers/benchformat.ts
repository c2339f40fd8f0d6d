// How %bench's numbers read, wherever they are shown (the kernel's text and HTML, the JupyterLab
// extension's view): benchstat's names, sec/op with SI prefixes and 4 significant digits, exact
// counts, the change and its p-value, and the warnings the numbers call for. Browser-safe: it
// imports nothing but the report's types.

import type { BenchEntry, CountSummary, Summary } from "../kernel/reports/index.js";

/** Runs a 95% order-statistic interval of the median needs (fewer leave it unbounded). */
const RUNS_FOR_CI = 6;
/** Above this spread of runs around the median, the timing is flagged as noisy. */
const NOISY_SPREAD_PCT = 10;

/** benchstat's display name: "BenchmarkSquareQuiet" at procs 8 → "SquareQuiet-8"; no suffix at 1. */
export function displayName(name: string, procs: number): string {
  const bare = name.startsWith("Benchmark") && name.length > "Benchmark".length ? name.slice("Benchmark".length) : name;
  return procs > 1 ? `${bare}-${procs}` : bare;
}

const PREFIXES: ReadonlyArray<[string, number]> = [
  ["p", 1e-3],
  ["n", 1],
  ["µ", 1e3],
  ["m", 1e6],
  ["", 1e9],
];

function fourDigits(v: number): string {
  return v >= 100 ? v.toFixed(1) : v >= 10 ? v.toFixed(2) : v.toFixed(3);
}

/** Nanoseconds → [digits, SI prefix of seconds], 4 significant digits: 15.02 → ["15.02", "n"]. */
export function scaleNanos(ns: number): [string, string] {
  if (ns === 0) return ["0", ""];
  if (!Number.isFinite(ns)) return ["?", ""];
  const abs = Math.abs(ns);
  let i = PREFIXES.length - 1;
  while (i > 0 && abs < PREFIXES[i][1]) i--;
  let digits = fourDigits(ns / PREFIXES[i][1]);
  // 999.96n rounds to 1000.0n: say 1.000µ instead.
  if (Math.abs(Number(digits)) >= 1000 && i < PREFIXES.length - 1) digits = fourDigits(ns / PREFIXES[++i][1]);
  return [digits, PREFIXES[i][0]];
}

/** benchstat's sec/op figure: 15.02 ns → "15.02n", 13 900 ns → "13.90µ". */
export function formatSecPerOp(ns: number): string {
  const [digits, prefix] = scaleNanos(ns);
  return digits + prefix;
}

/** For reading rather than pasting: 15.02 ns → "15.02 ns". */
export function formatDuration(ns: number): string {
  const [digits, prefix] = scaleNanos(ns);
  return digits === "0" || digits === "?" ? digits : `${digits} ${prefix}s`;
}

/**
 * Go's fmt "%.Nf": the decimal nearest the binary value, an exact half rounded to even (Go prints
 * 12.5 as "12" where JavaScript's toFixed says "13"). benchstat's cells are made with it, and a
 * reader comparing goperf's table with benchstat's must see the same digits.
 */
export function goFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "NaN" : x > 0 ? "+Inf" : "-Inf";
  // toFixed(digits + 25) is exact enough to see whether the value sits on a half exactly.
  const long = Math.abs(x).toFixed(Math.min(100, digits + 25));
  const cut = long.length - 25;
  const tail = long.slice(cut);
  if (!/^50*$/.test(tail)) return x.toFixed(digits);
  const kept = long.slice(0, cut).replace(/\.$/, "");
  const last = Number(kept[kept.length - 1]);
  if (last % 2 === 0) return (x < 0 ? "-" : "") + kept;
  return x.toFixed(digits);
}

/** "± 3%", "± ∞" when the runs are too few for an interval, "± ?" when it crosses zero (benchstat's PctRangeString). */
export function formatCi(s: Summary): string {
  if (s.ciPct !== undefined) return `± ${goFixed(s.ciPct, 0)}%`;
  return s.tooFew ? "± ∞" : "± ?";
}

/** An exact count, or "min–max (varies)" when the runs disagree. */
export function formatCount(c: CountSummary | undefined): string {
  if (!c) return "-";
  return c.exact ? String(c.value) : `${c.min}–${c.max} (varies)`;
}

/** benchstat's delta: "+1.50%", "0.00%" for no change at all, "?" from zero. */
export function formatDelta(pct: number): string {
  if (!Number.isFinite(pct)) return "?";
  if (pct === 0) return "0.00%";
  return `${pct > 0 ? "+" : ""}${goFixed(pct, 2)}%`;
}

/** The geomean row's change ("%+.2f%%" in benchstat: no change reads "+0.00%"), "?" when undefined. */
export function formatGeomeanChange(pct: number): string {
  if (!Number.isFinite(pct)) return "?";
  return `${pct >= 0 ? "+" : ""}${goFixed(pct, 2)}%`;
}

/** The parts of a comparison the "vs base" cell shows. */
export interface Compared {
  before: { n: number };
  after: { n: number };
  p: number;
  deltaPct: number;
  significant: boolean;
}

/** benchstat's "(p=0.002 n=6)"; p is left out when it is exactly 0, as benchstat does. */
export function formatP(row: Compared): string {
  const n = row.before.n === row.after.n ? `n=${row.before.n}` : `n=${row.before.n}+${row.after.n}`;
  return `(${row.p !== 0 ? `p=${goFixed(row.p, 3)} ` : ""}${n})`;
}

/** benchstat's delta cell: the change when the U test calls it real, "~" otherwise. */
export function deltaCell(row: Compared): string {
  return row.significant ? formatDelta(row.deltaPct) : "~";
}

/** benchstat's "vs base" cell: the delta and the test. */
export function vsBase(row: Compared): string {
  return `${deltaCell(row)} ${formatP(row)}`;
}

/** The warnings a reader sees under the table, derived from the numbers. */
export function warningsFor(b: BenchEntry): string[] {
  const ns = b.summary.ns_per_op;
  const out: string[] = [];
  if (ns.tooFew) out.push(`too few runs for a 95% interval (need ${RUNS_FOR_CI})`);
  if (ns.spreadPct > NOISY_SPREAD_PCT) out.push(`noisy: runs spread ${Math.round(ns.spreadPct)}%`);
  // The report's own warnings, less those the numbers above already say (the magic words them
  // for the JSON reader; shown twice they would read as two problems).
  for (const w of b.summary.warnings ?? []) if (!/^(too few runs|runs spread|allocs\/op varies)/.test(w)) out.push(w);
  return out;
}

/** Axis ticks in one unit chosen from the axis's extent: 0, 25, 50 ns … or 0, 0.5, 1 µs …. */
export function tickFormatter(max: number): (v: number) => string {
  const [, prefix] = scaleNanos(max > 0 ? max : 1);
  const factor = PREFIXES.find(([p]) => p === prefix)?.[1] ?? 1;
  return (v) => (v === 0 ? "0" : `${Number((v / factor).toPrecision(4))} ${prefix}s`);
}
