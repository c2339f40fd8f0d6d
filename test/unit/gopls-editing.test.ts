// Completion and inspection without gopls: magic lines from the option declarations, the local
// fallback (session names, keywords, predeclared names, standard packages), replies in code points;
// and the pure conversions of gopls's answers.
import { expect } from "chai";
import type { Decl } from "../../kernel/go/compose.js";
import type { Session } from "../../kernel/session.js";
import { hoverBundle, plainFromMarkdown, toMatches } from "../../magics/complete-gopls.js";
import { completeMagicLine, inspectMagicLine } from "../../magics/complete-magic.js";
import { Editing, nameAround } from "../../magics/editing.js";
import { PREDECLARED_BY_KIND } from "../../kernel/go/gotokens.js";
import { builtinMagics } from "../../magics/registry.js";
import { decl } from "../helpers/decls.js";

const decls: Decl[] = [
  decl("func", ["Square"], "// Square returns n squared.\nfunc Square(n int) int { return n * n }", { cell: 2 }),
  decl("type", ["Point"], "type Point struct{ X, Y int }", { cell: 3 }),
  decl("method", ["Point.Norm1"], "func (p Point) Norm1() int { return p.X + p.Y }", { cell: 3 }),
  decl("var", ["squares"], "var squares = map[int]int{}", { cell: 4 }),
];

const fakeSession = {
  declarations: () => decls,
  stdlibPackages: () => ({ strings: "strings", strconv: "strconv", fmt: "fmt" }),
  go: null,
  goEnv: {},
} as unknown as Session;

const logs: string[] = [];
const editing = new Editing({ session: fakeSession, magics: () => builtinMagics(), log: (l) => logs.push(l), gopls: null });
const complete = (code: string, cursor = [...code].length) => editing.complete(code, cursor);

describe("gopls: completion of magic lines (from the option declarations)", () => {
  it("completes magic names from the %", async () => {
    expect(await complete("%es")).to.include({ cursor_start: 0, cursor_end: 3 });
    expect((await complete("%es")).matches).to.deep.equal(["%escape"]);
    expect((await complete("%")).matches).to.have.members(builtinMagics().map((m) => "%" + m.name));
    expect((await complete("x := 1\n%be")).matches).to.deep.equal(["%bench"]);
    expect(await complete("x := 1\n%be")).to.include({ cursor_start: 7, cursor_end: 10 });
  });

  it("completes options with the dashes typed, and enum values", async () => {
    const count = await complete("%bench -co");
    expect(count.matches).to.have.members(["-count", "-compare"]);
    expect(count).to.include({ cursor_start: 7, cursor_end: 10 });
    expect((await complete("%bench --c")).matches).to.have.members(["--count", "--cpu", "--compare"]);
    expect((await complete("%escape --why --only h")).matches).to.deep.equal(["heap"]);
    const eq = await complete("%escape --only=in");
    expect(eq.matches).to.deep.equal(["inline"]);
    expect(eq.cursor_start).to.equal("%escape --only=".length);
    expect((await complete("%expect --h")).matches).to.deep.equal(["--help"]);
  });

  it("completes %help's argument and the session's names where a magic takes them", async () => {
    expect((await complete("%help b")).matches).to.have.members(["bench", "bce"]);
    expect((await complete("%help %e")).matches).to.have.members(["%escape", "%expect", "%env"]);
    expect((await complete("%escape --func N")).matches).to.deep.equal([]);
    expect((await complete("%escape --func Point.")).matches).to.deep.equal(["Point.Norm1"]);
    expect((await complete("%bench Squ")).matches).to.deep.equal(["Square"]);
    expect((await complete("%nosuch -x")).matches).to.deep.equal([]);
  });
});

