// A report's benchmarks → a sweep: the sub-benchmarks named "…/n=64" grouped into one series per
// function, where two functions' confidence intervals separate and swap order (a crossover), and
// how each one's cost grows with n. Works the same for the benchmarks %bench --sweep generates and
// for a cell's own b.Run("n=64", …) sub-benchmarks: only the names matter.

import type { CountSummary, Summary } from "../kernel/go/stats.js";
import type { Crossover, Growth, Sweep, SweepPoint, SweepSeries } from "../kernel/reports/sweep.js";

/** What a sweep needs of a benchmark entry (magics/reports.ts BenchEntry has it). */
export interface SweepInput {
  name: string;
  procs: number;
  summary: { runs: number; ns_per_op: Summary; bytes_per_op?: CountSummary; allocs_per_op?: CountSummary };
}

const KEY = /^([A-Za-z_]\w*)=(-?\d+(?:\.\d+)?)$/;

interface Parsed {
  base: string;
  keys: Record<string, number>;
}

function splitName(name: string): Parsed {
  const segs = name.split("/");
  const keys: Record<string, number> = {};
  const rest: string[] = [];
  for (const seg of segs) {
    const m = KEY.exec(seg);
    if (m && rest.length > 0) keys[m[1]] = Number(m[2]);
    else rest.push(seg);
  }
  return { base: rest.join("/"), keys };
}

/** The variables that take two or more values within one benchmark, in the order first seen. */
function detectVars(parsed: Parsed[]): string[] {
  const seen = new Map<string, Map<string, Set<number>>>();
  for (const p of parsed)
    for (const [k, v] of Object.entries(p.keys)) {
      const byBase = seen.get(k) ?? new Map<string, Set<number>>();
      seen.set(k, byBase);
      const set = byBase.get(p.base) ?? new Set<number>();
      byBase.set(p.base, set);
      set.add(v);
    }
  return [...seen.entries()].filter(([, byBase]) => [...byBase.values()].some((s) => s.size >= 2)).map(([k]) => k);
}

const bare = (name: string) => (name.startsWith("Benchmark") && name.length > 9 ? name.slice(9) : name);

/**
 * Builds the sweep, or undefined when no benchmark was run at two or more sizes. `vars` orders
 * the variables (x first) when %bench --sweep named them; `failed` are the sub-benchmarks that
 * failed, shown as failed points.
 */
export function buildSweep(entries: readonly SweepInput[], failed: readonly { name: string; output: string[] }[] = [], vars?: readonly string[]): Sweep | undefined {
  const parsed = entries.map((e) => splitName(e.name));
  const detected = detectVars(parsed);
  const order = vars ? [...vars.filter((v) => detected.includes(v) || parsed.some((p) => v in p.keys)), ...detected.filter((v) => !vars.includes(v))] : detected;
  if (order.length === 0) return undefined;
  const [x, ...others] = order;
  const series = new Map<string, SweepSeries>();
  const seriesOf = (base: string, procs: number, keys: Record<string, number>) => {
    const at: Record<string, number> = {};
    for (const o of others) if (o in keys) at[o] = keys[o];
    const id = `${base}\u0000${procs}\u0000${JSON.stringify(at)}`;
    let s = series.get(id);
    if (!s) {
      const suffix = Object.entries(at).map(([k, v]) => ` ${k}=${v}`).join("");
      s = { name: `${bare(base)}${procs > 1 ? `-${procs}` : ""}${suffix}`, benchmark: base, procs, at, points: [] };
      series.set(id, s);
    }
    return s;
  };
  entries.forEach((e, i) => {
    const p = parsed[i];
    if (!(x in p.keys)) return;
    const { runs, ns_per_op, bytes_per_op, allocs_per_op } = e.summary;
    const summary: SweepPoint["summary"] = { runs, ns_per_op };
    if (bytes_per_op) summary.bytes_per_op = bytes_per_op;
    if (allocs_per_op) summary.allocs_per_op = allocs_per_op;
    seriesOf(p.base, e.procs, p.keys).points.push({ n: p.keys[x], benchmark: e.name, summary });
  });
  for (const f of failed) {
    const p = splitName(f.name);
    if (!(x in p.keys)) continue;
    const s = seriesOf(p.base, [...series.values()].find((s) => s.benchmark === p.base)?.procs ?? 1, p.keys);
    if (s.points.some((pt) => pt.n === p.keys[x])) continue;
    const why = f.output.find((l) => /panic|timed out|FAIL|fatal/.test(l)) ?? f.output[0] ?? "failed";
    s.points.push({ n: p.keys[x], benchmark: f.name, summary: { runs: 0, ns_per_op: { n: 0, median: NaN, min: NaN, max: NaN, spreadPct: 0, tooFew: true } }, failed: why.trim() });
  }
  const list = [...series.values()].filter((s) => s.points.length >= 2 || s.points.some((p) => p.failed));
  if (list.length === 0) return undefined;
  for (const s of list) s.points.sort((a, b) => a.n - b.n);
  const xs = list.flatMap((s) => s.points.map((p) => p.n));
  const lo = Math.min(...xs.filter((v) => v > 0));
  const hi = Math.max(...xs);
  const logX = Number.isFinite(lo) && hi / lo >= 100 && xs.every((v) => v > 0);
  return { vars: order, series: list, crossovers: crossovers(list, x), growth: list.flatMap((s) => growthOf(s, x)), logX };
}

