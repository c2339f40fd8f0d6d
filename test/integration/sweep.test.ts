// %bench --sweep against the real toolchain. allocs/op and B/op are exact facts (go1.26.8: a
// make([]int, n) that does not escape gets a 32-byte stack buffer, so n ≤ 4 allocates nothing);
// ns/op is weather and never asserted.
import { expect } from "chai";
import { KernelClient, type Exchange } from "../../kernel/client/client.js";
import type { BenchReport } from "../../kernel/reports/index.js";
import { bundleWith, errorOf, reportWith } from "../helpers/outputs.js";

const MIME = "application/vnd.goperf.bench.v1+json";
const FAST = "-benchtime 20000x -count 2";

const CODE = `
import "time"
// Window sums the first n squares through a scratch slice that never escapes.
func Window(n int) int {
	buf := make([]int, n)
	for i := range buf {
		buf[i] = i * i
	}
	s := 0
	for _, v := range buf {
		s += v
	}
	return s
}

// Boxes allocates one pointer per 8 values.
func Boxes(n int) int {
	s := 0
	for i := 0; i < n; i += 8 {
		p := new([8]int)
		p[0] = i
		s += keep(p)
	}
	return s
}

//go:noinline
func keep(p *[8]int) int { sinkBox = p; return p[0] }

var sinkBox *[8]int

func Slow(n int) int {
	if n == 64 {
		time.Sleep(time.Hour)
	}
	return n
}

func Fragile(n int) int {
	if n == 64 {
		panic("n=64 is not supported")
	}
	return n
}
`;

const reportOf = (x: Exchange) => reportWith<BenchReport>(x, MIME);
// Series are named as benchstat names them, with -GOMAXPROCS when above 1: drop it to compare.
const bare = (name: string) => name.replace(/-\d+(?= |$)/, "");

describe("%bench --sweep (real toolchain)", function () {
  this.timeout(240_000);
  let k: KernelClient;
  before(async () => {
    k = await KernelClient.launch();
    expect((await k.execute(CODE)).reply.content.status).to.equal("ok");
  });
  after(async () => {
    await k?.close();
  });

  it("runs each call at each size as BenchmarkF/n=N in one binary run, with exact allocs/op laws", async () => {
    const x = await k.execute(`%bench ${FAST} Window(n) Boxes(n) --sweep n=1,2,4,8,64,512`);
    const r = reportOf(x);
    const names = r.benchmarks.map((b) => b.name);
    expect(names).to.include.members(["BenchmarkWindow/n=1", "BenchmarkWindow/n=512", "BenchmarkBoxes/n=64"]);
    expect(r.flags.filter((f) => f === "-bench")).to.have.length(1);
    const allocs = (s: string) => r.sweep!.series.find((x) => bare(x.name) === s)!.points.map((p) => [p.n, p.summary.allocs_per_op?.value]);
    // The stack buffer holds 32 bytes: 4 ints.
    expect(allocs("Window")).to.deep.equal([[1, 0], [2, 0], [4, 0], [8, 1], [64, 1], [512, 1]]);
    expect(allocs("Boxes")).to.deep.equal([[1, 1], [2, 1], [4, 1], [8, 1], [64, 8], [512, 64]]);
    const laws = Object.fromEntries(r.sweep!.growth.filter((g) => g.exact).map((g) => [`${bare(g.series)} ${g.unit}`, g.exact]));
    expect(laws["Window allocs/op"]).to.equal("allocs/op = 0 for n ≤ 4, 1 from n = 8");
    expect(laws["Boxes allocs/op"]).to.equal("allocs/op = ⌈n/8⌉");
    expect(laws["Window B/op"]).to.equal("B/op = 64·⌊n/8⌋"); // exact at the sizes measured: 0 up to 4 ints, 8 B per int from 8
    expect(r.sweep!.vars).to.deep.equal(["n"]);
    expect(r.sweep!.logX).to.equal(true);
    const text = String(bundleWith(x, MIME)!["text/plain"]);
    expect(text).to.contain("n=512").and.match(/growth: Window(-\d+)? allocs\/op = 0 for n ≤ 4, 1 from n = 8/);
    const html = String(bundleWith(x, MIME)!["text/html"]);
    expect(html).to.contain("<svg").and.match(/<title>Window(-\d+)? n=8: 1 allocs\/op \(every run agrees\)<\/title>/);
    expect(html).to.not.contain("NaN");
  });

  it("%expect judges a count's law over the sweep: BENCH allocs/op grows as LAW", async () => {
    const ok = await k.execute("%expect Window allocs/op grows as 0 for n <= 4, 1 from n = 8\n%expect Boxes B/op grows as 64·⌈n/8⌉");
    expect(ok.reply.content.status, JSON.stringify(ok.iopub.map((m) => m.content))).to.equal("ok");
    const bad = errorOf(await k.execute("%expect Window allocs/op grows as n/8"));
    expect(bad.ename).to.equal("ClaimFailed");
    expect(bad.traceback.join("\n")).to.match(/Window(-\d+)? allocs\/op = 0 for n ≤ 4, 1 from n = 8 over n=1, n=2, n=4, n=8, n=64, n=512, not n\/8/);
  });

  it("charts a cell's own b.Run(\"n=…\") sub-benchmarks the same way", async () => {
    const cell = [
      "func BenchmarkOwn(b *testing.B) {",
      "\tfor _, n := range []int{2, 16, 128} {",
      '\t\tb.Run("n="+strconv.Itoa(n), func(b *testing.B) {',
      "\t\t\tfor b.Loop() {",
      "\t\t\t\tBoxes(n)",
      "\t\t\t}",
      "\t\t})",
      "\t}",
      "}",
      "%bench " + FAST,
    ].join("\n");
    const x = await k.execute(`import "strconv"\n${cell}`);
    const r = reportOf(x);
    expect(r.sweep?.series.map((s) => bare(s.name))).to.deep.equal(["Own"]);
    expect(r.sweep!.series[0].points.map((p) => p.summary.allocs_per_op?.value)).to.deep.equal([1, 2, 16]);
  });

  it("marks a size that panics as failed and still reports the others", async () => {
    const x = await k.execute(`%bench ${FAST} Fragile(n) --sweep n=8,64,512`);
    const r = reportOf(x);
    const points = r.sweep!.series[0].points;
    expect(points.map((p) => [p.n, Boolean(p.failed)])).to.deep.equal([[8, false], [64, true], [512, false]]);
    expect(points[2].summary.allocs_per_op?.value).to.equal(0);
    expect(errorOf(x).ename).to.equal("BenchmarkFailed");
  });

  it("marks a size that times out (--timeout) as failed and still reports the others", async () => {
    const x = await k.execute(`%bench ${FAST} Slow(n) --sweep n=8,64,512 --timeout 3s`);
    const points = reportOf(x).sweep!.series[0].points;
    expect(points.map((p) => [p.n, Boolean(p.failed)])).to.deep.equal([[8, false], [64, true], [512, false]]);
    expect(points[1].failed).to.match(/timed out/);
  });

  it("refuses a sweep with one value, a non-number, an unused variable and too many points, saying what is right", async () => {
    for (const [line, want] of [
      ["%bench Window(n) --sweep n=8", /one value \(8\) is not a sweep/],
      ["%bench Window(n) --sweep n=1,x", /"x" is not a whole number/],
      ["%bench Window(n) --sweep m=1,2", /no call uses m; write it where the size goes: Window\(m\)/],
      ["%bench Window(n) --sweep n=1..100000+1", /more than 64/],
      ["%bench Window(n) --sweep 'n=1..64x2 k=1..4096x2'", /points per call is more than 64/],
    ] as const) {
      const e = errorOf(await k.execute(line));
      expect(e.ename, line).to.equal("UsageError");
      expect(e.evalue, line).to.match(want);
    }
  });
});

