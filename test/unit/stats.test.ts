import { expect } from "chai";
import {
  compare,
  countSummary,
  geomean,
  mannWhitneyU,
  median,
  minSamplesForAlpha,
  normalCdf,
  normalQuantile,
  percentChange,
  summarize,
} from "../../kernel/go/stats.js";

// Reference values: "benchstat" ones are the expectations in go-moremath's
// stats tests (the library benchstat uses); "scipy" ones come from
// scipy 1.17.1 stats.mannwhitneyu / norm; "enumerated" ones from listing
// every assignment of the pooled values to the two samples.

const close = (actual: number, expected: number, rel = 1e-12) =>
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).to.be.at.most(Math.abs(expected) * rel + 1e-300);

describe("stats: median, geomean, percent change", () => {
  it("median of odd, even, unsorted and empty samples", () => {
    expect(median([3, 1, 2])).to.equal(2);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
    expect(median([7])).to.equal(7);
    expect(median([])).to.be.NaN;
  });

  it("geomean needs positive values (a 0 allocs/op row has none)", () => {
    close(geomean([1, 2, 4]), 2);
    close(geomean([10, 1000]), 100);
    expect(geomean([0, 1, 2])).to.be.NaN;
    expect(geomean([])).to.be.NaN;
  });

  it("percent change, with 0 → 0 as no change and 0 → x as undefined", () => {
    close(percentChange(10, 15), 50);
    close(percentChange(16, 8), -50);
    expect(percentChange(0, 0)).to.equal(0);
    expect(percentChange(0, 1)).to.be.NaN;
  });
});

describe("stats: normal distribution", () => {
  it("matches scipy.stats.norm to near double precision, tails included", () => {
    close(normalCdf(1), 0.8413447460685429, 1e-14);
    close(normalCdf(-1.959963984540054), 0.025, 1e-13);
    close(normalCdf(-5), 2.866515718791939e-7, 1e-12);
    close(normalCdf(-8), 6.22096057427178e-16, 1e-12);
    close(normalQuantile(0.025), -1.959963984540054, 1e-12);
    close(normalQuantile(0.9), 1.2815515655446004, 1e-12);
  });
});

describe("stats: summarize (median ± confidence interval from order statistics)", () => {
  const ranks = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  it("needs 6 samples for a 95% interval; 5 are too few", () => {
    const five = summarize([5, 1, 4, 2, 3]);
    expect(five).to.deep.equal({ n: 5, median: 3, min: 1, max: 5, spreadPct: (4 / 3) * 100, tooFew: true });
    const six = summarize(ranks(6));
    expect(six.tooFew).to.equal(false);
    // Binomial(6, ½) mass between the 1st and 6th order statistics: 62/64.
    expect(six.ci).to.deep.equal({ lo: 1, hi: 6, confidence: 62 / 64 });
  });

  it("n = 10 uses the 2nd and 9th order statistics at 1002/1024", () => {
    const xs = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19].reverse();
    const s = summarize(xs);
    expect(s.ci).to.deep.equal({ lo: 11, hi: 18, confidence: 1002 / 1024 });
    expect(s.median).to.equal(14.5);
    close(s.ciPct!, (3.5 / 14.5) * 100);
    close(s.spreadPct, (9 / 14.5) * 100);
  });

  it("n ≤ 30 stays exact, larger n uses the normal approximation (orders and confidence as scipy computes them)", () => {
    expect(summarize(ranks(20)).ci).to.deep.include({ lo: 6, hi: 15 });
    expect(summarize(ranks(30)).ci).to.deep.include({ lo: 10, hi: 21 });
    const cases: Array<[number, number, number, number]> = [
      [31, 10, 22, 0.9688587894042033],
      [50, 18, 32, 0.9500565457079816],
      [100, 40, 60, 0.9534190196211816],
      [1000, 469, 532, 0.9536547121622134],
    ];
    for (const [n, lo, hi, confidence] of cases) {
      const { ci } = summarize(ranks(n));
      expect([ci!.lo, ci!.hi], `n=${n}`).to.deep.equal([lo, hi]);
      close(ci!.confidence, confidence, 1e-12);
    }
  });

  it("a lower confidence needs fewer samples", () => {
    expect(summarize(ranks(4), 0.8).tooFew).to.equal(false);
    expect(summarize(ranks(4), 0.8).ci).to.deep.equal({ lo: 1, hi: 4, confidence: 14 / 16 });
  });

  it("zero medians: 0 allocs/op is 0% wide, not NaN", () => {
    const s = summarize([0, 0, 0, 0, 0, 0]);
    expect([s.median, s.spreadPct, s.ciPct]).to.deep.equal([0, 0, 0]);
  });

  it("the chapter's allocation counts and a noisy ns/op sample from the fixtures", () => {
    // SquareLogged-2 ns/op, test/fixtures/bench/pass-count6.go1.26.8.txt
    const s = summarize([174.1, 159.5, 173.2, 157.4, 161.8, 158.4]);
    expect(s).to.deep.include({ n: 6, median: 160.65, min: 157.4, max: 174.1, tooFew: false });
    close(s.ciPct!, (174.1 / 160.65 - 1) * 100);
  });
});

