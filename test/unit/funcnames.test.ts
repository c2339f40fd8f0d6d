// Function names as written and as the compiler prints them, against go1.26.8's -m=2 output for
// pointer and value methods, a generic function with two instantiations, a closure (and its copy
// inlined into a caller), and go/defer wrappers (test/fixtures/compiler/funcnames-*).
import { expect } from "chai";
import type { Decl } from "../../kernel/go/compose.js";
import { FUNC_NAME_SOURCE, declaredName, funcMatches, knownFunc, parseFuncName, spellings, unknownFuncMessage } from "../../kernel/go/funcnames.js";
import type { EscapeDiagnostic } from "../../kernel/reports/index.js";
import { decisionsIn } from "../../magics/escape.js";
import { benchPattern } from "../../magics/bench.js";
import { benchmarkName, isCall } from "../../kernel/go/shorthand.js";
import { judge, parseClaim } from "../../magics/claims.js";
import { readFixture } from "../helpers/paths.js";

const source = readFixture("compiler/funcnames-source.go");
const output = readFixture("compiler/funcnames-m2.go1.26.8.txt");

/** The fixture's cell-1 functions as the kernel's declarations: from `func` at column 0 to the `}` that closes it. */
function cellDecls(): Decl[] {
  const lines = source.split("\n");
  const start = lines.findIndex((l) => l.startsWith("//line cell[1]:1:1")) + 1;
  const decls: Decl[] = [];
  for (let i = start; i < lines.length && !lines[i].startsWith("//line goperf-main.go"); i++) {
    const m = /^func (?:\(\w+ \*?(\w+)\) )?(\w+)/.exec(lines[i]);
    if (!m) continue;
    let end = i;
    while (!lines[end].endsWith("}") || (end > i && lines[end] !== "}")) end++;
    const name = m[1] ? `${m[1]}.${m[2]}` : m[2];
    decls.push({ key: `${m[1] ? "method" : "name"} ${name}`, kind: m[1] ? "method" : "func", names: [name], cell: 1, line: i - start + 1, col: 1, text: lines.slice(i, end + 1).join("\n"), test: false });
  }
  return decls;
}

