// Positions: code points (Jupyter) <-> UTF-16 (JavaScript, LSP) <-> UTF-8 byte columns (go/scanner);
// best-effort shapes of cells that do not parse; and the cell -> composed file mapping gopls is
// asked at (with the real cell parser, no gopls).
import { expect } from "chai";
import {
  codePointsFromIndex,
  identifierEnd,
  identifierStart,
  indexFromCodePoints,
  indexFromLineByteCol,
  indexFromLsp,
  lineByteColOf,
  locatePiece,
  lspPosition,
} from "../../kernel/go/positions.js";
import { missingClosers, repairs, roughSplit, scanUses } from "../../kernel/go/tolerant.js";
import { Session } from "../../kernel/session.js";
import { Editing } from "../../magics/editing.js";
import { builtinMagics } from "../../magics/registry.js";

describe("gopls: positions in code points, UTF-16 and bytes", () => {
  const text = "a🙂b\né🙂x := 1\n\n世界";

  it("converts code points to string indices and back (astral characters are two UTF-16 units)", () => {
    expect([...text].length).to.equal(16);
    expect(text.length).to.equal(18);
    expect(indexFromCodePoints(text, 0)).to.equal(0);
    expect(indexFromCodePoints(text, 2)).to.equal(3); // after "a🙂"
    expect(indexFromCodePoints(text, 3)).to.equal(4);
    expect(indexFromCodePoints(text, 16)).to.equal(18);
    expect(indexFromCodePoints(text, 1000)).to.equal(18); // clamped
    expect(indexFromCodePoints(text, -3)).to.equal(0);
    for (let cp = 0; cp <= 16; cp++) expect(codePointsFromIndex(text, indexFromCodePoints(text, cp))).to.equal(cp);
    expect(codePointsFromIndex(text, 2)).to.equal(2); // inside the pair: counts the pair
  });

  it("converts go/scanner's 1-based byte columns to indices and back", () => {
    // Line 2 is "é🙂x := 1": é is 2 bytes, 🙂 is 4, so x is at byte column 7.
    const x = text.indexOf("x");
    expect(indexFromLineByteCol(text, 2, 7)).to.equal(x);
    expect(lineByteColOf(text, x)).to.deep.equal({ line: 2, col: 7 });
    expect(indexFromLineByteCol(text, 4, 4)).to.equal(text.indexOf("界"));
    expect(lineByteColOf(text, text.indexOf("界"))).to.deep.equal({ line: 4, col: 4 });
    expect(indexFromLineByteCol(text, 1, 1)).to.equal(0);
    expect(indexFromLineByteCol(text, 3, 1)).to.equal(text.indexOf("\n\n") + 1);
  });

  it("gives LSP positions in UTF-16 units per line, and reads them back", () => {
    const x = text.indexOf("x");
    expect(lspPosition(text, x)).to.deep.equal({ line: 1, character: 3 });
    expect(lspPosition(text, 0)).to.deep.equal({ line: 0, character: 0 });
    expect(lspPosition(text, text.length)).to.deep.equal({ line: 3, character: 2 });
    for (let i = 0; i <= text.length; i++) expect(indexFromLsp(text, lspPosition(text, i))).to.equal(i);
    expect(indexFromLsp(text, { line: 0, character: 99 })).to.equal(text.indexOf("\n")); // clamped to its line
  });

  it("finds Go identifiers by Unicode letters and digits, astral ones included", () => {
    const code = "fmt.Println(𝑥𝑦1, héllo)";
    const end = code.indexOf(",");
    expect(code.slice(identifierStart(code, end), end)).to.equal("𝑥𝑦1");
    expect(identifierStart(code, 11)).to.equal(4);
    expect(identifierEnd(code, 6)).to.equal(11);
    expect(code.slice(identifierStart(code, code.length - 1), code.length - 1)).to.equal("héllo");
  });

  it("locates a cell piece in a composed file by its //line directive and text", () => {
    const composed = "package main\n//line cell[3]:1:1\nx := 1\n//line cell[3]:2:1\nfmt.Sprin\n";
    expect(locatePiece(composed, "//line cell[3]:2:1\n", "fmt.Sprin")).to.equal(composed.indexOf("fmt.Sprin"));
    expect(locatePiece(composed, "//line cell[4]:2:1\n", "fmt.Sprin")).to.equal(-1);
  });
});

