// Benchmark statistics the way benchstat (golang.org/x/perf, assumption
// "AssumeNothing") computes them, so numbers shown next to a cell agree with
// what a reader gets from running benchstat on the same data:
//   - the center is the median, with a distribution-free confidence interval
//     built from order statistics (the binomial distribution of how many
//     samples fall below the true median; normal approximation above 30);
//   - two samples are compared with the two-sided Mann-Whitney U test: exact
//     distribution when small enough (no ties and ≤ 50 per side, or ties and
//     ≤ 25 per side, counting the tie structure exactly), otherwise the normal
//     approximation with tie and continuity corrections;
//   - the median is the R8 sample quantile (go-moremath's Sample.Quantile), the
//     geomean a running mean of logs, both in benchstat's floating-point order,
//     so a center agrees with benchstat's to the last bit.
// test/unit/benchstat-parity.test.ts holds this to fixtures of the real
// benchstat's output (test/fixtures/benchstat/, version noted there).
// Benchmark data is not normal (long right tails, multiple modes), which is why
// none of this assumes it.

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  /** Order-statistic interval; absent when there are too few samples for the confidence asked. */
  ci?: { lo: number; hi: number; confidence: number };
  /** Largest distance of the interval from the median, as % of the median (benchstat's "± x%"). */
  ciPct?: number;
  /** (max - min) / median * 100. */
  spreadPct: number;
  tooFew: boolean;
}

export interface Comparison {
  deltaPct: number;
  p: number;
  /** benchstat prints the delta (not "~") exactly when p ≤ α. */
  significant: boolean;
  /** benchstat's warning: p > α and both sides below the size whose best p could reach α. */
  tooFew: boolean;
  alpha: number;
  /** benchstat's footnote for this comparison, if any ("all samples are equal", "need >= 4 samples …"). */
  note?: string;
}

/** An integer per-op count (B/op, allocs/op): the median of the runs, exact when every run agrees. */
export interface CountSummary {
  value: number;
  exact: boolean;
  min: number;
  max: number;
}

/**
 * Ascending, NaN dropped. A run without a value (no ns/op line, or the NaN a dying binary
 * flushes) is no measurement, as in benchstat, where such a run has no value for the unit; and
 * a NaN makes a comparator sort inconsistent, which would scramble the order statistics.
 */
export function measured(xs: readonly number[]): number[] {
  return xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
}

/** The R8 sample median (go-moremath Sample.Quantile(0.5)), computed as it computes it. */
function sortedMedian(s: readonly number[]): number {
  const n = s.length;
  if (n === 0) return NaN;
  const pos = 1 / 3 + 0.5 * (n + 1 / 3);
  const k = Math.trunc(pos);
  const frac = pos - k;
  if (k <= 0) return s[0];
  if (k >= n) return s[n - 1];
  return s[k - 1] + frac * (s[k] - s[k - 1]);
}

export function median(xs: readonly number[]): number {
  return sortedMedian(measured(xs));
}

/** B/op or allocs/op over the runs: their median, flagged exact when all runs agree. */
export function countSummary(values: readonly (number | undefined)[]): CountSummary | undefined {
  const s = measured(values.filter((v): v is number => v !== undefined));
  if (s.length === 0) return undefined;
  const min = s[0];
  const max = s[s.length - 1];
  return { value: sortedMedian(s), exact: min === max, min, max };
}

/** NaN unless every value is > 0: a geometric mean of a zero (0 allocs/op) means nothing. */
export function geomean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  // go-moremath's running mean of logs, so the result matches benchstat's bit for bit.
  let m = 0;
  for (let i = 0; i < xs.length; i++) {
    if (!(xs[i] > 0)) return NaN;
    m += (Math.log(xs[i]) - m) / (i + 1);
  }
  return Math.exp(m);
}

/**
 * benchstat's geomean row delta: the geomean of the per-benchmark ratios after/before (0/0 counts
 * as 1), as a percent change; NaN when a ratio is undefined (before 0, after not).
 */
export function geomeanChange(pairs: readonly { before: number; after: number }[]): number {
  const ratios: number[] = [];
  for (const { before, after } of pairs) {
    if (before === after) ratios.push(1);
    else if (before === 0) return NaN;
    else ratios.push(after / before);
  }
  return (geomean(ratios) - 1) * 100;
}

/** Percent change from `before` to `after`; NaN when it cannot be expressed (0 → non-zero). */
export function percentChange(before: number, after: number): number {
  if (before === after) return 0;
  if (before === 0) return NaN;
  return (after / before - 1) * 100;
}

// ---- normal distribution ------------------------------------------------