// ---- crossovers ---------------------------------------------------------------------------

function interval(s: Summary): [number, number] {
  return s.ci ? [s.ci.lo, s.ci.hi] : [s.min, s.max];
}

/** -1: a is faster beyond doubt (its interval entirely below b's), 1: b is, 0: cannot tell. */
function order(a: Summary, b: Summary): -1 | 0 | 1 {
  const [alo, ahi] = interval(a);
  const [blo, bhi] = interval(b);
  if (ahi < blo) return -1;
  if (bhi < alo) return 1;
  return 0;
}

/** Two significant digits: 87.3 → 87, 1234 → 1200. */
function round2(v: number): number {
  return Number(v.toPrecision(2));
}

export function crossovers(series: readonly SweepSeries[], x: string): Crossover[] {
  const out: Crossover[] = [];
  for (let i = 0; i < series.length; i++)
    for (let j = i + 1; j < series.length; j++) {
      const a = series[i];
      const b = series[j];
      const bs = new Map(b.points.filter((p) => !p.failed).map((p) => [p.n, p]));
      const common = a.points.filter((p) => !p.failed && bs.has(p.n)).map((p) => ({ n: p.n, a: p.summary.ns_per_op, b: bs.get(p.n)!.summary.ns_per_op }));
      let last: { n: number; rel: -1 | 1; idx: number } | undefined;
      common.forEach((c, idx) => {
        const rel = order(c.a, c.b);
        if (rel === 0) return;
        if (last && rel !== last.rel) {
          const faster = rel === -1 ? a : b;
          const slower = rel === -1 ? b : a;
          const estimate = crossingEstimate(common.slice(last.idx, idx + 1));
          out.push({
            faster: faster.name,
            slower: slower.name,
            from: last.n,
            to: c.n,
            estimate,
            text: `${faster.name} is faster than ${slower.name} from ${x}≈${round2(estimate)}: ${last.n} → ${c.n}`,
          });
        }
        last = { n: c.n, rel, idx };
      });
    }
  return out;
}

/** Where log(median a / median b) crosses zero, interpolated in log n (linear n when n ≤ 0). */
function crossingEstimate(span: readonly { n: number; a: Summary; b: Summary }[]): number {
  const d = (c: { a: Summary; b: Summary }) => Math.log(c.a.median / c.b.median);
  for (let k = 0; k + 1 < span.length; k++) {
    const d1 = d(span[k]);
    const d2 = d(span[k + 1]);
    if (d1 === 0) return span[k].n;
    if (Math.sign(d1) !== Math.sign(d2)) {
      const t = d1 / (d1 - d2);
      const [n1, n2] = [span[k].n, span[k + 1].n];
      return n1 > 0 ? Math.exp(Math.log(n1) + t * (Math.log(n2) - Math.log(n1))) : n1 + t * (n2 - n1);
    }
  }
  return Math.sqrt(Math.abs(span[0].n * span[span.length - 1].n)) || span[span.length - 1].n;
}

// ---- growth -------------------------------------------------------------------------------

/** Below this |exponent| the cost is called constant. */
const CONSTANT_EXPONENT = 0.1;
/** Below this R² a fitted exponent is flagged as a poor summary of the medians. */
const POOR_R2 = 0.9;

function fit(points: readonly { n: number; v: number }[]): { slope: number; r2: number; range: [number, number] } | undefined {
  const ps = points.filter((p) => p.n > 0 && p.v > 0 && Number.isFinite(p.v));
  if (ps.length < 2) return undefined;
  const lx = ps.map((p) => Math.log(p.n));
  const ly = ps.map((p) => Math.log(p.v));
  const mx = lx.reduce((s, v) => s + v, 0) / ps.length;
  const my = ly.reduce((s, v) => s + v, 0) / ps.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < ps.length; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) ** 2;
    syy += (ly[i] - my) ** 2;
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  const local: number[] = [];
  for (let i = 0; i + 1 < ps.length; i++) local.push((ly[i + 1] - ly[i]) / (lx[i + 1] - lx[i]));
  return { slope, r2, range: [Math.min(...local), Math.max(...local)] };
}

const fmtExp = (e: number) => (Math.abs(e) < 0.005 ? "0.00" : e.toFixed(2));

