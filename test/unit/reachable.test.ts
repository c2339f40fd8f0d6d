import { expect } from "chai";
import type { Decl } from "../../kernel/go/compose.js";
import { reachableDecls } from "../../kernel/go/reachable.js";
import { decl } from "../helpers/decls.js";

const names = (ds: readonly Decl[]) => ds.map((d) => d.names.join(","));

describe("reachable declarations", () => {
  const square = decl("func", ["Square"], "func Square(n int) int { return n * n }");
  const cube = decl("func", ["Cube"], "func Cube(n int) int { return n * Square(n) }");
  const unused = decl("func", ["Unused"], "func Unused() { panic(1) }");
  const point = decl("type", ["Point"], "type Point struct{ X, Y int }");
  const norm = decl("method", ["Point.Norm"], "func (p Point) Norm() int { return Cube(p.X) }");
  const limit = decl("const", ["Limit"], "const Limit = 10");
  const counter = decl("var", ["counter"], "var counter = Limit");
  const init = decl("func", ["init"], "func init() { counter++ }");
  const bench = decl("func", ["BenchmarkSquare"], "func BenchmarkSquare(b *testing.B) { for b.Loop() { Square(3) } }", { test: true });
  const all = [square, cube, unused, point, norm, limit, counter, init, bench];

  it("keeps what main's statements name, and what that names in turn", () => {
    expect(names(reachableDecls(all, ["fmt.Println(Cube(2))"]))).to.deep.equal(["Square", "Cube", "Limit", "counter", "init"]);
  });

  it("always keeps package variables (with their initializers' names) and init functions", () => {
    expect(names(reachableDecls(all, ["println(1)"]))).to.deep.equal(["Limit", "counter", "init"]);
  });

  it("keeps every method of a kept type, and what the methods name", () => {
    expect(names(reachableDecls(all, ["var p Point; _ = p"]))).to.deep.equal(["Square", "Cube", "Point", "Point.Norm", "Limit", "counter", "init"]);
  });

  it("keeps the declarations it is asked to keep, with what they name", () => {
    expect(names(reachableDecls(all, [], [cube]))).to.deep.equal(["Square", "Cube", "Limit", "counter", "init"]);
  });

  it("errs on the side of keeping: a field or selector that shares a name keeps the declaration", () => {
    expect(names(reachableDecls(all, ["x.Unused = 1"]))).to.include("Unused");
  });

  it("never keeps test code, and keeps //go:linkname declarations whatever names them", () => {
    const linked = decl("func", ["now"], "//go:linkname now time.now\nfunc now() (int64, int32, int64)");
    const kept = names(reachableDecls([...all, linked], ["Square(1)"]));
    expect(kept).to.not.include("BenchmarkSquare");
    expect(kept).to.include("now");
  });
});
