// The cell parser, end to end: the real helper built with the real go command.
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CellParser, type SplitResult, type Unit } from "../../kernel/go/parse.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
// Kept between runs (test/artifacts is ignored by git) so the helper is built once per change.
const CACHE = join(ROOT, "test", "artifacts", "cellparse-cache");

function units(res: SplitResult): Unit[] {
  if (!res.ok) throw new Error(`unexpected syntax error ${res.error.line}:${res.error.col}: ${res.error.msg}`);
  return res.units;
}

function brief(u: Unit): [string, string[], number, number, string] {
  return [u.kind, u.names, u.line, u.col, u.text];
}

describe("CellParser (go/parser helper)", function () {
  this.timeout(300_000); // the first run compiles the helper

  let parser: CellParser;

  before(async () => {
    parser = await CellParser.start({ goBinary: "go", cacheDir: CACHE });
  });

  after(async () => {
    await parser?.close();
  });

  describe("split", () => {
    it("splits a mixed cell into declarations and statements", async () => {
      const cell = [
        "import \"fmt\"",
        "",
        "type Point struct{ X, Y int }",
        "",
        "func (p Point) Norm() int { return p.X*p.X + p.Y*p.Y }",
        "",
        "p := Point{3, 4}",
        "fmt.Println(p.Norm())",
        "",
        "for i := 0; i < 3; i++ {",
        "\tfmt.Println(i)",
        "}",
        "const Answer = 42",
      ].join("\n");
      const got = units(await parser.split(cell));
      expect(got.map(brief)).to.deep.equal([
        ["import", [], 1, 1, "import \"fmt\""],
        ["type", ["Point"], 3, 1, "type Point struct{ X, Y int }"],
        ["method", ["Point.Norm"], 5, 1, "func (p Point) Norm() int { return p.X*p.X + p.Y*p.Y }"],
        ["var", ["p"], 7, 1, "p := Point{3, 4}"],
        ["stmt", [], 8, 1, "fmt.Println(p.Norm())"],
        ["stmt", [], 10, 1, "for i := 0; i < 3; i++ {\n\tfmt.Println(i)\n}"],
        ["const", ["Answer"], 13, 1, "const Answer = 42"],
      ]);
      expect(got[0].imports).to.deep.equal([{ path: "fmt", name: "" }]);
      expect(got[1].imports).to.equal(undefined);
    });

    it("keeps doc comments and //go: directives byte for byte", async () => {
      const fn = "// SquareLogged boxes x.\n//go:noinline\nfunc SquareLogged(n int) int {\n\tx := n * n  // two spaces\n\treturn x\n}";
      const crlf = "/* block\r\n */\r\n//go:nosplit\r\nfunc  tiny( )  {\r\n\t_ = `raw\r\nstring`\r\n}";
      const got = units(await parser.split(`${fn}\n\n${crlf}\r\n`));
      expect(got.map((u) => u.text)).to.deep.equal([fn, crlf]);
      expect(got.map((u) => [u.kind, u.names[0], u.line])).to.deep.equal([
        ["func", "SquareLogged", 1],
        ["func", "tiny", 8],
      ]);
    });

    it("reports positions of units that start mid-line and after blanked magic lines", async () => {
      // Two magic lines were blanked by the caller: the cell starts with empty lines.
      const got = units(await parser.split("\n\nvar a = 1; fmt.Println(a)\n\t\tb := a // why\n"));
      expect(got.map(brief)).to.deep.equal([
        ["var", ["a"], 3, 1, "var a = 1"],
        ["stmt", [], 3, 12, "fmt.Println(a)"],
        ["var", ["b"], 4, 3, "b := a // why"],
      ]);
    });

    it("names methods by receiver base type, generic receivers included", async () => {
      const got = units(
        await parser.split(
          "func (p *List[T]) Len() int { return len(p.items) }\n" +
            "func (m Map[K, V]) Get(k K) V { return m.m[k] }\n" +
            "func Map2[K comparable, V any](m map[K]V) {}\n" +
            "func init() {}",
        ),
      );
      expect(got.map((u) => [u.kind, u.names])).to.deep.equal([
        ["method", ["List.Len"]],
        ["method", ["Map.Get"]],
        ["func", ["Map2"]],
        ["func", ["init"]],
      ]);
    });

    it("lists every name of a group", async () => {
      const got = units(
        await parser.split(
          "var (\n\ta, b = 1, 2\n\t_ = a\n)\nconst (\n\tX = iota\n\tY\n)\nimport (\n\t\"fmt\"\n\tm \"math\"\n)\ntype (\n\tA int\n\tB = A\n)\nvar solo int",
        ),
      );
      expect(got.map((u) => [u.kind, u.names, u.group])).to.deep.equal([
        ["var", ["a", "b", "_"], true],
        ["const", ["X", "Y"], true],
        ["import", [], true],
        ["type", ["A", "B"], true],
        ["var", ["solo"], false],
      ]);
      expect(got[2].imports).to.deep.equal([
        { path: "fmt", name: "" },
        { path: "math", name: "m" },
      ]);
    });

    it("treats a function literal call as a statement", async () => {
      const got = units(await parser.split("func() {\n\tfmt.Println(1)\n}()\ngo func() {}()\nfunc f() {}"));
      expect(got.map((u) => [u.kind, u.names])).to.deep.equal([
        ["stmt", []],
        ["stmt", []],
        ["func", ["f"]],
      ]);
    });

    it("ignores a package clause and keeps control headers whole", async () => {
      const got = units(
        await parser.split(
          "package main\n\nif x := []int{1, 2}; len(x) > 1 {\n} else if y := 2; y > 1 {\n}\nswitch v := f(); v {\n}",
        ),
      );
      expect(got.map((u) => [u.line, u.text])).to.deep.equal([
        [3, "if x := []int{1, 2}; len(x) > 1 {\n} else if y := 2; y > 1 {\n}"],
        [6, "switch v := f(); v {\n}"],
      ]);
      expect(units(await parser.split("package main\n"))).to.deep.equal([]);
      expect(units(await parser.split(""))).to.deep.equal([]);
    });

    it("reports the first syntax error in cell coordinates", async () => {
      const cases: [string, number, number, string][] = [
        ["x := 1\n\n\ty := )\n", 3, 7, "expected operand, found ')'"],
        ["\n\nfunc f() {\n\treturn 1 +\n}\n", 5, 1, "expected operand, found '}'"],
        ["var a = 1; b := ]", 1, 17, "expected operand, found ']'"],
        ["}", 1, 1, "expected statement, found '}'"],
        ["type T struct {", 1, 16, "expected '}', found 'EOF'"],
        ["x := 1 #", 1, 8, "illegal character U+0023 '#'"],
      ];
      for (const [cell, line, col, msg] of cases) {
        expect(await parser.split(cell), JSON.stringify(cell)).to.deep.equal({ ok: false, error: { line, col, msg } });
      }
    });
  });

  describe("isComplete", () => {
    const cases: [string, string][] = [
      ["", "complete"],
      ["x := 1", "complete"],
      ["func f() {}", "complete"],
      ["// just a note", "complete"],
      ["func f() {", "incomplete"],
      ["x := ", "incomplete"],
      ["for {", "incomplete"],
      ["fmt.Println(1,\n", "incomplete"],
      ["s := `raw\n", "incomplete"],
      ["/* open", "incomplete"],
      ["}", "invalid"],
      [")", "invalid"],
      ["x := )\ny := 1", "invalid"],
    ];
    for (const [cell, want] of cases) {
      it(`${JSON.stringify(cell)} is ${want}`, async () => {
        expect(await parser.isComplete(cell)).to.equal(want);
      });
    }
  });

  describe("uses", () => {
    it("finds packages and is not fooled by shadowing or receivers", async () => {
      const file = [
        "package main",
        "",
        "import \"fmt\"",
        "",
        "type S struct{ x int }",
        "",
        "func (s S) M() int { return s.x }",
        "",
        "var cfg struct{ x int }",
        "",
        "func main() {",
        "\tstrings := []string{\"a\"}",
        "\t_ = strings[0]",
        "\tfmt.Println(os.Args, cfg.x)",
        "\terrors.New(\"x\")",
        "\terrors := S{}",
        "\t_ = errors.x",
        "\tfunc(sort S) { _ = sort.x }(S{})",
        "}",
      ].join("\n");
      expect(await parser.uses(file)).to.deep.equal(["errors", "fmt", "os"]);
    });

    it("rejects a file that does not parse", async () => {
      let err: unknown;
      await parser.uses("package main\nfunc f() {").catch((e: unknown) => (err = e));
      expect(String(err)).to.match(/cellparse uses: 2:11: expected '}', found 'EOF'/);
    });
  });

  describe("stdlib", () => {
    it("maps package names to the import paths a Go programmer expects", async () => {
      const goroot = execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim();
      const pkgs = await parser.stdlib(goroot);
      expect(pkgs).to.include({
        fmt: "fmt",
        io: "io",
        rand: "math/rand",
        strings: "strings",
        testing: "testing",
        template: "text/template",
        pprof: "runtime/pprof",
      });
      expect(Object.values(pkgs).filter((p) => p.includes("internal") || p.startsWith("cmd/"))).to.deep.equal([]);
    });
  });

  describe("the helper process", () => {
    it("answers concurrent requests in order, one at a time", async () => {
      const cells = Array.from({ length: 20 }, (_, i) => `x${i} := ${i}`);
      const results = await Promise.all(cells.map((c) => parser.split(c)));
      expect(results.map((r) => units(r)[0].text)).to.deep.equal(cells);
    });

    it("splits a 50-line cell the same way 200 times over", async () => {
      const lines: string[] = [];
      for (let i = 0; i < 10; i++) {
        lines.push(`// f${i} doubles.`, "//go:noinline", `func f${i}(x int) int { return 2 * x }`, `y${i} := f${i}(${i})`, `fmt.Println(y${i})`);
      }
      const cell = lines.join("\n");
      const first = units(await parser.split(cell));
      expect(first).to.have.length(30);
      // The helper answers from its parse each time (how fast is bench/'s business, not a test's).
      for (let i = 0; i < 200; i++) expect(units(await parser.split(cell))).to.deep.equal(first);
    });

    it("restarts a helper that died and retries the request", async () => {
      const pid = parser.pid;
      expect(pid).to.be.a("number");
      process.kill(pid!, "SIGKILL");
      expect(units(await parser.split("x := 1"))[0].text).to.equal("x := 1");
      expect(parser.pid).to.not.equal(pid);
    });

    it("gives up on a helper that stops answering, and starts a fresh one", async () => {
      const quick = await CellParser.start({ goBinary: "go", cacheDir: CACHE, timeoutMs: 300 });
      try {
        const pid = quick.pid!;
        process.kill(pid, "SIGSTOP");
        let err: unknown;
        await quick.split("x := 1").catch((e: unknown) => (err = e));
        expect(String(err)).to.match(/did not answer "split" within 0.3 s/);
        expect(await quick.isComplete("for {")).to.equal("incomplete");
        expect(quick.pid).to.not.equal(pid);
      } finally {
        await quick.close();
      }
    });

    it("reuses the built helper and closes idempotently", async () => {
      const before = readdirSync(CACHE).filter((f) => f.startsWith("cellparse-") && !f.includes(".tmp"));
      const mtimes = before.map((f) => statSync(join(CACHE, f)).mtimeMs);
      const second = await CellParser.start({ goBinary: "go", cacheDir: CACHE });
      expect(await second.isComplete("x := 1")).to.equal("complete");
      await second.close();
      await second.close();
      let err: unknown;
      await second.split("x := 1").catch((e: unknown) => (err = e));
      expect(String(err)).to.match(/closed/);
      const after = readdirSync(CACHE).filter((f) => f.startsWith("cellparse-") && !f.includes(".tmp"));
      expect(after).to.deep.equal(before);
      expect(after.map((f) => statSync(join(CACHE, f)).mtimeMs)).to.deep.equal(mtimes);
    });
  });
});
