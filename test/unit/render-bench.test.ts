import { expect } from "chai";
import { countSummary, summarize } from "../../kernel/go/stats.js";
import { compareReports } from "../../magics/benchcompare.js";
import type { BenchComparison, BenchEntry, BenchReport } from "../../kernel/reports/index.js";
import { MIME, renderBench } from "../../renderers/index.js";
import { displayName, formatCount, formatDuration, formatSecPerOp } from "../../renderers/benchformat.js";
import { barChart, niceTicks } from "../../renderers/svg.js";
import { expectBalanced, writeArtifact } from "../helpers/html.js";

// Chapter 1's benchmarks with run-to-run numbers like go1.26.8's on a shared linux/amd64 machine
// (the medians follow the chapter: Quiet ≈ 1.1 ns and 0 allocs, Logged ≈ 15 ns and 1 alloc of 8 B).
// Summaries and comparisons come from the production code (countSummary, compareReports), as
// %bench builds them: these tests are about rendering, not about a copy of the arithmetic.

function entry(name: string, procs: number, ns: number[], bytes: number[], allocs: number[]): BenchEntry {
  const runs = ns.map((v, i) => ({ iterations: 1_000_000, ns_per_op: v, bytes_per_op: bytes[i % bytes.length], allocs_per_op: allocs[i % allocs.length], metrics: {} }));
  return {
    name,
    procs,
    runs,
    summary: {
      runs: runs.length,
      ns_per_op: summarize(ns),
      bytes_per_op: countSummary(runs.map((r) => r.bytes_per_op)),
      allocs_per_op: countSummary(runs.map((r) => r.allocs_per_op)),
      warnings: [],
    },
  };
}

const QUIET = [1.1, 1.11, 1.09, 1.12, 1.1, 1.13];
const LOGGED = [15.0, 15.2, 14.9, 15.6, 15.1, 14.8];

function report(extra: Partial<BenchReport> = {}): BenchReport {
  return {
    go_version: "go1.26.8",
    goos: "linux",
    goarch: "amd64",
    cpu: "AMD EPYC 7B13",
    pkg: "goperf.session",
    flags: ["-run", "^$", "-bench", "^(BenchmarkSquareQuiet|BenchmarkSquareLogged)$", "-benchmem", "-count", "6"],
    benchmarks: [
      entry("BenchmarkSquareQuiet", 8, QUIET, [0], [0]),
      entry("BenchmarkSquareLogged", 8, LOGGED, [8], [1]),
      entry("BenchmarkClosureEscape", 8, [18.7, 19.0, 25.4, 18.5, 18.9, 18.6], [24, 24, 48, 24, 24, 24], [1, 1, 2, 1, 1, 1]),
      entry("BenchmarkNewPointVal", 1, [1.3, 1.31, 1.29], [0], [0]),
      entry("BenchmarkStashGlobal", 1, [13600, 13900, 13500, 13700, 13650, 13800], [16], [1]),
    ],
    raw: "BenchmarkSquareQuiet-8 \t1000000000\t 1.10 ns/op\t 0 B/op\t 0 allocs/op\n",
    incomplete: false,
    failures: [],
    notes: [],
    ...extra,
  };
}

function comparison(): BenchComparison {
  // Before: the logged variant; after: the log line removed (a real change), and an unchanged Quiet.
  const quietAfter = [1.11, 1.09, 1.12, 1.1, 1.1, 1.12];
  const loggedAfter = [1.12, 1.1, 1.11, 1.13, 1.1, 1.09];
  const before = report({ benchmarks: [entry("BenchmarkSquareQuiet", 8, QUIET, [0], [0]), entry("BenchmarkSquareLogged", 8, LOGGED, [8], [1])] });
  const after = report({ benchmarks: [entry("BenchmarkSquareQuiet", 8, quietAfter, [0], [0]), entry("BenchmarkSquareLogged", 8, loggedAfter, [0], [0])] });
  return compareReports(before, after, "logged", "quiet");
}

