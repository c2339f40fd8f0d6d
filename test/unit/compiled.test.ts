import { expect } from "chai";
import { cellFunctions, declName, matchesFunc, parseListing } from "../../kernel/go/asmlisting.js";
import { cellOf, parseCompilerOutput } from "../../kernel/go/diagnostics.js";
import { ALMOST_MARGIN, inliningOf } from "../../kernel/go/inlining.js";
import type { AsmFunction, AsmReport } from "../../kernel/reports/asm.js";
import type { BceReport } from "../../kernel/reports/bce.js";
import type { InlineReport } from "../../kernel/reports/inline.js";
import type { LayoutReport } from "../../kernel/reports/layout.js";
import { checksIn } from "../../magics/bce.js";
import { judge, parseClaim } from "../../magics/claims.js";
import { renderAsm } from "../../renderers/asm.js";
import { renderBce } from "../../renderers/bce.js";
import { renderInline } from "../../renderers/inline.js";
import { renderLayout } from "../../renderers/layout.js";
import { expectBalanced, writeArtifact } from "../helpers/html.js";
import { readFixture } from "../helpers/paths.js";

// Fixtures captured with go1.26.8 linux/amd64 (and GOARCH=arm64) from test/fixtures/compiler/compiled-source.go:
// see that directory's README.

const SOURCE = readFixture("compiler/compiled-source.go");
/** Cell 1 as the reader wrote it: the lines after the //line cell[1]:1:1 directive, up to the generated main. */
const CELL = SOURCE.split("//line cell[1]:1:1\n")[1].split("\n//line goperf-main.go:1")[0];
const CELL_LINES = CELL.split("\n");

/** The function declared around a cell line (what the kernel's declarations say, from the source). */
function funcAt(cell: number, line: number): string | undefined {
  if (cell !== 1) return undefined;
  let name: string | undefined;
  for (let k = 0; k < line; k++) {
    const m = /^func (?:\((?:\w+ )?\*?(\w+)\) )?(\w+)/.exec(CELL_LINES[k]);
    if (m) name = m[1] ? `${m[1]}.${m[2]}` : m[2];
    if (CELL_LINES[k] === "}" && k < line - 1) name = undefined;
  }
  return name;
}

const listing = (arch: string) => readFixture(`compiler/compiled-S-${arch}.go1.26.8.txt`);

function decisionsOf(text: string) {
  return parseCompilerOutput(text)
    .diagnostics.map((d) => ({ ...d, cell: cellOf(d.file)! }))
    .filter((d) => d.cell !== undefined)
    .map((d) => ({ ...d, func: d.func ?? funcAt(d.cell, d.line) }));
}

