// %asm, %bce, %inline, %layout and their claims against the real toolchain. Fidelity: the
// instructions %asm shows for a function are the toolchain's own `go build -gcflags=-S` output for
// the same code (amd64 and arm64), and %layout's offsets and sizes are what unsafe.Offsetof and
// unsafe.Sizeof print in a program this test builds and runs (amd64 and 386).
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KernelClient, type Exchange } from "../../kernel/client/client.js";
import type { AsmReport } from "../../kernel/reports/asm.js";
import type { BceReport } from "../../kernel/reports/bce.js";
import type { InlineReport } from "../../kernel/reports/inline.js";
import type { LayoutReport } from "../../kernel/reports/layout.js";
import type { ClaimReport } from "../../magics/reports.js";
import { errorOf, reportWith } from "../helpers/outputs.js";

const CODE = [
  "func mul(a, b int) int {",
  "\tx := a * b",
  "\treturn x ^ (x >> 3)",
  "}",
  "",
  "func Sum(s []int, n int) int {",
  "\tt := 0",
  "\tfor i := 0; i < n; i++ {",
  "\t\tt += s[i] * mul(i, 3)",
  "\t}",
  "\treturn t",
  "}",
  "",
  "func SumRange(s []int) int {",
  "\tt := 0",
  "\tfor _, v := range s {",
  "\t\tt += v",
  "\t}",
  "\treturn t",
  "}",
].join("\n");

const STRUCTS = [
  "type Loose struct {",
  "\tA bool",
  "\tB int64",
  "\tC bool",
  "\tS string",
  "\tP *int",
  "\tD int16",
  "}",
  "",
  "type Mixed struct {",
  "\tX  [3]byte",
  "\tF  float64",
  "\tI  any",
  "\tM  map[string]int",
  "\tU  uint32",
  "\tE  struct{}",
  "}",
].join("\n");

/** The toolchain's own -S lines for one function: "pos-without-abs-path\tinstruction". */
function toolchainListing(dir: string, goarch: string, symbol: string): string[] {
  const r = spawnSync("go", ["build", "-gcflags=-S", "-o", join(dir, "out.bin"), "."], { cwd: dir, env: { ...process.env, GOARCH: goarch, GOFLAGS: "" }, encoding: "utf8" });
  expect(r.status, r.stderr).to.equal(0);
  const lines = (r.stdout + r.stderr).split("\n");
  const start = lines.findIndex((l) => l.startsWith(`${symbol} STEXT`));
  expect(start, `${symbol} in the listing`).to.be.greaterThan(-1);
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    const m = /^\t0x[0-9a-f]{4} \d{5} \((.*?)\)\t(.*)$/.exec(l);
    if (!m) break;
    out.push(`${m[1].replace(/\[.*\]$/, "")}\t${m[2]}`);
  }
  return out;
}

