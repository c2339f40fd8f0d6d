// The profile pipeline's pure layers on profiles captured from real runs (test/fixtures/profile,
// go1.26.8): decoding, attribution to cell lines, the warm-up and harness left out, the tiny
// allocator's combines, the runtime patch, gctrace, and the renderer's bounds.
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseGcTrace } from "../../kernel/profiles/gctrace.js";
import { decodeProfile, innermostCellFrame, symbolName } from "../../kernel/profiles/pprof.js";
import { TINY_COMBINED_SIZE, benchmarkSamples, costs } from "../../kernel/profiles/profilecost.js";
import { patchTinyProfiling } from "../../kernel/go/tinyoverlay.js";
import { PROFILE_MIME, type FlameNode, type ProfileReport } from "../../kernel/reports/profile.js";
import { assembleRun, markDifferences } from "../../magics/profilereport.js";
import { renderProfile } from "../../renderers/profile.js";
import { judge, parseClaim } from "../../magics/claims.js";
import { fixture, readFixture } from "../helpers/paths.js";

const PKG = "goperf.session";
const load = (name: string) => decodeProfile(readFileSync(fixture(`profile/${name}`)));

describe("profiles (captured with go1.26.8)", () => {
  it("decodes a heap profile: its sample types, and locations that speak cell coordinates", () => {
    const p = load("mem-squarelogged.go1.26.8.pb.gz");
    expect(p.sampleTypes.map((t) => t.type)).to.deep.equal(["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"]);
    const frames = p.samples.flatMap((s) => s.stack).filter((f) => f.file.startsWith("cell["));
    // The linker's "goperf%2esession" reads as the package's name.
    expect(frames.map((f) => `${f.func} ${f.file}:${f.line}`)).to.include("goperf.session.SquareLogged cell[2]:9");
    expect(symbolName("goperf%2esession.F")).to.equal("goperf.session.F");
  });

  it("puts SquareLogged's 1000 allocations on cell[2]:9, counting the tiny allocator's combines", () => {
    const c = costs(load("mem-squarelogged.go1.26.8.pb.gz"), { kind: "mem", benchmark: "BenchmarkSquareLogged", packagePath: PKG, iterations: 1000 });
    const line = c.lines.find((l) => l.cell === 2 && l.line === 9)!;
    expect([line.allocs_per_op, line.bytes_per_op]).to.deep.equal([1, 8]);
    // fmt's printer pool is filled at the first call: allocations that round away, as in allocs/op.
    expect(line.allocs_total).to.be.within(1000, 1010);
    expect(c.lines.map((l) => `${l.cell}:${l.line}`)).to.deep.equal(["2:9"]);
    expect(c.functions.map((f) => f.name)).to.not.include("testing.(*B).runN");
  });

  it("the stock runtime's profile sees one allocation per 16-byte tiny block: half of SquareLogged's", () => {
    const p = load("mem-squarelogged-stock.go1.26.8.pb.gz");
    const own = benchmarkSamples(p, "BenchmarkSquareLogged", PKG).filter((s) => innermostCellFrame(s.stack)?.line === 9 && s.stack[0].func.endsWith("SquareLogged"));
    expect(own.reduce((t, s) => t + s.values[0], 0)).to.equal(500);
    expect(own.every((s) => s.numLabels.bytes === 16)).to.equal(true);
    // In the profiling build, the other 500 are there, marked with their own size label.
    const patched = benchmarkSamples(load("mem-squarelogged.go1.26.8.pb.gz"), "BenchmarkSquareLogged", PKG).filter((s) => s.numLabels.bytes === TINY_COMBINED_SIZE);
    expect(patched.reduce((t, s) => t + s.values[0], 0)).to.equal(500);
  });

  it("leaves out a b.N benchmark's warm-up call (run1, b.N = 1): exactly 2 × 1000 allocations", () => {
    const p = load("mem-closureescape.go1.26.8.pb.gz");
    const c = costs(p, { kind: "mem", benchmark: "BenchmarkClosureEscape", packagePath: PKG, iterations: 1000 });
    expect(c.lines.map((l) => [l.cell, l.line, l.allocs_total, l.bytes_total])).to.deep.equal([
      [3, 3, 1000, 8000],
      [3, 4, 1000, 16000],
    ]);
    const all = benchmarkSamples({ ...p, samples: p.samples.filter((s) => !s.stack.some((f) => f.func === "testing.(*B).launch")) }, "BenchmarkClosureEscape", PKG);
    expect(all.reduce((t, s) => t + s.values[0], 0)).to.equal(2); // the warm-up's own two
  });

  it("a CPU profile: percentages of all samples on cell lines, flat and cumulative by function, a call tree", () => {
    const p = load("cpu-squarelogged.go1.26.8.pb.gz");
    expect(p.sampleTypes.map((t) => t.type)).to.deep.equal(["samples", "cpu"]);
    const c = costs(p, { kind: "cpu", benchmark: "BenchmarkSquareLogged", packagePath: PKG, iterations: 882920 });
    const total = c.lines.reduce((t, l) => t + l.cpu_pct!, 0) + c.outsideCells.cpu_pct!;
    expect(total).to.be.closeTo(100, 1e-9);
    const sq = c.functions.find((f) => f.name === "SquareLogged")!;
    expect(sq.cum.cpu_pct).to.be.at.least(sq.flat.cpu_pct!);
    const sumChildren = (n: FlameNode): boolean => n.children.reduce((t, ch) => t + ch.value, 0) <= n.value && n.children.every(sumChildren);
    expect(c.flame.value).to.equal(p.samples.reduce((t, s) => t + s.values[0], 0));
    expect(sumChildren(c.flame)).to.equal(true);
  });

  it("a block profile: each line's waiting per iteration is its delay over the run divided by N, once", () => {
    const p = load("block-handoff.go1.26.8.pb.gz");
    expect(p.sampleTypes.map((t) => t.type)).to.deep.equal(["contentions", "delay"]);
    const c = costs(p, { kind: "block", benchmark: "BenchmarkHandoff", packagePath: PKG, iterations: 500 });
    const send = c.lines.find((l) => l.cell === 3 && l.line === 9)!; // c <- i
    const onLine = p.samples.filter((s) => innermostCellFrame(s.stack)?.line === 9).reduce((t, s) => t + s.values[1], 0);
    expect(onLine).to.be.greaterThan(0);
    expect(send.delay_ns_per_op).to.equal(onLine / 500);
    const all = p.samples.reduce((t, s) => t + s.values[1], 0);
    expect(send.delay_pct).to.equal((100 * onLine) / all);
  });

  it("reads gctrace lines: heap, goal, pauses; forced collections marked", () => {
    const t = parseGcTrace(readFixture("profile/gctrace-closureescape.go1.26.8.txt"));
    expect(t.cycles.map((c) => [c.n, c.forced])).to.deep.equal([[1, true], [2, true], [3, true], [4, false]]);
    expect(t.cycles[3]).to.deep.include({ heap_start_mb: 3, heap_end_mb: 4, heap_live_mb: 0, heap_goal_mb: 4, at_s: 0.127 });
    expect(t.cycles[3].pause_ms).to.be.closeTo(2.607, 1e-9);
  });
});

