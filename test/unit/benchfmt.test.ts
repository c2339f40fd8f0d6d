import { expect } from "chai";
import { BenchStreamParser, parseBenchOutput, type BenchOutput, type BenchResultLine } from "../../kernel/go/benchfmt.js";
import { readFixture } from "../helpers/paths.js";

// Captured with go1.26.8 linux/amd64 on a 2-CPU machine (see test/fixtures/bench/README.md).
const read = (name: string) => readFixture(`bench/${name}`);

const ch01Text = read("ch01-bench.go1.26.8.txt");
const ch01 = parseBenchOutput(ch01Text);

const runsOf = (out: BenchOutput, name: string, procs: number) =>
  out.results.filter((r) => r.name === name && r.procs === procs).map((r) => r.run);

const CONFIG = { goos: "linux", goarch: "amd64", pkg: "goperf.session", cpu: "AMD EPYC" };

describe("benchfmt: Chapter 1 benchmarks (-count 3 -cpu 1,2 -benchmem -benchtime 1000x)", () => {
  it("reads the configuration lines", () => {
    expect(ch01.config).to.deep.equal(CONFIG);
  });

  it("splits the -P suffix into procs, absent meaning 1", () => {
    const procs = new Map<string, number[]>();
    for (const r of ch01.results) procs.set(r.name, [...(procs.get(r.name) ?? []), r.procs]);
    expect(procs.get("BenchmarkNewPointVal")).to.deep.equal([1, 1, 1, 2, 2, 2]);
    expect(ch01.results.every((r) => !/-\d+$/.test(r.name))).to.equal(true);
  });

  it("reproduces every allocs/op claim of the chapter exactly", () => {
    const allocs: Array<[string, number, number]> = [
      ["BenchmarkNewPointVal", 0, 0],
      ["BenchmarkNewPointPtr", 1, 16],
      ["BenchmarkSquareQuiet", 0, 0],
      ["BenchmarkSquareLogged", 1, 8],
      ["BenchmarkClosureLocal", 0, 0],
      // The chapter says 1 alloc (≈24 B): go1.26 makes 2, the closure and n, 24 B together.
      ["BenchmarkClosureEscape", 2, 24],
      ["BenchmarkStashGlobal", 1, 16],
    ];
    for (const [name, perOp, bytes] of allocs) {
      for (const procs of [1, 2]) {
        const runs = runsOf(ch01, name, procs);
        expect(runs, `${name}-${procs}`).to.have.length(3);
        for (const run of runs) {
          expect([run.iterations, run.allocs_per_op, run.bytes_per_op], `${name}-${procs}`).to.deep.equal([1000, perOp, bytes]);
          expect(run.ns_per_op).to.be.a("number").and.above(0);
        }
      }
    }
  });

  it("reads exact values from the first result line", () => {
    expect(ch01.results[0]).to.deep.equal({
      name: "BenchmarkNewPointVal",
      procs: 1,
      run: { iterations: 1000, ns_per_op: 2.234, bytes_per_op: 0, allocs_per_op: 0, metrics: {} },
    });
  });

  it("reads MB/s from b.SetBytes and custom units from b.ReportMetric", () => {
    const copy = runsOf(ch01, "BenchmarkCopy4K", 1)[0];
    expect(copy).to.deep.equal({ iterations: 1000, ns_per_op: 56.27, mb_per_s: 72797.07, bytes_per_op: 0, allocs_per_op: 0, metrics: {} });
    const custom = runsOf(ch01, "BenchmarkCustomMetric", 2);
    expect(custom).to.have.length(3);
    for (const run of custom) {
      expect(run.metrics).to.deep.equal({ "bytes-joined/op": 2, widgets: 3 });
      expect([run.bytes_per_op, run.allocs_per_op]).to.deep.equal([8, 1]);
    }
  });

  it("keeps sub-benchmark names with their slash", () => {
    const names = [...new Set(ch01.results.map((r) => r.name))].filter((n) => n.startsWith("BenchmarkSum"));
    expect(names).to.deep.equal(["BenchmarkSum/size=10", "BenchmarkSum/size=1000"]);
    expect(runsOf(ch01, "BenchmarkSum/size=1000", 2).map((r) => r.ns_per_op)).to.deep.equal([688.2, 640.6, 858]);
  });

  it("records b.Fatal failures: in the first run (no name prefix) and in later runs (after the name)", () => {
    expect(ch01.failures[0]).to.deep.equal({
      name: "BenchmarkFails",
      output: ["    cell[12]:2: the claim does not hold: want 0 allocs/op"],
    });
    const late = ch01.failures.slice(1);
    expect(late).to.have.length(6); // 3 counts × 2 GOMAXPROCS values
    for (const f of late) expect(f).to.deep.equal({ name: "BenchmarkFailsLate", output: ["    cell[12]:10: too slow at N=1000"] });
    expect(ch01.results.some((r) => r.name.startsWith("BenchmarkFails"))).to.equal(false);
  });

  it("goes on after a failure and reports the run as failed", () => {
    expect(runsOf(ch01, "BenchmarkAfter", 2).map((r) => r.allocs_per_op)).to.deep.equal([0, 0, 0]);
    expect(ch01.status).to.equal("fail");
  });

  it("keeps b.Log output and the go command's closing lines in other", () => {
    expect(ch01.other.slice(0, 2)).to.deep.equal(["--- BENCH: BenchmarkLogs", "    cell[11]:39: running with N=1"]);
    expect(ch01.other.slice(-4)).to.deep.equal(["FAIL", "exit status 1", "FAIL\tgoperf.session\t0.196s", "FAIL"]);
  });

  it("accounts for every line", () => {
    const lines = ch01Text.split("\n").filter((l) => l !== "");
    const failureLines = ch01.failures.reduce((n, f) => n + 1 + f.output.length, 0);
    expect(ch01.results.length + Object.keys(ch01.config).length + failureLines + ch01.other.length).to.equal(lines.length);
    expect(ch01.results).to.have.length(78);
  });
});

