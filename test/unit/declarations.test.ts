import { expect } from "chai";
import type { Decl } from "../../kernel/go/compose.js";
import { mergeUnits, showsValue } from "../../kernel/go/declarations.js";
import type { Unit } from "../../kernel/go/parse.js";

function unit(kind: Unit["kind"], names: string[], text: string, extra: Partial<Unit> = {}): Unit {
  return { kind, names, line: 1, col: 1, text, group: false, ...extra };
}

describe("declarations", () => {
  const square = unit("func", ["Square"], "func Square(n int) int { return n * n }", { results: 1 });
  const first = mergeUnits([], [square, unit("type", ["Point"], "type Point struct{}"), unit("stmt", [], "fmt.Println(1)")], { count: 1, cellId: "a" });

  it("splits a cell into declarations and the statements main runs", () => {
    expect(first.decls.map((d) => d.names[0])).to.deep.equal(["Square", "Point"]);
    expect(first.statements.map((s) => s.text)).to.deep.equal(["fmt.Println(1)"]);
  });

  it("lets a later declaration of a name replace the earlier one, from any cell", () => {
    const later = mergeUnits(first.decls, [unit("var", ["Square"], "var Square = 3")], { count: 2, cellId: "b" });
    expect(later.decls.map((d) => `${d.kind} ${d.names[0]} @${d.cell}`)).to.deep.equal(["type Point @1", "var Square @2"]);
  });

  it("replaces everything a re-executed cell declared before", () => {
    const again = mergeUnits(first.decls, [unit("func", ["Cube"], "func Cube() {}")], { count: 3, cellId: "a" });
    expect(again.decls.map((d) => d.names[0])).to.deep.equal(["Cube"]);
  });

  it("keeps methods apart from plain names, and init functions apart from each other", () => {
    const m = mergeUnits(first.decls, [unit("method", ["Point.Square"], "func (Point) Square() {}"), unit("func", ["init"], "func init() {}")], { count: 4 });
    const n = mergeUnits(m.decls, [unit("func", ["init"], "func init() {}", { line: 9 })], { count: 5 });
    expect(n.decls.map((d) => d.names[0])).to.deep.equal(["Square", "Point", "Point.Square", "init", "init"]);
  });

  it("puts Benchmark, Test, Example and Fuzz functions in the test file, and takes a cell's own main", () => {
    const m = mergeUnits([], [unit("func", ["BenchmarkX"], "func BenchmarkX(b *testing.B) {}"), unit("func", ["Benchmarking"], "func Benchmarking() {}"), unit("func", ["main"], "func main() {}")], { count: 1 });
    expect(m.decls.map((d: Decl) => [d.names[0], d.test])).to.deep.equal([["BenchmarkX", true], ["Benchmarking", false]]);
    expect(m.mainDecl?.names).to.deep.equal(["main"]);
  });

  it("shows a last expression when it is not a call, or calls a session function with results", () => {
    expect(showsValue({ text: "6 * 7", line: 1, col: 1, call: false }, [])).to.equal(true);
    expect(showsValue({ text: "Square(7)", line: 1, col: 1, call: true, callee: "Square" }, first.decls)).to.equal(true);
    expect(showsValue({ text: 'fmt.Println("x")', line: 1, col: 1, call: true, callee: "fmt.Println" }, first.decls)).to.equal(false);
  });
});