describe("the profiling build's runtime patch", () => {
  const goroot = execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim();
  it("patches every tiny-allocator early return of the local release, and nothing else", () => {
    let patched = 0;
    for (const f of ["malloc.go", "malloc_generated.go"]) {
      const path = join(goroot, "src", "runtime", f);
      if (!existsSync(path)) continue;
      const src = readFileSync(path, "utf8");
      const out = patchTinyProfiling(src, TINY_COMBINED_SIZE);
      expect(out.patched).to.equal((src.match(/c\.tinyAllocs\+\+/g) ?? []).length);
      expect(out.text.replace(/\n\s*if MemProfileRate == 1 \{\n\s*profilealloc\(mp, x, 1\) \/\/ goperf: profile tiny-allocator combines too\n\s*\}/g, "")).to.equal(src);
      patched += out.patched;
    }
    expect(patched).to.be.greaterThan(0);
  });
});

describe("renderProfile", () => {
  it("stays small for a profile with thousands of functions: truncated, said so, no script", () => {
    const p = load("mem-squarelogged.go1.26.8.pb.gz");
    const measured = costs(p, { kind: "mem", benchmark: "BenchmarkSquareLogged", packagePath: PKG, iterations: 1000 });
    const run = assembleRun(
      { kind: "mem", iterations: 1000, costs: measured, raw: readFileSync(fixture("profile/mem-squarelogged.go1.26.8.pb.gz")), reported: { allocs_per_op: 1, bytes_per_op: 8 } },
      { kind: "mem", version: "go1.26.8", decls: [], decisions: [] },
    );
    const many = Array.from({ length: 5000 }, (_, i) => ({ name: `pkg.F${i}`, flat: { allocs_per_op: 0 }, cum: { allocs_per_op: 0 } }));
    const big: FlameNode = { name: "all", value: 5000, children: Array.from({ length: 5000 }, (_, i) => ({ name: `pkg.F${i}`, value: 1, children: [] })) };
    const report: ProfileReport = { ...run, functions: many, flame: big, kind: "mem", benchmark: "BenchmarkSquareLogged", cells: [{ cell: 2, source: "x\n".repeat(3000) }], truncated: true, notes: ["Truncated: small call-tree frames (under 0.5%) and functions beyond the top 60 are left out."] };
    const bundle = renderProfile(report);
    const html = String(bundle["text/html"]);
    expect(html.length).to.be.lessThan(400_000);
    expect(html).to.not.match(/<script/i);
    expect(html).to.match(/Truncated/);
    expect(bundle[PROFILE_MIME]).to.equal(report);
  });
});