const text = (r: BenchReport) => renderBench(r)["text/plain"] as string;
const html = (r: BenchReport) => renderBench(r)["text/html"] as string;

describe("renderBench: number formatting", () => {
  it("names benchmarks as benchstat does", () => {
    expect(displayName("BenchmarkSquareQuiet", 8)).to.equal("SquareQuiet-8");
    expect(displayName("BenchmarkSquareQuiet", 1)).to.equal("SquareQuiet");
    expect(displayName("BenchmarkMap/size=10", 4)).to.equal("Map/size=10-4");
    expect(displayName("Benchmark", 1)).to.equal("Benchmark");
  });

  it("prints sec/op with SI prefixes and 4 significant digits", () => {
    expect(formatSecPerOp(1.105)).to.equal("1.105n");
    expect(formatSecPerOp(15.02)).to.equal("15.02n");
    expect(formatSecPerOp(0.25)).to.equal("250.0p");
    expect(formatSecPerOp(999.96)).to.equal("1.000µ");
    expect(formatSecPerOp(13_900)).to.equal("13.90µ");
    expect(formatSecPerOp(1_234_567)).to.equal("1.235m");
    expect(formatSecPerOp(2.5e9)).to.equal("2.500");
    expect(formatSecPerOp(0)).to.equal("0");
    expect(formatDuration(15.02)).to.equal("15.02 ns");
    expect(formatDuration(13_900)).to.equal("13.90 µs");
  });

  it("keeps counts exact, and says when runs disagree", () => {
    expect(formatCount({ value: 0, exact: true, min: 0, max: 0 })).to.equal("0");
    expect(formatCount({ value: 1, exact: false, min: 1, max: 2 })).to.equal("1–2 (varies)");
    expect(formatCount(undefined)).to.equal("-");
  });

  it("picks 3 to 5 nice axis ticks from 0", () => {
    for (const max of [1.13, 15.6, 25.4, 99, 100, 101, 13_900, 0.004, 7]) {
      const t = niceTicks(max);
      expect(t.length, `${max}: ${t}`).to.be.within(3, 5);
      expect(t[0]).to.equal(0);
      expect(t[t.length - 1]).to.be.at.least(max);
    }
    expect(niceTicks(25.4)).to.deep.equal([0, 10, 20, 30]);
    expect(niceTicks(100)).to.deep.equal([0, 25, 50, 75, 100]);
  });
});