describe("%asm, %bce, %inline, %layout (real toolchain)", function () {
  this.timeout(300_000);
  let k: KernelClient;
  let dir: string;
  before(async () => {
    k = await KernelClient.launch();
    dir = mkdtempSync(join(tmpdir(), "goperf-compiled-test-"));
    writeFileSync(join(dir, "go.mod"), "module fidelity\n\ngo 1.24\n");
  });
  after(async () => {
    await k?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("%asm shows exactly the toolchain's -S instructions for each function, amd64 and arm64", async () => {
    const first = await k.execute(`%asm\n${CODE}`);
    expect(first.reply.content.status).to.equal("ok");
    const count = (first.reply.content as { execution_count: number }).execution_count;
    // The same code, at the same cell lines, built by the go command directly.
    writeFileSync(join(dir, "main.go"), `package main\n\n//line cell[${count}]:2:1\n${CODE}\n\n//line goperf-main.go:1\nfunc main() { println(Sum(nil, 0), SumRange(nil)) }\n`);
    for (const arch of ["amd64", "arm64"]) {
      const x = arch === "amd64" ? first : await k.execute(`%asm --arch ${arch}`);
      expect(x.reply.content.status).to.equal("ok");
      const r = reportWith<AsmReport>(x, "application/vnd.goperf.asm.v1+json");
      expect(r.builds[0].goarch).to.equal(arch);
      for (const name of ["mul", "Sum", "SumRange"]) {
        const f = r.builds[0].functions.find((fn) => fn.name === name)!;
        expect(f, name).to.not.equal(undefined);
        const shown = f.instructions.map((i) => `${i.pos.replace(/\[.*\]$/, "")}\t${i.text}`);
        expect(shown, `${arch} ${name}`).to.deep.equal(toolchainListing(dir, arch, `main.${name}`));
      }
      // The loop's load is on its cell line; mul's body inlined into Sum is marked.
      const sum = r.builds[0].functions.find((fn) => fn.name === "Sum")!;
      expect(sum.instructions.some((i) => i.line === 10 && !i.pseudo)).to.equal(true);
      expect(sum.instructions.filter((i) => i.inlined === "mul").length).to.be.greaterThan(0);
    }
  });

  it("%asm --go A,B puts both releases side by side with instruction counts", async () => {
    const x = await k.execute("%asm --func SumRange --go local,local");
    expect(x.reply.content.status).to.equal("ok");
    const r = reportWith<AsmReport>(x, "application/vnd.goperf.asm.v1+json");
    expect(r.builds).to.have.length(2);
    expect(r.builds[0].functions.map((f) => f.count)).to.deep.equal(r.builds[1].functions.map((f) => f.count));
  });

  it("%asm --arch A,B puts two architectures side by side", async () => {
    const x = await k.execute("%asm --func SumRange --arch amd64,arm64");
    expect(x.reply.content.status).to.equal("ok");
    const r = reportWith<AsmReport>(x, "application/vnd.goperf.asm.v1+json");
    expect(r.builds.map((b) => [b.goarch, b.functions.map((f) => f.name)])).to.deep.equal([
      ["amd64", ["SumRange"]],
      ["arm64", ["SumRange"]],
    ]);
    expect(r.builds[0].functions[0].instructions.some((i) => i.op === "ADDQ")).to.equal(true);
    expect(r.builds[1].functions[0].instructions.some((i) => i.op === "ADD")).to.equal(true);
  });

  it("bad input: --func naming no function, an unknown --arch: usage errors naming what exists", async () => {
    const a = await k.execute("%asm --func Nope");
    expect(a.reply.content.status).to.equal("error");
    expect(errorOf(a).evalue).to.match(/--func Nope: .*the functions are: .*mul, Sum, SumRange/);
    const b = await k.execute("%asm --arch vax");
    expect(errorOf(b).evalue).to.match(/--arch vax: not a GOARCH .* it compiles for: .*amd64, arm, arm64/);
    const c = await k.execute("%bce --func Nope");
    expect(errorOf(c).evalue).to.match(/the functions are: mul, Sum, SumRange/);
  });

  it("%bce marks the kept check and says so when a function has none", async () => {
    const x = await k.execute("%bce");
    const r = reportWith<BceReport>(x, "application/vnd.goperf.bce.v1+json");
    expect(r.checks.filter((c) => c.kind === "index").map((c) => [c.func, c.line])).to.deep.equal([["Sum", 10]]);
    const none = await k.execute("%bce --func SumRange");
    const text = (none.iopub.find((m) => m.header.msg_type === "display_data")!.content as { data: Record<string, string> }).data["text/plain"];
    expect(text).to.contain("no bounds checks");
  });

  it("%inline reads the costs and the call inlined", async () => {
    const x = await k.execute("%inline");
    const r = reportWith<InlineReport>(x, "application/vnd.goperf.inline.v1+json");
    const mul = r.functions.find((f) => f.name === "mul")!;
    expect(mul.inlinable).to.equal(true);
    expect(mul.cost).to.be.a("number").and.be.lessThan(80);
    expect(r.sites.map((s) => [s.callee, s.caller])).to.deep.include(["mul", "Sum"]);
  });

  for (const arch of ["amd64", "386"]) {
    it(`%layout ${arch}: offsets and sizes equal unsafe.Offsetof/Sizeof in a program that prints them`, async () => {
      const x = await k.execute(`%layout Loose Mixed --arch ${arch}\n${STRUCTS}`);
      expect(x.reply.content.status).to.equal("ok");
      const r = reportWith<LayoutReport>(x, "application/vnd.goperf.layout.v1+json");
      const prints = r.types.flatMap((t) => [
        `fmt.Println("${t.name}", unsafe.Sizeof(${t.name}{}), unsafe.Alignof(${t.name}{}))`,
        ...t.fields.map((f) => `fmt.Println("${t.name}.${f.name}", unsafe.Offsetof(${t.name}{}.${f.name}), unsafe.Sizeof(${t.name}{}.${f.name}))`),
      ]);
      writeFileSync(join(dir, "main.go"), `package main\n\nimport (\n\t"fmt"\n\t"unsafe"\n)\n\n${STRUCTS}\n\nfunc main() {\n\t${prints.join("\n\t")}\n}\n`);
      const run = spawnSync("go", ["run", "."], { cwd: dir, env: { ...process.env, GOARCH: arch, GOFLAGS: "" }, encoding: "utf8" });
      expect(run.status, run.stderr).to.equal(0);
      const expected = r.types.flatMap((t) => [`${t.name} ${t.size} ${t.align}`, ...t.fields.map((f) => `${t.name}.${f.name} ${f.offset} ${f.size}`)]);
      expect(run.stdout.trim().split("\n")).to.deep.equal(expected);
      expect(r.types[0].padding).to.be.greaterThan(0);
      expect(r.types[0].optimal.size).to.be.lessThan(r.types[0].size);
    });
  }

  it("%layout: a type that is not a struct or not declared is a usage error naming the structs", async () => {
    const x = await k.execute("%layout Loose Nope Kind\ntype Kind int");
    expect(x.reply.content.status).to.equal("error");
    expect(errorOf(x).evalue).to.equal("%layout: Nope is not a type declared in the session; Kind is not a struct type; the struct types are: Loose, Mixed");
  });

  it("%expect judges claims about bounds checks, inlining, assembly and layout", async () => {
    const x = await k.execute(
      [
        "%expect SumRange: no bounds checks",
        "%expect mul: inlined",
        "%expect mul: inline cost <= 80",
        "%expect Sum asm contains panicBounds",
        "%expect SumRange asm not panicBounds",
        "%expect Mixed padding == 0",
        "%expect Sum: no bounds checks agrees between local and local",
      ].join("\n"),
    );
    const r = reportWith<ClaimReport>(x, "application/vnd.goperf.claims.v1+json");
    expect(r.claims.map((c) => [c.text, c.passed])).to.deep.equal([
      ["SumRange: no bounds checks", true],
      ["mul: inlined", true],
      ["mul: inline cost <= 80", true],
      ["Sum asm contains panicBounds", true],
      ["SumRange asm not panicBounds", true],
      ["Mixed padding == 0", false],
      ["Sum: no bounds checks agrees between local and local", true],
    ]);
    expect((x as Exchange).reply.content.status).to.equal("error");
  });
});