describe("run-time allocation claims", () => {
  const p = load("mem-squarelogged.go1.26.8.pb.gz");
  const measured = costs(p, { kind: "mem", benchmark: "BenchmarkSquareLogged", packagePath: PKG, iterations: 1000 });
  const run = assembleRun({ kind: "mem", iterations: 1000, costs: measured, raw: null, reported: { allocs_per_op: 1, bytes_per_op: 8 } }, { kind: "mem", version: "go1.26.8", decls: [], decisions: [] });
  const source = readFixture("profile/source-main.go").split("//line cell[2]:1:1\n")[1].split("//line cell[3]")[0];
  const report: ProfileReport = { ...run, kind: "mem", benchmark: "BenchmarkSquareLogged", cells: [{ cell: 2, source }], truncated: false, notes: [] };
  const verdict = (text: string) => judge(parseClaim(text), { benches: [], profiles: [report] });

  it("line N: the line's allocs/op and B/op in the newest profile that shows it", () => {
    expect(verdict("line 9 allocs/op == 1")).to.deep.include({ passed: true });
    expect(verdict("line 9 allocs/op == 1").detail).to.match(/^cell\[2\]:9 `fmt.Fprint\(io.Discard, x\).*`: 1 allocs\/op in BenchmarkSquareLogged/);
    expect(verdict("cell[2]:9 B/op == 8").passed).to.equal(true);
    expect(verdict("line 8 allocs/op == 0").passed).to.equal(true);
    expect(verdict("line 9 allocs/op == 0").passed).to.equal(false);
    expect(verdict("line 99 allocs/op == 0")).to.deep.include({ passed: false });
    expect(judge(parseClaim("line 9 allocs/op == 1"), { benches: [] }).detail).to.match(/run %profile/);
  });

  it("FUNC allocs/op: FUNC with what it calls; a %bench result of the same name comes first", () => {
    expect(verdict("SquareLogged allocs/op == 1").passed).to.equal(true);
    expect(verdict("fmt.Fprint allocs/op == 0").passed).to.equal(true);
    expect(verdict("NoSuchFunc allocs/op == 0").detail).to.match(/no results for NoSuchFunc/);
  });
});

describe("--go A,B: lines marked where the releases differ", () => {
  it("keeps A's figures beside B's, marks a changed count and a line only one release allocates on", () => {
    const p = load("mem-closureescape.go1.26.8.pb.gz");
    const run = () => assembleRun({ kind: "mem", iterations: 1000, costs: costs(p, { kind: "mem", benchmark: "BenchmarkClosureEscape", packagePath: PKG, iterations: 1000 }), raw: null, reported: { allocs_per_op: 2, bytes_per_op: 24 } }, { kind: "mem", version: "go1.26.8", decls: [], decisions: [] });
    const before = run();
    // As if release A had allocated n and the closure together on line 4 (one 24-byte object).
    before.go_version = "go1.25.0";
    before.lines = [{ ...before.lines[1], allocs_per_op: 1, bytes_per_op: 24 }];
    const after = run();
    const report: ProfileReport = { ...after, kind: "mem", benchmark: "BenchmarkClosureEscape", cells: [], truncated: false, notes: [], before };
    markDifferences(report);
    expect(report.lines.map((l) => [l.line, l.allocs_per_op, l.before?.allocs_per_op, l.differs])).to.deep.equal([
      [3, 1, undefined, true],
      [4, 1, 1, true],
    ]);
    const same: ProfileReport = { ...run(), kind: "mem", benchmark: "BenchmarkClosureEscape", cells: [], truncated: false, notes: [], before: run() };
    markDifferences(same);
    expect(same.lines.map((l) => l.differs)).to.deep.equal([false, false]);
  });
});
