import { expect } from "chai";
import { composeBodies, composeFile, defaultName, importBlock, lineDirective, type Decl } from "../../kernel/go/compose.js";

const stdlib = { fmt: "fmt", io: "io", rand: "math/rand", strings: "strings" };

function decl(partial: Partial<Decl> & Pick<Decl, "text">): Decl {
  return { key: partial.text, kind: "func", names: [], cell: 1, line: 1, col: 1, test: false, ...partial };
}

describe("compose", () => {
  it("places every piece of cell code after a //line directive, text byte for byte", () => {
    const text = "// SquareLogged boxes x.\n//go:noinline\nfunc SquareLogged(n int) int {\n\tx := n * n\n\treturn x\n}";
    const { main } = composeBodies({ decls: [decl({ text, cell: 2, line: 3 })], statements: [{ cell: 4, line: 2, col: 1, text: "fmt.Println(SquareLogged(7))" }] });
    expect(main).to.contain(`//line cell[2]:3:1\n${text}\n`);
    expect(main).to.contain("//line goperf-main.go:1:1\nfunc main() {\n//line cell[4]:2:1\nfmt.Println(SquareLogged(7))\n");
  });

  it("always gives a column (without one the compiler reports none), kept when a unit starts mid-line", () => {
    expect(lineDirective("cell[1]", 1, 12)).to.equal("//line cell[1]:1:12\n");
    expect(lineDirective("cell[1]", 5, 1)).to.equal("//line cell[1]:5:1\n");
  });

  it("puts test functions in the test file and a cell's own main in place of the wrapper", () => {
    const bodies = composeBodies({
      decls: [decl({ text: "func BenchmarkX(b *testing.B) {}", test: true }), decl({ text: "func F() {}" })],
      statements: [],
      mainDecl: decl({ text: "func main() { F() }", cell: 3 }),
    });
    expect(bodies.test).to.contain("func BenchmarkX");
    expect(bodies.main).to.not.contain("BenchmarkX");
    expect(bodies.main).to.contain("func main() { F() }");
    expect(bodies.main).to.not.contain("goperf-main.go");
  });

  it("imports what is used: declared imports, and standard packages used without an import", () => {
    const block = importBlock(
      [{ path: "fmt", name: "", cell: 1, line: 2 }, { path: "os", name: "", cell: 1, line: 3 }, { path: "net/http/pprof", name: "_", cell: 2, line: 1 }],
      ["fmt", "io", "nosuchpkg"],
      stdlib,
    );
    expect(block).to.contain('//line cell[1]:2:1\n"fmt"\n');
    expect(block).to.not.contain('"os"'); // unused: never breaks the build
    expect(block).to.contain('_ "net/http/pprof"'); // side-effect imports always stay
    expect(block).to.contain('//line goperf-imports.go:1:1\n"io"\n');
    expect(block).to.not.contain("nosuchpkg");
  });

  it("lets the newest import of a name win", () => {
    const block = importBlock([{ path: "math/rand", name: "", cell: 1, line: 1 }, { path: "crypto/rand", name: "", cell: 2, line: 1 }], ["rand"], stdlib);
    expect(block).to.contain('"crypto/rand"');
    expect(block).to.not.contain('"math/rand"');
  });

  it("names packages as Go does", () => {
    expect(defaultName("math/rand", stdlib)).to.equal("rand");
    expect(defaultName("math/rand/v2", {})).to.equal("rand");
    expect(defaultName("gopkg.in/yaml.v3", {})).to.equal("yaml");
  });

  it("writes nothing for a file with no imports", () => {
    expect(importBlock([], [], stdlib)).to.equal("");
    expect(composeFile("", "func F() {}\n")).to.equal("package main\n\n\nfunc F() {}\n");
  });
});