describe("renderBench: text/plain", () => {
  it("is a benchstat-like table with exact counts, then the warnings", () => {
    expect(text(report()).split("\n")).to.deep.equal([
      "goos: linux",
      "goarch: amd64",
      "pkg: goperf.session",
      "cpu: AMD EPYC 7B13",
      "go: go1.26.8",
      "                 sec/op                  B/op     allocs/op  runs",
      "SquareQuiet-8    1.105n ± 2%                0             0  n=6",
      "SquareLogged-8   15.05n ± 4%                8             1  n=6",
      "ClosureEscape-8  18.80n ± 35%  24–48 (varies)  1–2 (varies)  n=6",
      "NewPointVal      1.300n ± ∞                 0             0  n=3",
      "StashGlobal      13.68µ ± 2%               16             1  n=6",
      "ClosureEscape-8: noisy: runs spread 37%",
      "NewPointVal: too few runs for a 95% interval (need 6)",
    ]);
  });

  it("does not repeat the report's own wording of the same warnings, but keeps others", () => {
    const r = report();
    r.benchmarks[3].summary.warnings = ["too few runs for a 95% confidence interval (3; need 6)", "benchmark printed to stdout"];
    r.benchmarks[2].summary.warnings = ["runs spread 37% around the median: a noisy machine?", "allocs/op varies between runs"];
    const lines = text(r).split("\n");
    expect(lines.filter((l) => /too few|spread|varies between/.test(l))).to.deep.equal(["ClosureEscape-8: noisy: runs spread 37%", "NewPointVal: too few runs for a 95% interval (need 6)"]);
    expect(lines).to.include("NewPointVal: benchmark printed to stdout");
  });

  it("says when the run was interrupted, lists failures with their output, and keeps other notes", () => {
    const r = report({
      incomplete: true,
      benchmarks: [entry("BenchmarkSquareQuiet", 8, QUIET.slice(0, 2), [0], [0])],
      failures: [{ name: "BenchmarkBroken", output: ["    x_test.go:12: want 0 allocs, got 1", "--- FAIL: BenchmarkBroken"] }],
      notes: ["interrupted: only the runs that completed are shown", "GOMAXPROCS=8"],
    });
    const lines = text(r).split("\n");
    expect(lines[5]).to.equal("interrupted: showing the 2 runs that completed");
    expect(lines.filter((l) => l.startsWith("interrupted"))).to.have.length(1);
    const fail = lines.indexOf("FAIL BenchmarkBroken");
    expect(lines.slice(fail, fail + 3)).to.deep.equal(["FAIL BenchmarkBroken", "        x_test.go:12: want 0 allocs, got 1", "    --- FAIL: BenchmarkBroken"]);
    expect(lines[lines.length - 1]).to.equal("GOMAXPROCS=8");
  });

  it("compares two runs as benchstat does: delta with p and n, ~ when not significant, geomean", () => {
    const lines = text(report({ benchmarks: [], comparison: comparison() })).split("\n");
    expect(lines.slice(6)).to.deep.equal([
      "                logged       quiet",
      "                sec/op       sec/op       vs base",
      "SquareQuiet-8   1.105n ± 2%  1.105n ± 1%  ~ (p=0.974 n=6)",
      "SquareLogged-8  15.05n ± 4%  1.105n ± 2%  -92.66% (p=0.002 n=6)",
      "geomean         4.078n       1.105n       -72.90%",
      "",
      "                logged  quiet",
      "                B/op    B/op    vs base",
      "SquareQuiet-8   0 ± 0%  0 ± 0%  ~ (p=1.000 n=6)",
      "SquareLogged-8  8 ± 0%  0 ± 0%  -100.00% (p=0.002 n=6)",
      // benchstat: a ratio of 0 (8 → 0) has no geomean; it prints "?".
      "geomean                         ?",
      "",
      "                logged     quiet",
      "                allocs/op  allocs/op  vs base",
      "SquareQuiet-8   0 ± 0%     0 ± 0%     ~ (p=1.000 n=6)",
      "SquareLogged-8  1 ± 0%     0 ± 0%     -100.00% (p=0.002 n=6)",
      "geomean                               ?",
    ]);
  });

  it("shows ~ and says why when there are too few runs to tell", () => {
    const before = report({ benchmarks: [entry("BenchmarkSquareLogged", 8, LOGGED.slice(0, 3), [8], [1])] });
    const after = report({ benchmarks: [entry("BenchmarkSquareLogged", 8, [1.1, 1.2, 1.3], [0], [0])] });
    const c = compareReports(before, after, "logged", "quiet");
    const lines = text(report({ benchmarks: [], comparison: c })).split("\n");
    expect(lines.find((l) => l.startsWith("SquareLogged-8"))).to.match(/  ~ \(p=0\.100 n=3\)/);
    expect(lines).to.include("~: too few runs on one side to detect a difference at α=0.05");
  });
});

