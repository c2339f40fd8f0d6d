import { expect } from "chai";
import { summarize } from "../../kernel/go/stats.js";
import { buildSweep, exactCountLaw, type SweepInput } from "../../magics/sweep.js";
import { generateSweepBenchmark, MAX_POINTS, parseSweep, usesVar } from "../../magics/sweepspec.js";
import { renderBench } from "../../renderers/bench.js";
import type { BenchReport } from "../../kernel/reports/index.js";
import { expectBalanced } from "../helpers/html.js";

const exact = (v: number) => ({ value: v, exact: true, min: v, max: v });

/** A sub-benchmark whose six runs sit around `ns`, within ±spread. */
function entry(name: string, ns: number, allocs: number, spread = 0.02): SweepInput {
  const runs = [-1, -0.6, -0.2, 0.2, 0.6, 1].map((f) => ns * (1 + f * spread));
  return { name, procs: 1, summary: { runs: 6, ns_per_op: summarize(runs), allocs_per_op: exact(allocs), bytes_per_op: exact(allocs * 8) } };
}

describe("sweep: --sweep values", () => {
  it("reads lists, geometric and arithmetic ranges, and grids", () => {
    expect(parseSweep("n=1,8,64,512,4096")).to.deep.equal([{ name: "n", values: [1, 8, 64, 512, 4096] }]);
    expect(parseSweep("n=1..4096x8")[0].values).to.deep.equal([1, 8, 64, 512, 4096]);
    expect(parseSweep("n=1..10x2")[0].values).to.deep.equal([1, 2, 4, 8, 10]);
    expect(parseSweep("n=0..20+5")[0].values).to.deep.equal([0, 5, 10, 15, 20]);
    expect(parseSweep("n=1,2 k=3,4").map((v) => v.name)).to.deep.equal(["n", "k"]);
    expect(parseSweep("n=1,2;k=3,4")).to.have.length(2);
  });

  it("refuses one value, non-numbers, repeats and more points than the cap, saying why", () => {
    expect(() => parseSweep("n=8")).to.throw(/one value \(8\) is not a sweep/);
    expect(() => parseSweep("n=8,8")).to.throw(/one value/);
    expect(() => parseSweep("n=1,2.5")).to.throw(/"2.5" is not a whole number/);
    expect(() => parseSweep("n")).to.throw(/is not VAR=VALUES/);
    expect(() => parseSweep("n=1,2 n=3,4")).to.throw(/n is given twice/);
    expect(() => parseSweep("n=1..100000+1")).to.throw(new RegExp(`more than ${MAX_POINTS}`));
    expect(() => parseSweep("n=1..4096x2 k=1..4096x2")).to.throw(/169 points per call is more than 64: each point runs -count times/);
    expect(() => parseSweep("n=0..64x2")).to.throw(/starts above 0/);
    expect(() => parseSweep("n=64..1")).to.throw(/backwards/);
  });

  it("knows whether a call uses a variable", () => {
    expect(usesVar("F(n)", "n")).to.equal(true);
    expect(usesVar("F(n*2, k)", "k")).to.equal(true);
    expect(usesVar("F(x.n)", "n")).to.equal(false);
    expect(usesVar('F("n")', "n")).to.equal(false);
    expect(usesVar("F(nn)", "n")).to.equal(false);
  });

  it("generates nested b.Run per variable, sizes from a slice (never a constant the compiler could fold)", () => {
    const code = generateSweepBenchmark("BenchmarkF", "F(n, k)", parseSweep("n=1,8 k=2,4"), 3, 1, 8);
    expect(code).to.contain('for i0, n := range []int{1, 8} {').and.contain('b.Run([]string{"n=1", "n=8"}[i0]');
    expect(code).to.contain('for i1, k := range []int{2, 4} {').and.contain('b.Run([]string{"k=2", "k=4"}[i1]');
    expect(code).to.contain("//line cell[3]:1:8\nF(n, k)\n");
  });
});