describe("magic lines as pure functions (no session, no gopls, no toolchain)", () => {
  it("complete from the line, the magics and the declared names alone", () => {
    const line = "x := 1\n%bench --go 1.22 Sq";
    const got = completeMagicLine(line, 7, line.length, builtinMagics(), [{ kind: "func", names: ["Square", "Sum"] }]);
    expect(got).to.deep.equal({ matches: [{ text: "Square", type: "function" }], start: line.length - 2 });
    expect(completeMagicLine("%bench --c", 0, 10, [], []).matches).to.deep.equal([]);
    expect(inspectMagicLine("%bench F(x)", 0, builtinMagics())?.["text/plain"]).to.match(/^%bench/m);
    expect(inspectMagicLine("%nosuch", 0, builtinMagics())).to.equal(null);
  });
});

describe("gopls: completion without gopls", () => {
  it("offers session names, keywords, predeclared names and standard packages", async () => {
    expect((await complete("Squ")).matches).to.deep.equal(["Square"]);
    expect((await complete("fmt.Println(squ")).matches).to.deep.equal(["squares"]);
    expect((await complete("str")).matches).to.deep.equal(["struct", "string", "strconv", "strings"]);
    expect((await complete("%escape\nPoi")).matches).to.deep.equal(["Point"]);
    // Members need types: nothing without gopls, rather than noise.
    expect((await complete("fmt.Pr")).matches).to.deep.equal([]);
    expect((await complete("")).matches).to.deep.equal([]);
  });

  it("types each predeclared name by what it is (gotokens.ts's one list)", async () => {
    const types = async (prefix: string) => {
      const r = await complete(prefix);
      const meta = r.metadata._jupyter_types_experimental as { text: string; type: string }[];
      return Object.fromEntries(meta.map((m) => [m.text, m.type]));
    };
    expect(await types("ni")).to.deep.include({ nil: "variable" });
    expect(await types("io")).to.deep.include({ iota: "constant" });
    expect(await types("uintp")).to.deep.include({ uintptr: "type" });
    expect(await types("rec")).to.deep.include({ recover: "function" });
    const all = Object.values(PREDECLARED_BY_KIND).flat();
    expect(all).to.have.length(new Set(all).size);
    expect(all).to.include.members(["any", "comparable", "clear", "min", "max"]);
  });

  it("answers in code points, replacing the whole identifier at the cursor", async () => {
    const code = 'x := "🙂🙂" + Squ';
    const r = await complete(code);
    expect(r).to.include({ cursor_start: 12, cursor_end: 15 }); // UTF-16 indices would be 14 and 17
    expect(r.matches).to.deep.equal(["Square"]);
    const mid = await complete("Squ + 1\nSquare", 11); // after "Squ" on line 2
    expect(mid).to.include({ cursor_start: 8, cursor_end: 14 });
    const meta = r.metadata._jupyter_types_experimental as { start: number; end: number; text: string; type: string }[];
    expect(meta).to.deep.equal([{ start: 12, end: 15, text: "Square", type: "function", signature: "" }]);
  });

  it("never fails, whatever the cursor", async () => {
    for (const cursor of [-5, 1e9, NaN, 2.7]) {
      const r = await complete("Squ", cursor);
      expect(r.matches).to.be.an("array");
      expect(r.cursor_end).to.be.within(0, 3);
    }
    expect((await complete("}}}(((", 3)).matches).to.deep.equal([]);
  });
});

describe("gopls: inspection without gopls", () => {
  it("shows a session declaration's doc comment and source", async () => {
    const r = await editing.inspect("Square(3", 8, 0);
    expect(r.found).to.equal(true);
    expect(r.data["text/plain"]).to.contain("// Square returns n squared.\nfunc Square(n int) int");
    expect(r.data["text/plain"]).to.contain("cell[2]:1");
    expect(r.data["text/markdown"]).to.contain("```go\n// Square returns n squared.");
  });

  it("shows a magic's usage on its line, and finds nothing in a number or nowhere", async () => {
    const r = await editing.inspect("%bench -count 3", 3, 0);
    expect(r.found).to.equal(true);
    expect(r.data["text/plain"]).to.match(/^usage: %bench/);
    expect(r.data["text/plain"]).to.contain("-count N");
    expect((await editing.inspect("1 + 2", 5, 0)).found).to.equal(false);
    expect((await editing.inspect("nothingHere", 5, 1)).found).to.equal(false);
  });
});