describe("renderBench: text/html", () => {
  it("is self-contained and well-formed, with an inline SVG chart", () => {
    for (const r of [report(), report({ comparison: comparison() })]) {
      const out = html(r);
      expect(out).to.not.match(/<script/i).and.not.match(/<style/i).and.not.match(/<img|<link|url\(/i);
      expectBalanced(out);
      const svg = /<svg\b[^>]*>[\s\S]*<\/svg>/.exec(out)?.[0];
      expect(svg, "an svg chart").to.be.a("string");
      expectBalanced(svg!);
      expect(svg).to.match(/width="640"/).and.match(/viewBox="0 0 640 \d+"/);
      expect(svg).to.not.match(/<script|on\w+=/i);
    }
  });

  it("tabulates medians with intervals, min–max, B/op and allocs/op, zero visibly apart from non-zero", () => {
    const out = html(report());
    expect(out).to.contain("1.105 ns <span");
    expect(out).to.contain("± 2%");
    expect(out).to.contain("1.090 ns – 1.130 ns");
    // allocs/op: bold pills, green for 0, red-orange otherwise, the exact count.
    expect(out).to.match(/background:#2b8a3e;color:#ffffff[^"]*font-weight:700[^"]*" title="no heap allocation per operation">0<\/span>/);
    expect(out).to.match(/background:#d9480f;color:#ffffff[^"]*" title="1 heap allocation per operation">1<\/span>/);
    expect(out).to.contain(">1–2 (varies)</span>");
    expect(out).to.contain("⚠ ClosureEscape-8: noisy: runs spread 37%");
  });

  it("draws one bar per benchmark with whiskers, an allocs/op label, and 3–5 axis ticks", () => {
    const svg = /<svg\b[\s\S]*<\/svg>/.exec(html(report()))![0];
    expect(svg.match(/<rect /g)).to.have.length(5);
    expect(svg).to.contain(">1.105 ns · 0 allocs/op</text>");
    expect(svg).to.contain(">15.05 ns · 1 allocs/op</text>");
    // StashGlobal's 13.9 µs sets the axis: 0, 5, 10, 15 µs.
    const ticks = [...svg.matchAll(/text-anchor="middle"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(ticks).to.deep.equal(["0", "5 µs", "10 µs", "15 µs"]);
    writeArtifact("bench", html(report()));
  });

  it("has a comparison table with ~ for no significant change and a geomean row", () => {
    const out = html(report({ comparison: comparison() }));
    const table = out.slice(out.indexOf("Compared with"));
    expect(table).to.match(/title="not a significant difference">~<\/span>/);
    expect(table).to.contain(">-92.66%</span>");
    expect(table).to.match(/<b>geomean<\/b>.*4\.078 ns.*1\.105 ns.*<b>-72\.90%<\/b>/s);
    expect(table).to.contain("(p=0.002 n=6)");
    writeArtifact("bench-compare", out);
  });

  it("shows an interruption and failures", () => {
    const out = html(report({ incomplete: true, failures: [{ name: "BenchmarkBroken", output: ["panic: <nil> & more"] }] }));
    expect(out).to.contain("interrupted: showing the 27 runs that completed");
    expect(out).to.contain("✗ FAIL BenchmarkBroken").and.contain("panic: &lt;nil&gt; &amp; more");
    // Interrupted before a benchmark's first run finished: no NaN in the chart.
    const none = html(report({ incomplete: true, benchmarks: [entry("BenchmarkSquareQuiet", 8, [], [0], [0])] }));
    expect(none).to.not.contain("NaN").and.not.contain("undefined");
    expectBalanced(none);
  });
});

describe("renderBench: the vendor JSON", () => {
  it("is the report as it is", () => {
    const r = report({ comparison: comparison() });
    const bundle = renderBench(r);
    expect(MIME.bench).to.equal("application/vnd.goperf.bench.v1+json");
    expect(bundle[MIME.bench]).to.equal(r);
    expect(Object.keys(bundle).sort()).to.deep.equal(["application/vnd.goperf.bench.v1+json", "text/html", "text/plain"]);
  });
});

describe("barChart: notes stay inside the drawing", () => {
  it("widens the chart rather than let the longest bar's note run past its edge", () => {
    const note = "1.234 ms · 123456 allocs/op (varies between runs)";
    const svg = String(barChart([{ label: "VeryLongBenchmarkName/n=4096-2", value: 100, note }], { width: 400, formatTick: String, title: "t" }));
    const width = Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)![1]);
    const noteX = Number(new RegExp(`<text x="([\\d.]+)"[^>]*>${note.replace(/[()]/g, "\\$&")}</text>`).exec(svg)![1]);
    // 6.4 px per character is the chart's own estimate of a note's width at 11 px.
    expect(noteX + note.length * 6.4).to.be.at.most(width);
    expect(svg).to.not.contain("overflow:visible");
  });
});