describe("stats: Mann-Whitney U", () => {
  const s1 = [2, 1, 3, 5];
  const s2 = [12, 11, 13, 15];
  const s3 = [0, 4, 6, 7];

  it("benchstat's small-sample values (exact distribution, no ties)", () => {
    expect(mannWhitneyU(s1, s2).u).to.equal(0);
    close(mannWhitneyU(s1, s2).p, 0.028571428571428577);
    expect(mannWhitneyU(s2, s1).u).to.equal(16);
    close(mannWhitneyU(s2, s1).p, 0.028571428571428577);
    expect(mannWhitneyU(s1, s3).u).to.equal(5);
    close(mannWhitneyU(s1, s3).p, 0.48571428571428577);
  });

  it("benchstat's large-sample values (normal approximation)", () => {
    const l1 = Array.from({ length: 500 }, (_, i) => i * 2);
    const l2 = Array.from({ length: 600 }, (_, i) => i * 2 - 41);
    const l3 = [...l2];
    for (let i = 0; i < 30; i++) l3[i] = l1[i];
    expect(mannWhitneyU(l1, l2).u).to.equal(135250);
    close(mannWhitneyU(l1, l2).p, 0.0049335360814172224, 1e-10);
    expect(mannWhitneyU(l1, l1).p).to.equal(1);
    expect(mannWhitneyU(l1, l3).u).to.equal(134845);
    close(mannWhitneyU(l1, l3).p, 0.0038703814239617884, 1e-10);
  });

  it("small samples with ties: exact over the tie structure", () => {
    expect(mannWhitneyU(s1, s1)).to.deep.equal({ u: 8, p: 1 });
    // benchstat: 0.7142857142857143; enumerated: the same.
    close(mannWhitneyU(s1, [2, 2, 2, 2]).p, 0.7142857142857143);
    // benchstat reports p = 0 here: it doubles P(U₁ ≤ min(U₁, U₂)) of an
    // asymmetric distribution (enumerating the smaller real tail gives 2 · 6/126).
    // goperf shows benchstat's p (go-moremath at the version in
    // test/fixtures/benchstat/README.md, run on these values: U = 17.5, p = 0).
    const skew = mannWhitneyU(s1, [1, 1, 1, 1, 1]);
    expect(skew.u).to.equal(17.5);
    expect(skew.p).to.equal(0);
    // 8 vs 8 with ties, enumerated.
    const a = [12.1, 12.4, 12.2, 12.9, 12.3, 12.5, 12.2, 12.8];
    const b = [12.6, 12.9, 13.1, 12.9, 13.0, 12.7, 13.4, 12.9];
    expect(mannWhitneyU(a, b).u).to.equal(5.5);
    close(mannWhitneyU(a, b).p, 0.003418803418803419);
  });

  it("exact without ties (scipy), and exact with ties up to 25 per side (benchstat)", () => {
    const e = [101.5, 99.8, 100.2, 100.9, 98.7, 101.1, 100.4];
    const f = [99.1, 100.0, 98.9, 99.5, 99.9, 98.2, 99.4, 100.3, 98.8];
    expect(mannWhitneyU(e, f).u).to.equal(51);
    close(mannWhitneyU(e, f).p, 0.04178321678321679);
    const c = [5, 5, 6, 7, 5, 6, 8, 5, 6, 7, 5, 6];
    const d = [6, 7, 7, 8, 6, 9, 7, 8, 7, 6, 8, 7];
    expect(mannWhitneyU(c, d).u).to.equal(26.5);
    // scipy's asymptotic p is 0.007314116918290469; go-moremath counts the 12 vs 12
    // tie structure exactly (its MannWhitneyTiesExactLimit is 25): 0.0055743825430190344.
    close(mannWhitneyU(c, d).p, 0.0055743825430190344, 1e-12);
  });

  it("complete separation of 6 vs 6 gives benchstat's minimum p, 2/924", () => {
    const val = [3.556, 3.016, 3.497, 3.196, 3.496, 3.707];
    const ptr = [61.73, 53.54, 71.04, 102.3, 46.87, 47.95];
    expect(mannWhitneyU(val, ptr)).to.deep.equal({ u: 0, p: 2 / 924 });
  });

  it("all-equal or empty samples cannot differ: p = 1", () => {
    expect(mannWhitneyU([1, 1, 1], [1, 1]).p).to.equal(1);
    expect(mannWhitneyU([], [1, 2]).p).to.equal(1);
  });

  it("stays exact at the 50-per-side limit", () => {
    const xs = Array.from({ length: 50 }, (_, i) => i * 2);
    const ys = Array.from({ length: 50 }, (_, i) => i * 2 + 1);
    const { u, p } = mannWhitneyU(xs, ys);
    expect(u).to.equal(1225);
    close(p, 0.8664717523984028, 1e-12); // scipy, method="exact"
  });
});

