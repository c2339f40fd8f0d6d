// %profile against the real toolchain and kernel, on Chapter 1's code. Allocation counts are exact
// facts: each benchmark's per-line allocs/op and B/op must add up to what %bench reports for it.
// Times are never asserted.
import { expect } from "chai";
import { KernelClient, type Exchange } from "../../kernel/client/client.js";
import { PROFILE_MIME, type ProfileReport } from "../../kernel/reports/profile.js";
import type { BenchReport } from "../../kernel/reports/index.js";
import { bundleWith, errorOf, reportWith } from "../helpers/outputs.js";
import { CLOSURES, CLOSURE_BENCHMARKS, GLOBALS, POINTS, SQUARES } from "../helpers/ch01.js";

const BENCH_MIME = "application/vnd.goperf.bench.v1+json";
const FAST = "-benchtime 20000x -count 1";

function profileOf(x: Exchange): ProfileReport {
  return reportWith<ProfileReport>(x, PROFILE_MIME);
}

function sums(r: ProfileReport): [number, number] {
  return r.lines.reduce(([a, b], l) => [a + (l.allocs_per_op ?? 0), b + (l.bytes_per_op ?? 0)], [0, 0]);
}

function line(r: ProfileReport, cell: number, n: number) {
  return r.lines.find((l) => l.cell === cell && l.line === n);
}