describe("%asm: reading the compiler's -S listing", () => {
  for (const arch of ["amd64", "arm64"]) {
    it(`${arch}: keeps every instruction of a function as printed, in order, with its cell line`, () => {
      const raw = listing(arch).split("\n");
      const fns = cellFunctions(parseListing(listing(arch)), funcAt);
      expect(fns.map((f) => f.name)).to.deep.equal(["mul", "Sum", "SumHint", "(*Point).Scale", "Big", "Quiet"]);
      for (const f of fns) {
        // The listing's own lines for this symbol, until its hex dump.
        const start = raw.findIndex((l) => l.startsWith(`${f.symbol} STEXT`));
        const own = raw.slice(start + 1).filter((_, i, all) => all.slice(0, i + 1).every((l) => /^\t0x[0-9a-f]{4} \d{5} \(/.test(l)));
        expect(f.instructions.map((i) => `${i.pos}\t${i.text}`), f.name).to.deep.equal(own.map((l) => l.replace(/^\t0x[0-9a-f]{4} \d{5} \((.*?)\)\t/, "$1\t")));
        expect(f.count).to.equal(f.instructions.filter((i) => !["TEXT", "FUNCDATA", "PCDATA"].includes(i.op)).length);
        expect(f.cell).to.equal(1);
      }
      const sum = fns.find((f) => f.name === "Sum")!;
      expect(sum.line).to.equal(8);
      expect(sum.instructions[0].pos).to.match(/^cell\[1\]:8\[.*\/main\.go:\d+\]$|^cell\[1\]:8\[.*session\.go:\d+\]$/);
    });
  }

  it("marks code inlined from another declaration (mul into Sum) and from the standard library", () => {
    const sum = cellFunctions(parseListing(listing("arm64")), funcAt).find((f) => f.name === "Sum")!;
    const fromMul = sum.instructions.filter((i) => i.inlined === "mul");
    expect(fromMul.length).to.be.greaterThan(0);
    expect(fromMul.every((i) => i.line === 4 || i.line === 5)).to.equal(true);
    // Sum's own lines are not marked.
    expect(sum.instructions.filter((i) => i.line === 11 && i.inlined)).to.deep.equal([]);
  });

  it("reads the names readers and the compiler write", () => {
    expect(declName("(*Point).Scale")).to.equal("Point.Scale");
    expect(declName("F[go.shape.int]")).to.equal("F");
    expect(declName("MakeCounter.func1")).to.equal("MakeCounter");
    expect(matchesFunc("(*Point).Scale", "Point.Scale")).to.equal(true);
    expect(matchesFunc("(*Point).Scale", "(*Point).Scale")).to.equal(true);
    expect(matchesFunc("F[go.shape.int]", "F")).to.equal(true);
    expect(matchesFunc("F.func1", "F")).to.equal(false);
    expect(matchesFunc("F.func1", "F.func1")).to.equal(true);
    expect(matchesFunc("Sum", "SumHint")).to.equal(false);
  });
});

describe("%asm: the view", () => {
  const build = (arch: string) => ({ go_version: "go1.26.8", goarch: arch, functions: cellFunctions(parseListing(listing(arch)), funcAt) });
  const report: AsmReport = { flags: ["-S"], cells: [{ cell: 1, source: CELL }], builds: [build("amd64")] };

  it("text lists each function's instructions under the cell line they came from", () => {
    const text = renderAsm(report)["text/plain"] as string;
    expect(text).to.contain("Sum  cell[1]:8  ");
    expect(text).to.match(/\n  cell\[1\]:11  t \+= s\[i\] \* mul\(i, 3\)\n    0x[0-9a-f]{4}  MOVQ\t\(AX\)\(CX\*8\), SI/);
    expect(text).to.contain("(inlined from mul)");
    expect(text).to.contain("go1.26.8 amd64 · go build -gcflags='-S'");
  });

  it("HTML is self-contained, ties lines to panels by colour, and folds long panels", () => {
    const out = renderAsm(report)["text/html"] as string;
    expectBalanced(out);
    expect(out).to.not.match(/<script|<style|<link|<img/i);
    expect(out).to.match(/border-left-color:#[0-9a-f]{6}">/);
    expect(out).to.match(/← inlined mul|\(inlined mul\):/);
    expect(out).to.contain(">inlined into Sum</span>");
    writeArtifact("asm", out);
  });

  it("a huge function stays usable: each source line's instructions fold behind their count", () => {
    const many = Array.from({ length: 3000 }, (_, k) => ({ pc: k * 4, pos: `cell[1]:${11 + (k % 2)}`, cell: 1, line: 11 + (k % 2), text: `ADDQ\t$${k}, AX`, op: "ADDQ", pseudo: false }));
    const huge: AsmFunction = { name: "Sum", symbol: "main.Sum", cell: 1, line: 8, size: 12000, count: 3000, instructions: many };
    const out = renderAsm({ ...report, builds: [{ go_version: "go1.26.8", goarch: "amd64", functions: [huge] }] })["text/html"] as string;
    expectBalanced(out);
    expect(out).to.match(/<summary[^>]*>1500 instructions<\/summary>/);
    expect((out.match(/<summary[^>]*>\d+ instructions<\/summary>/g) ?? []).length).to.equal(2);
  });

  it("two builds: per-function instruction counts side by side", () => {
    const both: AsmReport = { ...report, builds: [build("amd64"), build("arm64")] };
    const text = renderAsm(both)["text/plain"] as string;
    const row = text.split("\n").find((l) => l.startsWith("Quiet "))!;
    const [a, b] = [both.builds[0], both.builds[1]].map((x) => x.functions.find((f) => f.name === "Quiet")!.count);
    expect(row.split(/\s+/).slice(1, 3).map(Number)).to.deep.equal([a, b]);
    const out = renderAsm(both)["text/html"] as string;
    expectBalanced(out);
    writeArtifact("asm-compare", out);
  });
});

describe("%bce and %inline: reading -d=ssa/check_bce and -m=2", () => {
  it("%bce: the checks the compiler kept, with their functions; implicit nil checks apart", () => {
    const checks = checksIn(readFixture("compiler/compiled-bce.go1.26.8.txt"), { cells: [{ cell: 1, source: CELL }], funcAt });
    expect(checks.map((c) => [c.line, c.col, c.kind, c.func])).to.deep.equal([
      [11, 9, "index", "Sum"],
      [17, 7, "index", "SumHint"],
      [25, 33, "nil-implicit", "Point.Scale"],
      [25, 43, "nil-implicit", "Point.Scale"],
      ...[8, 13, 20, 25, 32, 37].map((col) => [34, col, "index", "Big"]),
    ]);
    const report: BceReport = { go_version: "go1.26.8", goarch: "amd64", flags: ["-d=ssa/check_bce/debug=1", "-d=nil"], cells: [{ cell: 1, source: CELL }], checks };
    const bundle = renderBce(report);
    expect((bundle["text/plain"] as string).split("\n").at(-1)).to.equal("8 bounds checks, 2 implicit nil checks kept");
    expectBalanced(bundle["text/html"] as string);
    expect(bundle["text/html"]).to.contain("bounds check ×6");
    writeArtifact("bce", bundle["text/html"] as string);
    const none = renderBce({ ...report, func: "Quiet", checks });
    expect(none["text/plain"]).to.equal("cell[1]: no bounds checks: the compiler proved every index and slice in Quiet in range.\nno bounds checks");
  });

  it("%inline: costs against the budget, reasons, sites, and almost-inlinable within the margin", () => {
    const { functions, sites } = inliningOf(decisionsOf(readFixture("compiler/compiled-m2.go1.26.8.txt")));
    expect(functions.map((f) => [f.name, f.inlinable, f.cost, f.budget, f.almost])).to.deep.equal([
      ["mul", true, 13, 80, false],
      ["Sum", true, 47, 80, false],
      ["SumHint", true, 31, 80, false],
      ["(*Point).Scale", true, 8, 80, false],
      ["Big", false, 95, 80, true],
      ["Quiet", false, undefined, 80, false],
    ]);
    expect(functions.find((f) => f.name === "Quiet")!.reason).to.equal("marked go:noinline");
    expect(sites.map((s) => [s.line, s.callee, s.caller])).to.deep.equal([[11, "mul", "Sum"]]);
    expect(inliningOf(decisionsOf(readFixture("compiler/compiled-m2.go1.26.8.txt")), 10).functions.find((f) => f.name === "Big")!.almost).to.equal(false);
    const report: InlineReport = { go_version: "go1.26.8", flags: ["-m=2"], budget: 80, margin: ALMOST_MARGIN, cells: [{ cell: 1, source: CELL }], functions, sites };
    const bundle = renderInline(report);
    const text = bundle["text/plain"] as string;
    expect(text).to.match(/^Big +cell\[1\]:27 +95 +80 +almost +function too complex: cost 95 exceeds budget 80$/m);
    expect(text.split("\n").at(-1)).to.equal("4 inlinable, 2 not (1 almost), 1 call inlined · budget 80, almost = within 20");
    expectBalanced(bundle["text/html"] as string);
    writeArtifact("inline", bundle["text/html"] as string);
  });
});

describe("%layout: the view", () => {
  const report: LayoutReport = {
    go_version: "go1.26.8",
    goarch: "amd64",
    types: [
      {
        name: "T", size: 32, align: 8, ptrdata: 24, padding: 14,
        fields: [
          { name: "a", type: "bool", offset: 0, size: 1, align: 1, ptrdata: 0, padding: 7 },
          { name: "s", type: "string", offset: 8, size: 16, align: 8, ptrdata: 8, padding: 0 },
          { name: "c", type: "bool", offset: 24, size: 1, align: 1, ptrdata: 0, padding: 7 },
        ],
        optimal: { order: ["s", "a", "c"], size: 24, ptrdata: 8 },
      },
    ],
  };

  it("a table, a self-contained SVG byte map with padding marked, and the better order", () => {
    const b = renderLayout(report);
    expect((b["text/plain"] as string).split("\n")).to.include("  reorder to {s, a, c}: 32 → 24 bytes, pointer bytes 24 → 8");
    const out = b["text/html"] as string;
    expectBalanced(out);
    expect(out).to.not.match(/<script|<style|<image|href=/i);
    expect((out.match(/<title>padding/g) ?? []).length).to.equal(14);
    expect((out.match(/<title>s string/g) ?? []).length).to.equal(16);
    writeArtifact("layout", out);
  });
});

describe("%expect: claims about generated code", () => {
  const asm = cellFunctions(parseListing(listing("amd64")), funcAt);
  const diagnostics = decisionsOf(readFixture("compiler/compiled-m2.go1.26.8.txt")).map((d) => ({ ...d, explanation: d.explanation }));
  const bce = checksIn(readFixture("compiler/compiled-bce.go1.26.8.txt"), { cells: [{ cell: 1, source: CELL }], funcAt });
  const evidence = { benches: [], funcs: ["mul", "Sum", "SumHint", "Point.Scale", "Big", "Quiet"], diagnostics, asm, bce, layout: [] };
  const check = (text: string) => judge(parseClaim(text), evidence);

  it("reads and judges each form", () => {
    expect(parseClaim("Quiet: no bounds checks")).to.deep.equal({ type: "no-bounds-checks", func: "Quiet" });
    expect(parseClaim("Big: inline cost <= 100")).to.deep.equal({ type: "inline-cost", func: "Big", op: "<=", value: 100 });
    expect(parseClaim("T size == 24")).to.deep.equal({ type: "layout", typeName: "T", metric: "size", op: "==", value: 24 });
    expect(check("Quiet: no bounds checks").passed).to.equal(true);
    expect(check("Sum: no bounds checks")).to.deep.include({ passed: false });
    expect(check("Big: bounds checks == 6")).to.deep.equal({ passed: true, detail: "6 bounds checks kept in Big: " + [8, 13, 20, 25, 32, 37].map((c) => `cell[1]:34:${c}: Found IsInBounds`).join("; ") });
    expect(check("Quiet: bounds checks < 1").passed).to.equal(true);
    expect(check("mul: inlined").passed).to.equal(true);
    expect(check("(*Point).Scale: inlined").passed).to.equal(true);
    expect(check("Point.Scale: inline cost <= 8").passed).to.equal(true);
    expect(check("(*Point).Scale: no bounds checks").passed).to.equal(true);
    expect(check("Big: inlined").passed).to.equal(false);
    expect(check("Big: inline cost <= 100").passed).to.equal(true);
    expect(check("Big: inline cost <= 80").detail).to.equal("cell[1]:27:6: cost 95 (budget 80)");
    expect(check("Sum asm contains CALL runtime.panicBounds").passed).to.equal(true);
    expect(check("Quiet asm not panicBounds").passed).to.equal(true);
    expect(check("Sum asm contains /^IMULQ/").passed).to.equal(true);
    expect(check("Nope asm contains RET").detail).to.match(/^no generated code for Nope \(functions with code: mul, Sum/);
    const r = parseClaim("Sum asm contains POPCNTQ differs between 1.22.12 and local");
    expect(r).to.deep.include({ type: "releases", func: "Sum", relation: "differs", releases: ["1.22.12", "local"] });
    expect(() => parseClaim("T size == 24 differs between 1.22.12 and local")).to.throw(/only a claim about FUNC/);
  });
});