describe("%bench --save/--compare across sessions (real toolchain)", function () {
  this.timeout(240_000);
  let data: string;
  before(async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    data = mkdtempSync(join(tmpdir(), "goperf-h17-data-"));
  });
  after(async () => {
    const { rmSync } = await import("node:fs");
    rmSync(data, { recursive: true, force: true });
  });

  it("saves a benchstat file in a private dir, and a later session compares with it, naming keys and rows that differ", async () => {
    const { statSync, readFileSync } = await import("node:fs");
    const { parseBenchOutput } = await import("../../kernel/go/benchfmt.js");
    const env = { ...process.env, XDG_DATA_HOME: data };
    const first = await KernelClient.launch({ env });
    try {
      expect((await first.execute(CODE)).reply.content.status).to.equal("ok");
      const r = reportOf(await first.execute(`%bench ${FAST} Window(8) Boxes(64) --save base --label variant=plain`));
      expect(r.saved).to.equal(`${data}/goperf/bench/base.txt`);
      expect(statSync(`${data}/goperf/bench`).mode & 0o777).to.equal(0o700);
      const saved = parseBenchOutput(readFileSync(r.saved!, "utf8"));
      expect(saved.config).to.include({ goos: "linux", go: "go1.26.8", variant: "plain" });
      expect(saved.config.machine).to.be.a("string").and.not.equal("");
      expect(saved.results.map((x) => x.name)).to.include.members(["BenchmarkWindow", "BenchmarkBoxes"]);
    } finally {
      await first.close();
    }
    const second = await KernelClient.launch({ env });
    try {
      expect((await second.execute(CODE)).reply.content.status).to.equal("ok");
      const x = await second.execute(`%bench ${FAST} Window(8) Fragile(3) --compare base --label variant=pooled`);
      const c = reportOf(x).comparison!;
      expect(c.baseline_file).to.equal(`${data}/goperf/bench/base.txt`);
      expect(c.config_differs).to.deep.include({ key: "variant", before: "plain", after: "pooled" });
      expect(c.rows.map((row) => row.name)).to.deep.equal(["BenchmarkWindow"]);
      expect(c.rows[0].allocs_per_op).to.deep.include({ significant: false, note: "all samples are equal" });
      expect(c.unmatched!.baseline.map(bare)).to.deep.equal(["BenchmarkBoxes"]);
      expect(c.unmatched!.current.map(bare)).to.deep.equal(["BenchmarkFragile"]);
      expect(String(bundleWith(x, MIME)!["text/plain"])).to.match(/configuration differs from base: .*variant plain → pooled/).and.match(/only in base \(not compared\): Boxes/);
      const e = errorOf(await second.execute("%bench Window(8) --compare nosuch"));
      expect(e.evalue).to.match(/no result saved under that name; .*saved in .*: base/);
    } finally {
      await second.close();
    }
  });
});