// erfc to near double precision: a positive-term series for erf where it
// converges fast, a continued fraction for the tail where 1 - erf would lose
// all relative precision (p-values live in that tail).
function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) {
    // erf(x) = 2/√π e^{-x²} Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1))
    let term = x;
    let sum = x;
    for (let n = 1; n < 200 && term > sum * 1e-17; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  if (x > 27) return 0;
  // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), by modified Lentz.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** Standard normal CDF. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Standard normal quantile, by bisection: only used once per summary, so exactness beats speed. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

// ---- median confidence interval ------------------------------------------

/** 1-based order statistics bounding the interval; 0 or n+1 mean unbounded. */
interface OrderInterval {
  lo: number;
  hi: number;
  confidence: number;
}

function binomialCoefficient(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  k = Math.min(k, n - k);
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

// Exact for small n: start at the mode of Binomial(n, 1/2) and add the larger
// neighbouring probability (the left one on a tie) until the mass reaches the
// confidence. The k-th interval lies between order statistics k and k+1.
function medianOrdersExact(n: number, confidence: number): OrderInterval {
  const pmf = (k: number) => (k < 0 || k > n ? 0 : binomialCoefficient(n, k) / 2 ** n);
  const mode = Math.ceil((n + 1) / 2) - 1;
  let l = mode;
  let r = mode + 1;
  let mass = pmf(mode);
  let lp = pmf(l - 1);
  let rp = pmf(r);
  while (mass < confidence && (lp > 0 || rp > 0)) {
    if (lp >= rp) {
      mass += lp;
      l--;
      lp = pmf(l - 1);
    } else {
      mass += rp;
      r++;
      rp = pmf(r);
    }
  }
  return { lo: l, hi: r, confidence: mass };
}

// Normal approximation with continuity correction, then a one-step
// left-biased narrowing if it still meets the confidence.
function medianOrdersApprox(n: number, confidence: number): OrderInterval {
  const mu = n / 2;
  const sigma = Math.sqrt(n) / 2;
  const l1 = mu + sigma * normalQuantile((1 - confidence) / 2);
  const r1 = 2 * mu - l1;
  const l = Math.floor(l1 - 0.5) + 1;
  let r = Math.ceil(r1 - 0.5) + 1;
  const mass = (a: number, b: number) => normalCdf((b - 0.5 - mu) / sigma) - normalCdf((a - 0.5 - mu) / sigma);
  let conf = mass(l, r);
  const biased = mass(l, r - 1);
  if (biased >= confidence && biased < conf) {
    conf = biased;
    r--;
  }
  if (l <= 0 && r >= n + 1) conf = 1;
  return { lo: Math.max(l, 0), hi: Math.min(r, n + 1), confidence: conf };
}

function medianOrders(n: number, confidence: number): OrderInterval {
  if (confidence >= 1) return { lo: 0, hi: n + 1, confidence: 1 };
  return n <= 30 ? medianOrdersExact(n, confidence) : medianOrdersApprox(n, confidence);
}

/** Median with a confidence interval (default 95%), as benchstat prints "median ± x%". */
export function summarize(xs: readonly number[], confidence = 0.95): Summary {
  const s = measured(xs);
  const n = s.length;
  const med = sortedMedian(s);
  const min = n ? s[0] : NaN;
  const max = n ? s[n - 1] : NaN;
  const spreadPct = max === min ? 0 : ((max - min) / med) * 100;
  const summary: Summary = { n, median: med, min, max, spreadPct, tooFew: true };
  if (n < 2) return summary;
  const orders = medianOrders(n, confidence);
  if (orders.lo < 1 || orders.hi > n) return summary;
  const lo = s[orders.lo - 1];
  const hi = s[orders.hi - 1];
  summary.tooFew = false;
  summary.ci = { lo, hi, confidence: orders.confidence };
  const pct = ciPercent(med, lo, hi);
  if (pct !== undefined) summary.ciPct = pct;
  return summary;
}

// benchstat shows "?" when the interval crosses zero relative to the median.
function ciPercent(center: number, lo: number, hi: number): number | undefined {
  if (Math.sign(center) !== Math.sign(lo) || Math.sign(center) !== Math.sign(hi)) return undefined;
  if (center === 0) return 0;
  return Math.max(hi / center - 1, 1 - lo / center) * 100;
}

// ---- Mann-Whitney U ---------------------------------------------------------

const EXACT_LIMIT = 50;
// go-moremath's MannWhitneyTiesExactLimit.
const EXACT_LIMIT_TIES = 25;

interface Ranked {
  /** Doubled mid-ranks, so tied ranks stay integers. */
  doubledRanks: number[];
  /** Which sample each ranked value came from. */
  fromFirst: boolean[];
  /** Sizes of tie groups. */
  ties: number[];
}

function rank(xs: number[], ys: number[]): Ranked {
  const all = [...xs.map((v) => ({ v, first: true })), ...ys.map((v) => ({ v, first: false }))].sort((a, b) => a.v - b.v);
  const doubledRanks: number[] = [];
  const ties: number[] = [];
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j].v === all[i].v) j++;
    // Positions i+1 … j share the mid-rank (i+1+j)/2.
    for (let k = i; k < j; k++) doubledRanks.push(i + 1 + j);
    ties.push(j - i);
    i = j;
  }
  return { doubledRanks, fromFirst: all.map((a) => a.first), ties };
}