function powerGrowth(s: SweepSeries, unit: Growth["unit"], points: { n: number; v: number }[], x: string): Growth | undefined {
  const f = fit(points);
  if (!f) return undefined;
  // The span of the sizes the fit used: a count of 0 has no logarithm and is left out.
  const ns = points.filter((p) => p.n > 0 && p.v > 0 && Number.isFinite(p.v)).map((p) => p.n);
  const span = `${x}=${Math.min(...ns)}..${Math.max(...ns)}`;
  const constant = Math.abs(f.slope) < CONSTANT_EXPONENT && f.range[0] > -0.3 && f.range[1] < 0.3;
  const poorFit = !constant && f.r2 < POOR_R2;
  const shape = constant ? "≈ constant" : `≈ ${x}^${fmtExp(f.slope)}`;
  const local = points.length > 2 ? ` (${fmtExp(f.range[0])} to ${fmtExp(f.range[1])} between neighbouring sizes)` : "";
  const warn = poorFit ? `; a poor fit (R²=${f.r2.toFixed(2)}): the cost does not follow one power of ${x} here, read the table` : "";
  return { series: s.name, unit, exponent: f.slope, range: f.range, r2: f.r2, ...(poorFit ? { poorFit } : {}), text: `${s.name} ${unit} ${shape} over ${span}${local}${warn}` };
}

/** "1 + ⌊n/8⌋", "3", "0 for n ≤ 4, 1 from n = 8": a count's law where every point fits it exactly. */
export function exactCountLaw(points: readonly { n: number; v: number }[], x: string): string | undefined {
  if (points.length < 2) return undefined;
  const vs = points.map((p) => p.v);
  if (vs.every((v) => v === vs[0])) return String(vs[0]);
  const fits = (f: (n: number) => number) => points.every((p) => Math.abs(f(p.n) - p.v) < 1e-9);
  const [p1, p2] = [points[points.length - 2], points[points.length - 1]];
  const b = (p2.v - p1.v) / (p2.n - p1.n);
  if (b > 0 && Number.isFinite(b)) {
    const a = p2.v - b * p2.n;
    const term = b === 1 ? x : Number.isInteger(b) ? `${b}·${x}` : Number.isInteger(1 / b) ? `${x}/${1 / b}` : undefined;
    const plus = (t: string, c: number) => (c === 0 ? t : `${c} + ${t}`);
    if (term && fits((n) => a + b * n)) return plus(term, a);
    // Steps: a count that grows by c every d of n ("64·⌈n/8⌉": one 64-byte block per 8 values).
    for (let d = 2; d <= 4096; d++) {
      const c = b * d;
      if (Math.abs(c - Math.round(c)) > 1e-9 || Math.round(c) < 1) continue;
      const k = Math.round(c);
      const times = (t: string) => (k === 1 ? t : `${k}·${t}`);
      const af = p2.v - k * Math.floor(p2.n / d);
      if (fits((n) => af + k * Math.floor(n / d))) return plus(times(`⌊${x}/${d}⌋`), af);
      const ac = p2.v - k * Math.ceil(p2.n / d);
      if (fits((n) => ac + k * Math.ceil(n / d))) return plus(times(`⌈${x}/${d}⌉`), ac);
    }
  }
  // A step: one value up to some size, another from the next size on.
  const levels = [...new Set(vs)];
  if (levels.length === 2) {
    const k = vs.findIndex((v) => v !== vs[0]);
    if (vs.slice(k).every((v) => v === vs[k])) return `${vs[0]} for ${x} ≤ ${points[k - 1].n}, ${vs[k]} from ${x} = ${points[k].n}`;
  }
  return undefined;
}

function growthOf(s: SweepSeries, x: string): Growth[] {
  const ok = s.points.filter((p) => !p.failed);
  const out: Growth[] = [];
  const ns = powerGrowth(s, "ns/op", ok.map((p) => ({ n: p.n, v: p.summary.ns_per_op.median })), x);
  if (ns) out.push(ns);
  for (const [unit, key] of [["B/op", "bytes_per_op"], ["allocs/op", "allocs_per_op"]] as const) {
    const counts = ok.map((p) => p.summary[key]);
    if (counts.length < 2 || counts.some((c) => !c)) continue;
    const pts = ok.map((p) => ({ n: p.n, v: p.summary[key]!.value }));
    const law = counts.every((c) => c!.exact) ? exactCountLaw(pts, x) : undefined;
    if (law !== undefined) {
      out.push({ series: s.name, unit, exact: `${unit} = ${law}`, text: `${s.name} ${unit} = ${law} (exact at every size measured; every run agrees)` });
      continue;
    }
    const g = powerGrowth(s, unit, pts, x);
    if (g) out.push(g);
  }
  return out;
}