describe("gopls: cells that do not parse", () => {
  it("finds the brackets left open, outside strings, runes and comments", () => {
    expect(missingClosers("func f() {\n\tx := g(a, []int{1")).to.equal("})}");
    expect(missingClosers('s := "({["; r := \'(\'; // {\n/* ( */ f(`)`')).to.equal(")");
    expect(missingClosers("f(x)")).to.equal("");
  });

  it("repairs a dangling selector at the cursor, then closes what is open", () => {
    const code = "func f() {\n\tp.";
    const [named, closed] = repairs(code, code.length, code.length);
    expect(named.text).to.equal("func f() {\n\tp._");
    expect(closed.text).to.equal("func f() {\n\tp._}");
    expect(closed.toOriginal(closed.text.length)).to.equal(code.length);
    expect(named.toOriginal(3)).to.equal(3);
    // Nothing dangles after a partial name: only the closers.
    const typed = "f(strings.Rep";
    expect(repairs(typed, typed.length, typed.length - 3).map((r) => r.text)).to.deep.equal(["f(strings.Rep)"]);
  });

  it("splits by lines: declarations at column 1, statements in runs, brackets respected", () => {
    const code = [
      'import "strings"',
      "",
      "// F is broken mid-call.",
      "func F() {",
      "\tx := g(ba",
      "\ttype T int",
      "}",
      "func (t *T) M() {}",
      "fmt.Println(1)",
      "y := 2",
      "var (",
      "\ta = 1",
      ")",
    ].join("\n");
    const pieces = roughSplit(code);
    expect(pieces.map((p) => [p.kind, p.names, code.slice(p.start, p.end).split("\n")[0]])).to.deep.equal([
      ["import", [], 'import "strings"'],
      ["func", ["F"], "func F() {"],
      ["method", ["T.M"], "func (t *T) M() {}"],
      ["stmt", [], "fmt.Println(1)"],
      ["var", [], "var ("],
    ]);
    expect(pieces[0].imports).to.deep.equal([{ name: "", path: "strings" }]);
    const group = roughSplit('import (\n\t"fmt"\n\tm "math"\n)\nx.')[0];
    expect(group.imports).to.deep.equal([{ name: "", path: "fmt" }, { name: "m", path: "math" }]);
    expect(code.slice(pieces[1].start, pieces[1].end).endsWith("}")).to.equal(true);
    expect(code.slice(pieces[3].start, pieces[3].end)).to.equal("fmt.Println(1)\ny := 2");
  });

  it("finds the standard packages a text uses, outside strings and comments", () => {
    const known = { fmt: "fmt", strings: "strings", rand: "math/rand", os: "os" };
    expect(scanUses('fmt.\nx := strings.Rep("a", 2) // os.Exit\ns := "rand.Int" + p.fmt.X', known)).to.deep.equal(["fmt", "strings"]);
  });
});

describe("gopls: a cell's cursor in the composed file (real cell parser)", function () {
  this.timeout(300_000); // the first run may build the parser helper
  let session: Session;
  let editing: Editing;

  before(async () => {
    session = await Session.start();
    editing = new Editing({ session, magics: () => builtinMagics(), log: () => undefined, gopls: null });
  });
  after(async () => {
    await session?.close();
  });

  /** The composed text just before where the cursor lands, and the target. */
  async function at(code: string, cursor = code.length) {
    const target = await editing.target(code, cursor, identifierStart(code, cursor));
    expect(target, "a target").to.not.equal(null);
    expect(indexFromLsp(target!.text, target!.position)).to.equal(target!.index);
    return { before: target!.text.slice(0, target!.index), target: target! };
  }

  it("puts statements in main, with UTF-16 columns after astral characters on the line", async () => {
    const code = 'x := "🙂é"\ns := "🙂🙂" + fmt.Sprin';
    const { before, target } = await at(code);
    expect(target.file).to.equal("main.go");
    expect(before.endsWith('\ns := "🙂🙂" + fmt.Sprin')).to.equal(true);
    expect(target.position.character).to.equal(23); // UTF-16 units; the line has 21 code points
    expect(before).to.match(/func main\(\) \{\n\/\/line cell\[1\]:1:1\nx := "🙂é"\n/);
    expect(target.files["main.go"]).to.match(/import \(\n\/\/line goperf-imports\.go:1:1\n"fmt"\n\)/);
  });

  it("gives each statement of a line its own directive, at its byte column", async () => {
    const { before, target } = await at('s := "🙂🙂"; fmt.Sprin');
    // `s := "🙂🙂"; ` is 17 bytes of UTF-8: the second statement starts at byte column 18.
    expect(before.endsWith('//line cell[1]:1:18\nfmt.Sprin')).to.equal(true);
    expect(target.position.character).to.equal(9);
  });

  it("keeps the cell's own lines: magic lines count, a declaration goes beside main", async () => {
    const code = '%escape\nfunc F() int {\n\treturn strings.Cou("ab", "b")\n}\nfmt.Println(F())';
    const cursor = code.indexOf("Cou") + 3;
    const { before, target } = await at(code, cursor);
    expect(before.endsWith("\treturn strings.Cou")).to.equal(true);
    expect(before).to.match(/\/\/line cell\[1\]:2:1\nfunc F\(\) int \{\n\treturn strings\.Cou$/);
    expect(before).to.not.contain("func main()");
    expect(target.files["main.go"]).to.contain('"strings"');
  });

  it("maps a cell that does not parse: a dangling selector in an unclosed function", async () => {
    const code = "type P struct{ X int }\nfunc G() {\n\tp := P{}\n\tp.";
    const { before, target } = await at(code);
    expect(before).to.match(/\/\/line cell\[1\]:2:1\nfunc G\(\) \{\n\tp := P\{\}\n\tp\.$/);
    expect(target.files["main.go"]).to.match(/\/\/line cell\[1\]:1:1\ntype P struct\{ X int \}\n/);
  });

  it("falls back to lines when no repair parses (an unclosed call mid-cell)", async () => {
    const code = "func H() {\n\tx := strings.Rep(ba\n\ty := 2\n}\nfmt.Println(H)";
    const cursor = code.indexOf("(ba") + 3;
    const { before } = await at(code, cursor);
    expect(before).to.match(/\/\/line cell\[1\]:1:1\nfunc H\(\) \{\n\tx := strings\.Rep\(ba$/);
  });

  it("finds test functions in main_test.go, and has nothing to say on an import line", async () => {
    const code = "func BenchmarkY(b *testing.B) {\n\tfor b.Lo";
    const { before, target } = await at(code);
    expect(target.file).to.equal("main_test.go");
    expect(before.endsWith("\tfor b.Lo")).to.equal(true);
    expect(target.files["main_test.go"]).to.contain('"testing"');
    const imp = 'import "strings"\nx := 1';
    expect(await editing.target(imp, 10, 8)).to.equal(null);
  });
});