describe("benchfmt: passing run", () => {
  const pass = parseBenchOutput(read("pass-count6.go1.26.8.txt"));
  it("is ok, with the default GOMAXPROCS (2 here) in every name", () => {
    expect(pass.status).to.equal("ok");
    expect(pass.failures).to.deep.equal([]);
    expect(pass.other).to.deep.equal(["PASS", "ok  \tgoperf.session\t0.047s"]);
    expect(pass.results).to.have.length(24);
    expect(new Set(pass.results.map((r) => r.procs))).to.deep.equal(new Set([2]));
    expect(runsOf(pass, "BenchmarkSquareLogged", 2).map((r) => r.ns_per_op)).to.deep.equal([174.1, 159.5, 173.2, 157.4, 161.8, 158.4]);
  });
});

describe("benchfmt: panics", () => {
  const trace = (out: BenchOutput) => out.failures[0].output;

  it("a panic after the name was printed belongs to that benchmark; earlier results survive", () => {
    const out = parseBenchOutput(read("panic-run1.go1.26.8.txt"));
    expect(out.status).to.equal("fail");
    expect(out.results.map((r) => [r.name, r.procs])).to.deep.equal([
      ["BenchmarkSquareQuiet", 2],
      ["BenchmarkSquareQuiet", 2],
      ["BenchmarkSquareQuiet", 2],
    ]);
    expect(out.failures).to.have.length(1);
    expect(out.failures[0].name).to.equal("BenchmarkPanics");
    expect(trace(out)[0]).to.equal("panic: assignment to entry in nil map");
    expect(trace(out)).to.include("\tcell[12]:17 +0x3b");
    expect(out.other).to.deep.equal(["exit status 2", "FAIL\tgoperf.session\t0.027s", "FAIL"]);
  });

  it("without the name, the benchmark is found in the goroutine trace", () => {
    const out = parseBenchOutput(read("panic-run1-noprefix.go1.26.8.txt"));
    expect(out.config).to.deep.equal({});
    expect(out.results).to.deep.equal([]);
    expect(out.failures.map((f) => f.name)).to.deep.equal(["BenchmarkPanics"]);
    expect(out.status).to.equal("fail");
  });

  it("a panic in a later run (after -cpu 1 results)", () => {
    const out = parseBenchOutput(read("panic-late.go1.26.8.txt"));
    expect(out.results).to.have.length(6);
    expect(out.failures.map((f) => f.name)).to.deep.equal(["BenchmarkPanicsLate"]);
    expect(trace(out)[0]).to.equal("panic: runtime error: index out of range [1000] with length 10");
  });

  it("the 0-iteration NaN line a crashing binary may flush is not a result", () => {
    const out = parseBenchOutput(read("panic-late-nan.go1.26.8.txt"));
    expect(out.results).to.deep.equal([]);
    expect(out.other[0]).to.match(/^BenchmarkPanicsLate-2\s+0\s+NaN ns\/op/);
    expect(out.failures.map((f) => f.name)).to.deep.equal(["BenchmarkPanicsLate"]);
  });
});