// P(U ≤ u) under the null hypothesis for the sample marked `chosen`, given
// the tie structure: count the ways to pick that many of the ranked values
// with a small enough rank sum. Rank sums only grow, so sums past the bound
// are never stored.
function exactCdf(doubledRanks: number[], chosen: number, u: number): number {
  const bound = Math.floor(2 * u + chosen * (chosen + 1) + 1e-9);
  if (bound < 0) return 0;
  const ways: Float64Array[] = Array.from({ length: chosen + 1 }, () => new Float64Array(bound + 1));
  ways[0][0] = 1;
  doubledRanks.forEach((w, i) => {
    for (let k = Math.min(i + 1, chosen); k >= 1; k--) {
      const to = ways[k];
      const from = ways[k - 1];
      for (let s = bound; s >= w; s--) to[s] += from[s - w];
    }
  });
  const hits = ways[chosen].reduce((a, b) => a + b, 0);
  return hits / binomialCoefficient(doubledRanks.length, chosen);
}

/**
 * Two-sided Mann-Whitney U test, as benchstat runs it (go-moremath stats.MannWhitneyUTest with
 * LocationDiffers). `u` is the statistic of `xs`: the number of pairs (x, y) with x > y, ties
 * counting ½. Empty input or all-equal values give p = 1 with `equal`, as benchstat reports them
 * ("all samples are equal").
 */
export function mannWhitneyU(xsIn: readonly number[], ysIn: readonly number[]): { u: number; p: number; equal?: boolean } {
  const xs = measured(xsIn);
  const ys = measured(ysIn);
  const n1 = xs.length;
  const n2 = ys.length;
  if (n1 === 0 || n2 === 0) return { u: NaN, p: 1, equal: true };
  const { doubledRanks, fromFirst, ties } = rank(xs, ys);
  const r1 = doubledRanks.reduce((s, r, i) => s + (fromFirst[i] ? r : 0), 0) / 2;
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const uOther = n1 * n2 - u;
  const hasTies = ties.some((t) => t > 1);
  const limit = hasTies ? EXACT_LIMIT_TIES : EXACT_LIMIT;
  if (n1 <= limit && n2 <= limit) {
    if (ties.length === 1) return { u, p: 1, equal: true };
    // Doubling a tail counts the mass at the centre twice when U sits there,
    // which is why that case is 1 exactly.
    if (u === uOther) return { u, p: 1 };
    // benchstat doubles P(U₁ ≤ min(U₁, U₂)) under U₁'s own distribution. With
    // ties that distribution need not be symmetric, so this is not always the
    // smaller real tail (x = {1,2,3,5}, y = {1,1,1,1,1} gives 0), and p is not
    // capped at 1; goperf shows the p-value benchstat shows, so it does the same.
    return { u, p: 2 * exactCdf(doubledRanks, n1, Math.min(u, uOther)) };
  }

  const n = n1 + n2;
  const tieTerm = ties.reduce((s, t) => s + t * t * t - t, 0);
  const sigma = Math.sqrt((n1 * n2 * (n + 1 - tieTerm / (n * (n - 1)))) / 12);
  if (sigma === 0) return { u, p: 1, equal: true };
  let numer = u - (n1 * n2) / 2;
  numer -= Math.sign(numer) * 0.5; // continuity correction
  const z = numer / sigma;
  return { u, p: Math.min(1, 2 * normalCdf(-Math.abs(z))) };
}

/** Smallest per-side sample count whose most extreme outcome reaches alpha (4 at 0.05). */
export function minSamplesForAlpha(alpha: number): number {
  for (let n = 1; n <= EXACT_LIMIT; n++) if (2 / binomialCoefficient(2 * n, n) <= alpha) return n;
  return EXACT_LIMIT + 1;
}

/** Median change from `before` to `after` and whether the U test calls it real, as benchstat decides. */
export function compare(before: readonly number[], after: readonly number[], alpha = 0.05): Comparison {
  const deltaPct = percentChange(median(before), median(after));
  const { p, equal } = mannWhitneyU(before, after);
  const need = minSamplesForAlpha(alpha);
  const n1 = measured(before).length;
  const n2 = measured(after).length;
  // benchmath (AssumeNothing.Compare): the warning only when the test did not reject and
  // neither side could have reached α however far apart the samples were.
  const tooFew = !equal && p > alpha && n1 < need && n2 < need;
  const c: Comparison = { deltaPct, p, significant: p <= alpha, tooFew, alpha };
  if (equal) c.note = "all samples are equal";
  else if (tooFew) c.note = `need >= ${need} samples to detect a difference at alpha level ${alpha}`;
  return c;
}