describe("stats: runs without a value, and counts (issue 13 item 6)", () => {
  it("a NaN ns/op (a run that printed none) is left out and never scrambles the order", () => {
    // A comparator that meets NaN answers NaN, which sort reads as "equal": the order around
    // it is then arbitrary, and so were the median and the interval.
    expect(median([5, NaN, 1, 4, 2, 3])).to.equal(3);
    const s = summarize([9, NaN, 1, 8, 2, 7, 3, 6, NaN, 5, 4]);
    expect(s).to.deep.include({ n: 9, median: 5, min: 1, max: 9 });
    expect(s.ci).to.deep.include({ lo: 2, hi: 8 });
    expect(compare([1, 2, 3, 4, NaN, 5, 6], [7, 8, 9, NaN, 10, 11, 12]).p).to.equal(2 / 924);
  });

  it("B/op and allocs/op show the median of the runs, exact when all agree", () => {
    expect(countSummary([1, 1, 1, 1, 1, 1])).to.deep.equal({ value: 1, exact: true, min: 1, max: 1 });
    // The upper middle run was shown before: 32 here, where the median is 24.
    expect(countSummary([16, 32, 16, 32])).to.deep.equal({ value: 24, exact: false, min: 16, max: 32 });
    expect(countSummary([64, 72, 64, 64, 72])).to.deep.equal({ value: 64, exact: false, min: 64, max: 72 });
    expect(countSummary([3, undefined, NaN, 1, 2])).to.deep.equal({ value: 2, exact: false, min: 1, max: 3 });
    expect(countSummary([undefined, undefined])).to.equal(undefined);
  });
});

describe("stats: compare", () => {
  it("needs 4 samples per side at α = 0.05 (the smallest n whose best p reaches α)", () => {
    expect(minSamplesForAlpha(0.05)).to.equal(4);
    expect(minSamplesForAlpha(0.01)).to.equal(5);
    expect(minSamplesForAlpha(0.001)).to.equal(7);
  });

  it("SquareQuiet → SquareLogged (pass-count6 fixture): a significant regression", () => {
    const quiet = [3.276, 3.186, 3.947, 4.067, 3.737, 3.677];
    const logged = [174.1, 159.5, 173.2, 157.4, 161.8, 158.4];
    const c = compare(quiet, logged);
    expect(c).to.deep.include({ significant: true, tooFew: false, alpha: 0.05 });
    close(c.p, 2 / 924);
    close(c.deltaPct, (160.65 / 3.707 - 1) * 100);
  });

  it("three runs a side are too few whatever the gap", () => {
    const c = compare([1, 2, 3], [100, 101, 102]);
    expect(c).to.deep.include({ significant: false, tooFew: true });
    close(c.p, 0.1);
  });

  it("identical allocation counts: no change, not significant", () => {
    const c = compare([1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]);
    expect(c).to.deep.equal({ deltaPct: 0, p: 1, significant: false, tooFew: false, alpha: 0.05, note: "all samples are equal" });
  });

  it("3 runs against 10 can be significant: benchstat warns of too few only when both sides are short", () => {
    const c = compare([500, 510, 505], [400, 401, 402, 403, 404, 405, 406, 407, 408, 409]);
    expect(c).to.deep.include({ significant: true, tooFew: false });
    close(c.p, 2 / 286);
    const short = compare([1, 2, 3], [4, 5, 6]);
    expect(short).to.deep.include({ significant: false, tooFew: true, note: "need >= 4 samples to detect a difference at alpha level 0.05" });
  });

  it("overlapping samples are not significant at the given α", () => {
    const c = compare([10, 11, 12, 13, 14], [11, 12, 13, 14, 15], 0.05);
    expect(c.significant).to.equal(false);
    expect(c.p).to.be.above(0.05);
  });
});