describe("gopls: answers into replies (pure)", () => {
  const item = (label: string, extra: object = {}) => ({ label, ...extra });

  it("keeps gopls's order (sortText), filters by prefix case-insensitively, drops duplicates", () => {
    const items = [item("Sprintln", { sortText: "00002", kind: 3, detail: "func(a ...any) string" }), item("Sprint", { sortText: "00000", kind: 3 }), item("Sprintf", { sortText: "00001" }), item("Errorf", { sortText: "00003" }), item("Sprint", { sortText: "00004" })];
    const m = toMatches(items, "sprin", null);
    expect(m.map((x) => x.text)).to.deep.equal(["Sprint", "Sprintf", "Sprintln"]);
    expect(m[2]).to.deep.equal({ text: "Sprintln", type: "function", signature: "func(a ...any) string" });
  });

  it("re-bases an edit that starts before or after the identifier being replaced", () => {
    const text = "package main\nfunc main() {\n\tx.Fo\n}\n";
    const index = text.indexOf("Fo") + 2;
    const range = (from: number) => ({ start: { line: 2, character: from }, end: { line: 2, character: 5 } });
    const items = [
      item("Foo", { textEdit: { range: range(3), newText: "Foo" } }), // starts where ours does
      item("x.Food", { textEdit: { range: range(1), newText: "x.Food" } }), // starts 2 earlier
      item("Fox", { textEdit: { range: range(1), newText: "y.Fox" } }), // does not agree with the text: dropped
      item("o", { textEdit: { range: range(4), newText: "ol" } }), // starts 1 later: "F" + "ol"
    ];
    expect(toMatches(items, "Fo", { text, index }).map((x) => x.text)).to.deep.equal(["Foo", "Food", "Fol"]);
  });

  it("turns gopls's Markdown hover into text/markdown and text/plain, without links to the session's package", () => {
    const session = hoverBundle({
      contents: { kind: "markdown", value: "```go\nfunc Square(n int) int\n```\n\n---\n\nSquare returns n \\*squared\\*.\n\n\n---\n\n[`main.Square` on pkg.go.dev](https://pkg.go.dev/goperf.session#Square)" },
    })!;
    expect(session["text/markdown"]).to.equal("```go\nfunc Square(n int) int\n```\n\n---\n\nSquare returns n \\*squared\\*.");
    expect(session["text/plain"]).to.equal("func Square(n int) int\n\nSquare returns n *squared*.");
    const std = hoverBundle({ contents: { kind: "markdown", value: "```go\nfunc fmt.Println(a ...any)\n```\n\n---\n\n[`fmt.Println` on pkg.go.dev](https://pkg.go.dev/fmt#Println)" } })!;
    expect(std["text/plain"]).to.equal("func fmt.Println(a ...any)\n\n`fmt.Println` on pkg.go.dev (https://pkg.go.dev/fmt#Println)");
    expect(hoverBundle({ contents: { kind: "markdown", value: "" } })).to.equal(null);
    expect(plainFromMarkdown("a\n\n\n\nb \\_c\\_")).to.equal("a\n\nb _c_");
  });

  it("finds the name to inspect: under or before the cursor, or the function of the call around it", () => {
    const at = (code: string, cursor = code.length) => {
      const n = nameAround(code, cursor);
      return n && [code.slice(n.start, n.end), n.qualifier];
    };
    expect(at("fmt.Println")).to.deep.equal(["Println", "fmt"]);
    expect(at("fmt.Println", 2)).to.deep.equal(["fmt", undefined]);
    expect(at("fmt.Println(x, ")).to.deep.equal(["Println", "fmt"]);
    expect(at("Square(g(1), 3")).to.deep.equal(["Square", undefined]);
    expect(at("Square(3")).to.deep.equal(["Square", undefined]);
    expect(at("1 + 2")).to.equal(null);
    expect(at("{ x := (1 + 2) }", 15)).to.equal(null);
  });
});