describe("sweep: analysis", () => {
  it("groups sub-benchmarks into series per function, x from the names", () => {
    const s = buildSweep([entry("BenchmarkF/n=1", 10, 0), entry("BenchmarkF/n=64", 20, 1), entry("BenchmarkG/n=1", 5, 0), entry("BenchmarkG/n=64", 30, 1), entry("BenchmarkOther", 1, 0)])!;
    expect(s.vars).to.deep.equal(["n"]);
    expect(s.series.map((x) => [x.name, x.points.map((p) => p.n)])).to.deep.equal([
      ["F", [1, 64]],
      ["G", [1, 64]],
    ]);
    expect(s.logX).to.equal(false);
    expect(buildSweep([entry("BenchmarkA", 1, 0), entry("BenchmarkB/case=1", 1, 0)])).to.equal(undefined);
  });

  it("a grid: x is the first variable, one series per function and value of the others", () => {
    const names = [1, 8].flatMap((n) => [2, 4].map((k) => entry(`BenchmarkF/n=${n}/k=${k}`, n * k, 0)));
    const s = buildSweep(names, [], ["n", "k"])!;
    expect(s.vars).to.deep.equal(["n", "k"]);
    expect(s.series.map((x) => [x.name, x.at, x.points.map((p) => p.n)])).to.deep.equal([
      ["F k=2", { k: 2 }, [1, 8]],
      ["F k=4", { k: 4 }, [1, 8]],
    ]);
  });

  it("finds where the intervals separate and swap order, and estimates the crossing", () => {
    const sizes = [1, 8, 64, 512, 4096];
    const f = sizes.map((n) => entry(`BenchmarkMap/n=${n}`, 50, 0));
    const g = sizes.map((n) => entry(`BenchmarkSlice/n=${n}`, 2 * n, 0));
    const s = buildSweep([...f, ...g])!;
    expect(s.logX).to.equal(true);
    expect(s.crossovers).to.have.length(1);
    const c = s.crossovers[0];
    expect(c).to.deep.include({ faster: "Map", slower: "Slice", from: 8, to: 64 });
    expect(c.estimate).to.be.closeTo(25, 0.01);
    expect(c.text).to.equal("Map is faster than Slice from n≈25: 8 → 64");
  });

  it("does not call a crossover where the intervals never separate", () => {
    const s = buildSweep([1, 8, 64].flatMap((n) => [entry(`BenchmarkA/n=${n}`, 100, 0, 0.5), entry(`BenchmarkB/n=${n}`, 110, 0, 0.5)]))!;
    expect(s.crossovers).to.deep.equal([]);
  });

  it("fits growth on log-log medians, calls a flat cost constant and warns on a poor fit", () => {
    const sizes = [1, 8, 64, 512, 4096];
    const s = buildSweep([
      ...sizes.map((n) => entry(`BenchmarkLin/n=${n}`, 3 * n, 0)),
      ...sizes.map((n) => entry(`BenchmarkFlat/n=${n}`, 7, 0)),
      ...sizes.map((n, i) => entry(`BenchmarkZig/n=${n}`, [10, 1000, 10, 1000, 10][i], 0)),
    ])!;
    const ns = Object.fromEntries(s.growth.filter((g) => g.unit === "ns/op").map((g) => [g.series, g]));
    expect(ns.Lin.exponent).to.be.closeTo(1, 1e-9);
    expect(ns.Lin.text).to.equal("Lin ns/op ≈ n^1.00 over n=1..4096 (1.00 to 1.00 between neighbouring sizes)");
    expect(ns.Flat.text).to.match(/^Flat ns\/op ≈ constant/);
    expect(ns.Zig.poorFit).to.equal(true);
    expect(ns.Zig.text).to.match(/a poor fit \(R²=0\.\d\d\)/);
  });

  it("states exact count laws: constant, linear, floor/ceil steps and a threshold", () => {
    const pts = (ns: number[], f: (n: number) => number) => ns.map((n) => ({ n, v: f(n) }));
    const sizes = [1, 8, 64, 512, 4096];
    expect(exactCountLaw(pts(sizes, () => 3), "n")).to.equal("3");
    expect(exactCountLaw(pts(sizes, (n) => 1 + n), "n")).to.equal("1 + n");
    expect(exactCountLaw(pts([8, 64, 512], (n) => 1 + n / 8), "n")).to.equal("1 + n/8");
    expect(exactCountLaw(pts(sizes, (n) => 1 + Math.floor(n / 8)), "n")).to.equal("1 + ⌊n/8⌋");
    expect(exactCountLaw(pts(sizes, (n) => Math.ceil(n / 8)), "n")).to.equal("⌈n/8⌉");
    expect(exactCountLaw(pts([1, 2, 4, 8, 16], (n) => (n > 4 ? 1 : 0)), "n")).to.equal("0 for n ≤ 4, 1 from n = 8");
    expect(exactCountLaw(pts(sizes, (n) => 64 * Math.ceil(n / 8)), "n")).to.equal("64·⌈n/8⌉");
    expect(exactCountLaw(pts(sizes, (n) => n * n), "n")).to.equal(undefined);
  });

  it("renders a failed size as failed and the others with numbers, in text and a well-formed chart", () => {
    const s = buildSweep([entry("BenchmarkF/n=1", 10, 0), entry("BenchmarkF/n=512", 20, 1)], [{ name: "BenchmarkF/n=64", output: ["panic: boom"] }], ["n"])!;
    expect(s.series[0].points.map((p) => [p.n, p.failed])).to.deep.equal([
      [1, undefined],
      [64, "panic: boom"],
      [512, undefined],
    ]);
    const report: BenchReport = {
      go_version: "go1.26.8", goos: "linux", goarch: "amd64", cpu: "", pkg: "", flags: [], raw: "", incomplete: false, failures: [], notes: [],
      benchmarks: [], sweep: s,
    };
    const bundle = renderBench(report);
    expect(String(bundle["text/plain"])).to.contain("n=64\n").and.contain("F  failed: panic: boom");
    const html = String(bundle["text/html"]);
    expectBalanced(html);
    expect(html).to.contain("<title>F n=64 failed: panic: boom</title>").and.not.contain("NaN");
  });
});