describe("%profile (real toolchain, Chapter 1)", function () {
  this.timeout(600_000);
  let k: KernelClient;
  const cells: Record<string, number> = {};
  before(async () => {
    k = await KernelClient.launch();
    for (const [name, code] of Object.entries({ POINTS, SQUARES, CLOSURES, GLOBALS })) {
      const x = await k.execute(code);
      expect(x.reply.content.status).to.equal("ok");
      cells[name] = x.reply.content.execution_count as number;
    }
    const benches = CLOSURE_BENCHMARKS;
    const x = await k.execute(benches);
    expect(x.reply.content.status).to.equal("ok");
    cells.BENCHES = x.reply.content.execution_count as number;
  });
  after(async () => {
    await k?.close();
  });

  // Each is profiled and benchmarked in the same session: the sums must match %bench exactly.
  const cases = ["SquareQuiet(1<<20)", "SquareLogged(1<<20)", "SquareLogged(5)", "NewPointVal(1, 2)", "NewPointPtr(1, 2)", "ClosureLocal", "ClosureEscape", "StashGlobal"];
  for (const target of cases) {
    it(`${target}: per-line allocs/op and B/op add up to %bench's`, async () => {
      const b = reportWith<BenchReport>(await k.execute(`%bench ${FAST} ${target}`), BENCH_MIME);
      expect(b.benchmarks).to.have.length(1);
      const s = b.benchmarks[0].summary;
      const p = profileOf(await k.execute(`%profile -benchtime 20000x ${target}`));
      expect(p.kind).to.equal("mem");
      expect(p.iterations).to.equal(20000);
      expect(p.benchmark).to.equal(b.benchmarks[0].name);
      expect(sums(p)).to.deep.equal([s.allocs_per_op!.value, s.bytes_per_op!.value]);
      expect(p.reported).to.deep.equal({ allocs_per_op: s.allocs_per_op!.value, bytes_per_op: s.bytes_per_op!.value });
      expect(p.unattributed_allocs_per_op).to.equal(undefined);
    });
  }

  it("puts SquareLogged's boxing on the line the compiler flagged, next to its decision", async () => {
    const p = profileOf(await k.execute("%profile SquareLogged(1<<20)"));
    // SQUARES line 9: fmt.Fprint(io.Discard, x): the tiny allocator's 8-byte int, counted one per call.
    const l = line(p, cells.SQUARES, 9)!;
    expect([l.allocs_per_op, l.bytes_per_op, l.func]).to.deep.equal([1, 8, "SquareLogged"]);
    expect(l.decisions.map((d) => d.message)).to.include("x escapes to heap");
    expect(p.functions.find((f) => f.name === "SquareLogged")!.cum.allocs_per_op).to.equal(1);
    expect(p.functions.find((f) => f.name === "SquareQuiet")).to.equal(undefined);
    // The same facts as %expect claims: they pass, and a wrong one fails the cell with the evidence.
    const ok = await k.execute("%expect line 9 allocs/op == 1\n%expect line 8 allocs/op == 0\n%expect line 9 B/op == 8\n%expect fmt.Fprint allocs/op == 0");
    expect(ok.reply.content.status).to.equal("ok");
    const wrong = errorOf(await k.execute("%expect line 9 allocs/op == 0"));
    expect(wrong.ename).to.equal("ClaimFailed");
    expect(wrong.traceback.join("\n")).to.match(/cell\[\d+\]:9 `fmt.Fprint\(io.Discard, x\).*`: 1 allocs\/op in BenchmarkSquareLogged/);
  });

  it("shows an escape decision that costs nothing at run time (a small int is boxed from a static table)", async () => {
    const p = profileOf(await k.execute("%profile SquareLogged(5)"));
    const l = line(p, cells.SQUARES, 9)!;
    expect(l.allocs_per_op).to.equal(0);
    expect(l.decisions.map((d) => d.message)).to.include("x escapes to heap");
  });

  it("attributes NewPointPtr's allocation to `p := Point{x, y}` (moved to heap: p)", async () => {
    const x = await k.execute("%profile NewPointPtr(1, 2)");
    const p = profileOf(x);
    const l = line(p, cells.POINTS, 5)!;
    expect([l.allocs_per_op, l.bytes_per_op]).to.deep.equal([1, 16]);
    expect(l.decisions.map((d) => d.message)).to.include("moved to heap: p");
    const html = String(bundleWith(x, PROFILE_MIME)!["text/html"]);
    expect(html).to.match(/1 alloc\/op, 16 B\/op/);
    expect(html).to.match(/href="data:application\/octet-stream;base64,H4sI/); // the gzipped profile
    expect(html).to.not.match(/<script/i);
  });

  it("%bench --profile mem: the benchmark's results, then its per-line profile", async () => {
    const x = await k.execute(`%bench ${FAST} --profile mem NewPointPtr(1, 2)`);
    expect(reportWith<BenchReport>(x, BENCH_MIME).benchmarks[0].summary.allocs_per_op!.value).to.equal(1);
    const l = line(profileOf(x), cells.POINTS, 5)!;
    expect([l.allocs_per_op, l.bytes_per_op]).to.deep.equal([1, 16]);
  });

  it("--go 1.22.12,local: per-line allocations under both releases, marked where they differ", async () => {
    // A session of its own: go1.22.12 has no b.Loop, so only b.N benchmarks.
    const k2 = await KernelClient.launch();
    try {
      const closures = (await k2.execute(CLOSURES)).reply.content.execution_count as number;
      const bench = "func BenchmarkClosureEscape(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\tMakeCounter()\n\t}\n}";
      const p = profileOf(await k2.execute(`%profile --go 1.22.12,local ClosureEscape\n${bench}`));
      expect([p.before!.go_version, p.go_version]).to.deep.equal(["go1.22.12", "go1.26.8"]);
      // MakeCounter: n moved to heap (8 B) and the closure (16 B), under both releases.
      const at = (r: { lines: ProfileReport["lines"] }) => r.lines.filter((l) => l.cell === closures).map((l) => [l.line, l.allocs_per_op, l.bytes_per_op]);
      expect(at(p)).to.deep.equal([[3, 1, 8], [4, 1, 16]]);
      expect(at(p.before!)).to.deep.equal(at(p));
      expect(p.lines.filter((l) => l.cell === closures).map((l) => l.differs)).to.deep.equal([false, false]);
    } finally {
      await k2.close();
    }
  });

  it("--cpu: a flame graph, the top table and per-line percentages", async () => {
    const x = await k.execute("%profile --cpu -benchtime 300ms SquareLogged(1<<20)");
    const p = profileOf(x);
    expect(p.kind).to.equal("cpu");
    expect(p.samples_total).to.be.greaterThan(0);
    expect(p.flame!.value).to.be.greaterThan(0);
    const pct = p.lines.reduce((t, l) => t + (l.cpu_pct ?? 0), 0);
    expect(pct).to.be.within(0, 100.0001);
    expect(p.functions.map((f) => f.name)).to.include("SquareLogged");
    expect(String(bundleWith(x, PROFILE_MIME)!["text/html"])).to.match(/<svg[^>]*aria-label="flame graph"/);
  });

  it("--block: waiting per iteration on the line that blocks", async () => {
    const cell = "func BenchmarkHandoff(b *testing.B) {\n\tc := make(chan int)\n\tgo func() {\n\t\tfor range c {\n\t\t\ttime.Sleep(time.Microsecond)\n\t\t}\n\t}()\n\tfor i := 0; i < b.N; i++ {\n\t\tc <- i\n\t}\n\tclose(c)\n}";
    const x = await k.execute(`%profile --block -benchtime 2000x Handoff\n${cell}`);
    const p = profileOf(x);
    expect(p.kind).to.equal("block");
    const send = line(p, x.reply.content.execution_count as number, 10)!; // c <- i
    expect(send.delay_ns_per_op).to.be.greaterThan(0);
    expect(p.functions.map((f) => f.name)).to.include("runtime.chansend1");
  });

  it("--gc: one record per collection and GCs per op", async () => {
    const cell = "var sink []byte\n\nfunc BenchmarkGarbage(b *testing.B) {\n\tfor b.Loop() {\n\t\tsink = make([]byte, 64<<10)\n\t}\n}";
    const p = profileOf(await k.execute(`%profile --gc -benchtime 2000x Garbage\n${cell}`));
    expect(p.kind).to.equal("gc");
    expect(p.gc!.cycles.length).to.be.greaterThan(0);
    expect(p.gc!.gcs_per_op).to.be.greaterThan(0);
    // %bench --gc: the benchmark's results, then the same chart.
    const x = await k.execute("%bench -benchtime 2000x -count 1 --gc Garbage");
    expect(reportWith<BenchReport>(x, BENCH_MIME).benchmarks[0].summary.allocs_per_op!.value).to.equal(1);
    expect(profileOf(x).gc!.cycles.length).to.be.greaterThan(0);
  });

  it("errors as %bench does: no such benchmark, several at once, a failing one, a panicking one", async () => {
    const none = errorOf(await k.execute("%profile NoSuchThing"));
    expect(none.evalue).to.match(/no benchmark matches; the benchmarks are: .*BenchmarkClosureLocal/);
    const several = errorOf(await k.execute("%profile Closure"));
    expect(several.evalue).to.match(/one benchmark per profile; Closure matches BenchmarkClosureLocal, BenchmarkClosureEscape/);
    const failing = errorOf(await k.execute('%profile Broken\nfunc BenchmarkBroken(b *testing.B) {\n\tb.Fatal("no good")\n}'));
    expect(failing.ename).to.equal("BenchmarkFailed");
    expect(failing.traceback.join("\n")).to.match(/cell\[\d+\]:3: no good/);
    const panics = errorOf(await k.execute('%profile Panics\nfunc BenchmarkPanics(b *testing.B) {\n\tvar m map[string]int\n\tm["a"] = 1\n}'));
    const benched = errorOf(await k.execute("%bench -benchtime 10x -count 1 Panics"));
    expect([panics.ename, panics.evalue]).to.deep.equal([benched.ename, benched.evalue]);
    expect(panics.traceback.join("\n")).to.match(/cell\[\d+\]:4/);
    const usage = errorOf(await k.execute("%profile -benchtime 1s SquareQuiet(1)"));
    expect(usage.ename).to.equal("UsageError");
  });

  it("is interrupted cleanly: nothing shown, the kernel lives", async () => {
    const running = k.execute("%profile --cpu -benchtime 60s SquareLogged(1<<20)");
    await new Promise((r) => setTimeout(r, 2500));
    await k.request("control", "interrupt_request", {});
    const x = await running;
    expect(errorOf(x).ename).to.equal("Interrupted");
    expect(bundleWith(x, PROFILE_MIME)).to.equal(undefined);
    expect((await k.execute("%profile NewPointPtr(1, 2)")).reply.content.status).to.equal("ok");
  });
});