describe("function names (go1.26.8 -m=2)", () => {
  const decls = cellDecls();
  const declared = decls.map((d) => d.names[0]);
  const decisions = decisionsIn(output, decls);
  const about = (query: string) => decisions.filter((d) => funcMatches(query, d)).map((d) => d.message);
  const at = (message: string): EscapeDiagnostic => decisions.find((d) => d.message.startsWith(message))!;

  it("reads the fixture's functions", () => {
    expect(declared).to.deep.equal(["Counter.Inc", "Counter.Get", "SumSquares", "MakeCounter", "Spawn", "work", "Use"]);
  });

  it("parses the compiler's spellings", () => {
    expect(parseFuncName("(*Counter).Inc")).to.deep.equal({ decl: ["Counter", "Inc"], shape: "", closure: [] });
    expect(parseFuncName("SumSquares[go.shape.int]")).to.deep.equal({ decl: ["SumSquares"], shape: "[go.shape.int]", closure: [] });
    expect(parseFuncName("(*List[go.shape.int]).Push")).to.deep.equal({ decl: ["List", "Push"], shape: "[go.shape.int]", closure: [] });
    expect(parseFuncName("main.MakeCounter.func1.2")).to.deep.equal({ decl: ["MakeCounter"], shape: "", closure: ["func1", "2"] });
    expect(declaredName("Spawn.gowrap1")).to.equal("Spawn");
    expect(declaredName("Map[go.shape.int,go.shape.string].func1")).to.equal("Map");
  });

  it("the claim grammar reads every spelling", () => {
    const re = new RegExp(`^(${FUNC_NAME_SOURCE}):`);
    for (const name of ["(*Counter).Inc", "Counter.Inc", "SumSquares[go.shape.int]", "Map[go.shape.int,go.shape.[]string]", "MakeCounter.func1", "Spawn.gowrap1"]) {
      expect(re.exec(`${name}: can inline`)?.[1]).to.equal(name);
    }
  });

  it("a pointer method: (*Counter).Inc and Counter.Inc are the same function", () => {
    const verdict = at("can inline (*Counter).Inc");
    expect(verdict.func).to.equal("(*Counter).Inc");
    expect(verdict.declared).to.equal("Counter.Inc");
    // "c does not escape" names no function; it takes the compiler's name of its declaration.
    expect(at("c does not escape")).to.include({ func: "(*Counter).Inc", declared: "Counter.Inc" });
    expect(about("(*Counter).Inc")).to.deep.equal(about("Counter.Inc"));
    expect(about("Counter.Inc")).to.include.members(["c does not escape"]);
    expect(about("Counter.Inc").some((m) => m.startsWith("can inline (*Counter).Inc with cost 4"))).to.equal(true);
    expect(about("Counter.Get").some((m) => m.startsWith("can inline Counter.Get with cost 3"))).to.equal(true);
    expect(about("(*Counter).Get")).to.deep.equal(about("Counter.Get"));
    expect(judge(parseClaim("(*Counter).Inc: can inline"), { benches: [], funcs: declared, diagnostics: decisions }).passed).to.equal(true);
    expect(judge(parseClaim("Counter.Inc: can inline"), { benches: [], funcs: declared, diagnostics: decisions }).passed).to.equal(true);
  });

  it("a generic function: SumSquares means every instantiation, SumSquares[go.shape.int] one", () => {
    const all = about("SumSquares").filter((m) => m.startsWith("can inline"));
    expect(all.map((m) => m.split(" with ")[0]).sort()).to.deep.equal([
      "can inline SumSquares[float64]",
      "can inline SumSquares[go.shape.float64]",
      "can inline SumSquares[go.shape.int]",
      "can inline SumSquares[int]",
    ]);
    expect(about("SumSquares[go.shape.int]").filter((m) => m.startsWith("can inline")).map((m) => m.split(" with ")[0])).to.deep.equal(["can inline SumSquares[go.shape.int]"]);
    expect(judge(parseClaim("SumSquares: can inline"), { benches: [], funcs: declared, diagnostics: decisions }).passed).to.equal(true);
    expect(knownFunc("SumSquares[go.shape.string]", declared, decisions)).to.equal(false);
  });

  it("a closure: MakeCounter.func1 is the closure; MakeCounter reaches its escapes but not its inlining verdict", () => {
    // ... and its copy inlined into Use, whose source is the same closure's.
    expect(about("MakeCounter.func1").map((m) => m.split(" with ")[0])).to.deep.equal(["can inline MakeCounter.func1", "can inline Use.MakeCounter.func1"]);
    const outer = about("MakeCounter");
    expect(outer).to.include.members(["moved to heap: n", "func literal escapes to heap"]);
    expect(outer.filter((m) => m.startsWith("can inline")).map((m) => m.split(" with ")[0])).to.deep.equal(["can inline MakeCounter"]);
    // The copy of the closure inlined into Use is still MakeCounter's closure (its source is there).
    expect(at("can inline Use.MakeCounter.func1").declared).to.equal("MakeCounter");
    expect(about("Use").some((m) => m.startsWith("can inline Use.MakeCounter.func1"))).to.equal(false);
  });

  it("go and defer wrappers: Spawn.gowrap1, Spawn.deferwrap2, work.deferwrap1", () => {
    expect(about("Spawn.gowrap1").map((m) => m.split(" with ")[0])).to.deep.equal(["can inline Spawn.gowrap1"]);
    expect(about("Spawn.deferwrap2").map((m) => m.split(" with ")[0])).to.deep.equal(["can inline Spawn.deferwrap2"]);
    expect(about("work.deferwrap1").map((m) => m.split(" with ")[0])).to.deep.equal(["can inline work.deferwrap1"]);
    expect(about("Spawn")).to.include.members(["cannot inline Spawn: unhandled op GO", "leaking param: wg", "len(xs) escapes to heap"]);
    expect(about("Spawn").some((m) => m.includes("gowrap1"))).to.equal(false);
  });

  it("%bench shorthands and patterns name a method as declared or as the compiler prints it", () => {
    expect(isCall("(*Counter).Inc(&c)")).to.equal(true);
    expect(benchmarkName("(*Counter).Inc(&c)", new Set())).to.equal("BenchmarkCounter_Inc");
    expect(benchmarkName("c.Inc()", new Set())).to.equal("BenchmarkC_Inc");
    expect(benchmarkName("SumSquares[int]([]int{1})", new Set())).to.equal("BenchmarkSumSquares");
    expect(benchmarkName("SquareQuiet(f(1))", new Set())).to.equal("BenchmarkSquareQuiet");
    expect(benchPattern("(*Counter).Inc")).to.equal("Counter_Inc");
    expect(benchPattern("Square.*")).to.equal("Square.*");
  });

  it("a name that matches no function lists the session's functions in both spellings", () => {
    expect(knownFunc("Counter.Dec", declared, decisions)).to.equal(false);
    expect(knownFunc("MakeCounter.func9", declared, decisions)).to.equal(false);
    const text = unknownFuncMessage("Counter.Dec", declared, decisions);
    expect(text).to.match(/^no function Counter\.Dec in the session; the functions are: /);
    expect(text).to.include("Counter.Inc ((*Counter).Inc)");
    expect(text).to.include("SumSquares (SumSquares[float64], SumSquares[go.shape.float64], SumSquares[go.shape.int], SumSquares[int])");
    expect(spellings(declared, decisions)).to.include("MakeCounter (MakeCounter.func1, Use.MakeCounter.func1)");
    const v = judge(parseClaim("Counter.Dec: can inline"), { benches: [], funcs: declared, diagnostics: decisions });
    expect(v.passed).to.equal(false);
    expect(v.detail).to.include("(*Counter).Inc");
  });
});