describe("benchfmt: benchmarks that print to stdout", () => {
  const out = parseBenchOutput(read("stdout.go1.26.8.txt"));
  it("finds the numbers around the printed text and keeps the text", () => {
    expect(out.results.map((r) => [r.name, r.procs, r.run.iterations, r.run.ns_per_op])).to.deep.equal([
      ["BenchmarkPrints", 2, 100, 4.7],
      ["BenchmarkPrints", 2, 100, 7.31],
      ["BenchmarkPrintsNoNewline", 2, 100, 5.01],
      ["BenchmarkPrintsNoNewline", 2, 100, 2.71],
    ]);
    expect(out.other).to.deep.equal([
      "hello from the benchmark",
      "BenchmarkPrints-2            \thello from the benchmark",
      "partial",
      "partial",
      "PASS",
      "ok  \tgoperf.session\t0.028s",
    ]);
    expect(out.status).to.equal("ok");
  });
});

describe("benchfmt: the format's rules", () => {
  it("a result needs a Benchmark name, an integer count and value/unit pairs", () => {
    const out = parseBenchOutput(
      [
        "BenchmarkA-8 100 5 ns/op",
        "BenchmarkB 100 5 ns/op 3", // odd number of fields
        "BenchmarkC 1.5 5 ns/op", // fractional iterations
        "BenchmarkD 100 five ns/op",
        "NotABenchmark 100 5 ns/op",
        "BenchmarkE 7 +Inf ns/op 1e3 things/op",
        "PASS",
      ].join("\n"),
    );
    expect(out.results).to.deep.equal([
      { name: "BenchmarkA", procs: 8, run: { iterations: 100, ns_per_op: 5, metrics: {} } },
      { name: "BenchmarkE", procs: 1, run: { iterations: 7, ns_per_op: Infinity, metrics: { "things/op": 1000 } } },
    ]);
    expect(out.other).to.deep.equal(["BenchmarkB 100 5 ns/op 3", "BenchmarkC 1.5 5 ns/op", "BenchmarkD 100 five ns/op", "NotABenchmark 100 5 ns/op", "PASS"]);
  });

  it("a line without ns/op has NaN ns_per_op", () => {
    const [r] = parseBenchOutput("BenchmarkX 10 3 widgets\n").results;
    expect(r.run.ns_per_op).to.be.NaN;
    expect(r.run.metrics).to.deep.equal({ widgets: 3 });
  });

  it("configuration: lower-case keys without spaces, later values win, empty values allowed", () => {
    const out = parseBenchOutput("commit: abc\ncommit: def\nnote:\nNotConfig: x\nhas space: y\ntesting: warning: no tests to run\n");
    expect(out.config).to.deep.equal({ commit: "def", note: "" });
    expect(out.other).to.deep.equal(["NotConfig: x", "has space: y", "testing: warning: no tests to run"]);
  });

  it("a run that never says PASS is not ok", () => {
    expect(parseBenchOutput("BenchmarkX 10 3 ns/op\n").status).to.equal("fail");
  });
});

describe("benchfmt: streaming", () => {
  it("yields each result once, as soon as its line is complete, whatever the chunking", () => {
    for (const size of [1, 7, 64, 4096]) {
      const parser = new BenchStreamParser();
      const seen: BenchResultLine[] = [];
      for (let i = 0; i < ch01Text.length; i += size) seen.push(...parser.push(ch01Text.slice(i, i + size)));
      const out = parser.end();
      expect(out).to.deep.equal(ch01);
      expect(seen).to.deep.equal(ch01.results);
    }
  });

  it("holds a half-printed line until its newline (testing prints the name before running)", () => {
    const parser = new BenchStreamParser();
    expect(parser.push("BenchmarkSlow-2   \t")).to.deep.equal([]);
    expect(parser.push("    1000\t  12.5 ns/op\t 0 B/op\t 0 allocs/op")).to.deep.equal([]);
    expect(parser.push("\nPA")).to.deep.equal([
      { name: "BenchmarkSlow", procs: 2, run: { iterations: 1000, ns_per_op: 12.5, bytes_per_op: 0, allocs_per_op: 0, metrics: {} } },
    ]);
    parser.push("SS\n");
    expect(parser.end().status).to.equal("ok");
  });

  it("end() flushes a final line without newline and is idempotent", () => {
    const parser = new BenchStreamParser();
    parser.push("BenchmarkX 10 3 ns/op");
    const out = parser.end();
    expect(out.results).to.have.length(1);
    expect(parser.end()).to.equal(out);
    expect(() => parser.push("more")).to.throw();
  });
});
