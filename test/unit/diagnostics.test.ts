import { expect } from "chai";
import {
  cellOf,
  classify,
  parseCompileErrors,
  parseCompilerOutput,
  type Diagnostic,
} from "../../kernel/go/diagnostics.js";
import { readFixture } from "../helpers/paths.js";

// Captured with go1.26.8 linux/amd64 from test/fixtures/compiler/ch01-source.go (see README.md there).
const read = (name: string) => readFixture(`compiler/${name}`);

const m2Text = read("ch01-m2.go1.26.8.txt");
const m2 = parseCompilerOutput(m2Text);
const m1 = parseCompilerOutput(read("ch01-m1.go1.26.8.txt"));

function at(ds: Diagnostic[], file: string, line: number, col?: number): Diagnostic[] {
  return ds.filter((d) => d.file === file && d.line === line && (col === undefined || d.col === col));
}

function one(ds: Diagnostic[], message: string, file: string, line: number, col: number): Diagnostic {
  const found = at(ds, file, line, col).filter((d) => d.message === message);
  expect(found, `${file}:${line}:${col}: ${message}`).to.have.length(1);
  return found[0];
}

// Diagnostics about a function's body: lines [from, to] of one cell.
function within(ds: Diagnostic[], file: string, from: number, to: number): Diagnostic[] {
  return ds.filter((d) => d.file === file && d.line >= from && d.line <= to);
}

describe("diagnostics: Chapter 1 claims in go1.26.8 -m=2 output", () => {
  it("Experiment 1: NewPointPtr moves p to the heap, with the flow that explains it", () => {
    const d = one(m2.diagnostics, "moved to heap: p", "cell[1]", 5, 2);
    expect(d.kind).to.equal("heap");
    expect(d.func).to.equal("NewPointPtr");
    expect(d.explanation).to.deep.equal([
      "p escapes to heap in NewPointPtr:",
      "  flow: ~r0 ← &p:",
      "    from &p (address-of) at cell[1]:6:9",
      "    from return &p (return) at cell[1]:6:2",
    ]);
  });

  it("Experiment 1: NewPointVal reports nothing but its go:noinline mark (silence means stack)", () => {
    expect(within(m2.diagnostics, "cell[1]", 10, 13).map((d) => d.message)).to.deep.equal([
      "cannot inline NewPointVal: marked go:noinline",
    ]);
  });

  it("Experiment 2: LocalAddr allocates nothing; go1.26 no longer prints the chapter's '&p does not escape'", () => {
    const local = within(m2.diagnostics, "cell[1]", 16, 20);
    expect(local.map((d) => d.kind)).to.deep.equal(["cannotinline"]);
    expect(m2Text).to.not.contain("&p does not escape");
  });

  it("Experiment 3: SquareLogged boxes x into the variadic any; SquareQuiet says nothing", () => {
    const x = one(m2.diagnostics, "x escapes to heap", "cell[2]", 9, 25);
    expect(x.kind).to.equal("escape");
    expect(x.func).to.equal("SquareLogged");
    expect(x.explanation[0]).to.equal("x escapes to heap in SquareLogged:");
    expect(x.explanation).to.include("    from fmt.Fprint(io.Discard, ... argument...) (call parameter) at cell[2]:9:12");
    expect(one(m2.diagnostics, "... argument does not escape", "cell[2]", 9, 12).kind).to.equal("noescape");
    expect(within(m2.diagnostics, "cell[2]", 1, 5).map((d) => d.message)).to.deep.equal([
      "cannot inline SquareQuiet: marked go:noinline",
    ]);
  });

  it("Experiment 4: the returned closure escapes and drags n with it", () => {
    const n = one(m2.diagnostics, "moved to heap: n", "cell[3]", 3, 2);
    expect([n.kind, n.func]).to.deep.equal(["heap", "MakeCounter"]);
    expect(n.explanation).to.include("    from n (captured by a closure) at cell[3]:5:3");
    const lit = one(m2.diagnostics, "func literal escapes to heap", "cell[3]", 4, 9);
    expect([lit.kind, lit.func]).to.deep.equal(["escape", "MakeCounter"]);
    const capture = one(m2.diagnostics, "MakeCounter capturing by ref: n (addr=false assign=true width=8)", "cell[3]", 3, 2);
    expect([capture.kind, capture.func]).to.deep.equal(["other", "MakeCounter"]);
  });

  it("Experiment 4: SumLocally's closure is inlined away in go1.26, so nothing escapes and no 'func literal does not escape' is printed", () => {
    const sum = within(m2.diagnostics, "cell[3]", 11, 18);
    expect(sum.filter((d) => d.kind === "heap" || d.kind === "escape")).to.deep.equal([]);
    expect(sum.some((d) => d.message.startsWith("func literal"))).to.equal(false);
    expect(one(m2.diagnostics, "inlining call to SumLocally.func1", "cell[3]", 15, 6).kind).to.equal("inline");
    expect(one(m2.diagnostics, "nums does not escape", "cell[3]", 11, 17).kind).to.equal("noescape");
  });

  it("Experiment 5: the concrete call is inlined (no devirtualization needed); the interface call leaks t", () => {
    const transform = one(
      m2.diagnostics,
      "can inline Doubler.Transform with cost 4 as: method(Doubler) func(int) int { return x * 2 }",
      "cell[4]", 5, 6,
    );
    expect([transform.kind, transform.func]).to.deep.equal(["caninline", "Doubler.Transform"]);
    expect(transform.explanation).to.deep.equal(["with cost 4 as: method(Doubler) func(int) int { return x * 2 }"]);
    expect(one(m2.diagnostics, "inlining call to Doubler.Transform", "cell[4]", 10, 20).kind).to.equal("inline");
    expect(at(m2.diagnostics, "cell[4]", 10).filter((d) => d.kind === "devirtualize")).to.deep.equal([]);
    const t = one(m2.diagnostics, "leaking param: t", "cell[4]", 14, 19);
    expect([t.kind, t.func]).to.deep.equal(["leak", "UseInterface"]);
    expect(t.explanation).to.deep.equal([
      "parameter t leaks to {heap} for UseInterface with derefs=0:",
      "  flow: {heap} ← t:",
      "    from t.Transform(x) (call parameter) at cell[4]:15:20",
    ]);
    expect(one(m2.diagnostics, "devirtualizing t.Transform to Doubler", "cell[4]", 21, 20).kind).to.equal("devirtualize");
  });

  it("Experiment 6: storing &p in a package-level pointer moves p to the heap", () => {
    const p = one(m2.diagnostics, "moved to heap: p", "cell[5]", 5, 2);
    expect(p.func).to.equal("StashGlobal");
    expect(p.explanation).to.include("    from Retained = &p (assign) at cell[5]:6:11");
  });

  it("Drill 2: A moves x; B reports nothing in go1.26; C boxes 1<<20 and leaks w", () => {
    const a = one(m2.diagnostics, "moved to heap: x", "cell[6]", 1, 17);
    expect([a.kind, a.func]).to.deep.equal(["heap", "A"]);
    expect(at(m2.diagnostics, "cell[6]", 2).map((d) => d.kind)).to.deep.equal(["caninline"]);
    expect(m2Text).to.not.contain("&x does not escape");
    const c = one(m2.diagnostics, "1048576 escapes to heap", "cell[6]", 3, 38);
    expect([c.kind, c.func]).to.deep.equal(["escape", "C"]);
    const w = one(m2.diagnostics, "leaking param: w", "cell[6]", 3, 8);
    expect([w.kind, w.func]).to.deep.equal(["leak", "C"]);
  });
});

describe("diagnostics: shapes beyond the chapter", () => {
  it("leaking param to a result and leaking param content carry their own headers", () => {
    const id = one(m2.diagnostics, "leaking param: p to result ~r0 level=0", "cell[7]", 2, 15);
    expect([id.kind, id.func]).to.deep.equal(["leak", "Identity"]);
    expect(id.explanation[0]).to.equal("parameter p leaks to ~r0 for Identity with derefs=0:");
    const pp = one(m2.diagnostics, "leaking param content: pp", "cell[7]", 6, 17);
    expect([pp.kind, pp.func]).to.deep.equal(["leak", "DerefStore"]);
    expect(pp.explanation[0]).to.equal("parameter pp leaks to {heap} for DerefStore with derefs=1:");
  });

  it("cannot-inline reasons: too complex, go statement, defer, recursion cycle at a call site", () => {
    const complex = one(m2.diagnostics, "cannot inline Complex: function too complex: cost 83 exceeds budget 80", "cell[7]", 59, 6);
    expect([complex.kind, complex.func]).to.deep.equal(["cannotinline", "Complex"]);
    const main = one(m2.diagnostics, "cannot inline main: function too complex: cost 496 exceeds budget 80", "goperf-main.go", 1, 0);
    expect(main.func).to.equal("main");
    expect(one(m2.diagnostics, "cannot inline Spawn: unhandled op GO", "cell[7]", 34, 6).func).to.equal("Spawn");
    expect(one(m2.diagnostics, "cannot inline Deferred: unhandled op DEFER", "cell[8]", 40, 6).kind).to.equal("cannotinline");
    const cycle = one(m2.diagnostics, "cannot inline Recurse into main: repeated recursive cycle", "cell[9]", 3, 21);
    expect(cycle.func).to.equal("main");
  });

  it("deduplicates a line the compiler repeats, keeping compiler order", () => {
    expect(m2Text.split("\n").filter((l) => l === "cell[9]:3:21: cannot inline Recurse into main: repeated recursive cycle")).to.have.length(2);
    const keys = m2.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`);
    expect(new Set(keys).size).to.equal(keys.length);
    // Order: the first decision printed is the first record.
    expect(keys[0]).to.equal("cell[1]:4:6: cannot inline NewPointPtr: marked go:noinline");
  });

  it("generics: shape instantiations, their dictionaries' wrappers and the escapes inside", () => {
    const shaped = one(
      m2.diagnostics,
      "can inline Map[go.shape.int,go.shape.string] with cost 40 as: func(*[7]uintptr, []go.shape.int, func(go.shape.int) go.shape.string) []go.shape.string { out := make([]go.shape.string, 0, len(xs)); for loop; return out }",
      "cell[7]", 22, 6,
    );
    expect(shaped.func).to.equal("Map[go.shape.int,go.shape.string]");
    const mk = one(m2.diagnostics, "make([]go.shape.string, 0, len(xs)) escapes to heap", "cell[7]", 23, 13);
    expect(mk.func).to.equal("Map[go.shape.int,go.shape.string]");
    // "append escapes to heap" is explained by the header naming the full call.
    const app = one(m2.diagnostics, "append escapes to heap", "cell[7]", 25, 15);
    expect(app.explanation[0]).to.equal("append(out, f(x)) escapes to heap in Map[go.shape.int,go.shape.string]:");
    expect(one(m2.diagnostics, "devirtualizing sh.Area to *Sq", "cell[8]", 25, 16).kind).to.equal("devirtualize");
  });

  it("methods, closures and statements inside main keep their own positions and functions", () => {
    expect(one(m2.diagnostics, "can inline (*Point).Scale with cost 8 as: method(*Point) func(int) { p.X *= k; p.Y *= k }", "cell[7]", 18, 6).func).to.equal("(*Point).Scale");
    expect(one(m2.diagnostics, "p does not escape", "cell[7]", 18, 7).kind).to.equal("noescape");
    expect(one(m2.diagnostics, "func literal escapes to heap", "cell[7]", 36, 5).func).to.equal("Spawn");
    expect(one(m2.diagnostics, "func literal does not escape", "cell[8]", 41, 8).kind).to.equal("noescape");
    expect(one(m2.diagnostics, "moved to heap: buf", "cell[7]", 49, 6).explanation).to.include("    from buf (too large for stack) at cell[7]:49:6");
    const boxed = one(m2.diagnostics, "SquareLogged(1048576) escapes to heap", "cell[9]", 2, 31);
    expect(boxed.func).to.equal("main");
    expect(one(m2.diagnostics, "inlining call to fmt.Println", "cell[9]", 2, 13).kind).to.equal("inline");
  });

  it("unrecognised positioned lines are kept as kind other", () => {
    const others = m2.diagnostics.filter((d) => d.kind === "other").map((d) => d.message);
    expect(others).to.include("zero-copy string->[]byte conversion");
    expect(others).to.include("index bounds check elided");
    expect(others).to.include("(*Buf).Reset ignoring self-assignment in b.data = b.data[:0]");
  });

  it("headers never become diagnostics; unclaimed blocks and '# pkg' go to other", () => {
    for (const d of m2.diagnostics) {
      expect(d.message).to.not.match(/ escapes to heap in .*:$|^parameter \S+ leaks to /);
      expect(d.message).to.not.match(/^\s/);
    }
    expect(m2.other[0]).to.equal("# goperf.session");
    // x is captured into Spawn's closure: the compiler explains a flow but prints no decision for it.
    expect(m2.other).to.include("cell[7]:34:12: parameter x leaks to {storage for func literal} for Spawn with derefs=0:");
    expect(m2.other).to.include("cell[7]:34:12:     from x (captured by a closure) at cell[7]:36:20");
  });

  it("accounts for every line of the fixture", () => {
    const lines = m2Text.split("\n").filter((l) => l !== "");
    const explained = m2.diagnostics.reduce((n, d) => n + (d.kind === "caninline" ? 0 : d.explanation.length), 0);
    const duplicates = 1; // the repeated recursive-cycle line
    expect(m2.diagnostics.length + explained + m2.other.length + duplicates).to.equal(lines.length);
  });
});

describe("diagnostics: -m=1 agrees with -m=2", () => {
  it("every -m decision appears in the -m=2 records at the same position", () => {
    const key = (d: Diagnostic) => `${d.file}:${d.line}:${d.col}: ${d.kind === "caninline" ? d.message.replace(/ with cost \d+ as: .*$/, "") : d.message}`;
    const m2Keys = new Set(m2.diagnostics.map(key));
    expect(m1.diagnostics.length).to.be.greaterThan(80);
    for (const d of m1.diagnostics) expect(m2Keys.has(key(d)), key(d)).to.equal(true);
  });

  it("-m prints no explanations, so only can/cannot-inline lines carry a function", () => {
    const moved = one(m1.diagnostics, "moved to heap: p", "cell[1]", 5, 2);
    expect(moved.explanation).to.deep.equal([]);
    expect(moved.func).to.equal(undefined);
    const can = one(m1.diagnostics, "can inline Doubler.Transform", "cell[4]", 5, 6);
    expect([can.func, can.explanation]).to.deep.equal(["Doubler.Transform", []]);
  });
});

describe("diagnostics: test binaries (b.Loop keep-alive notes)", () => {
  const test = parseCompilerOutput(read("ch01-test-m2.go1.26.8.txt"));
  it("keeps the b.Loop pass's notes as other and finds the benchmarks' inlining decisions", () => {
    const keep = one(test.diagnostics, "function result will be kept alive", "cell[10]", 3, 14);
    expect(keep.kind).to.equal("other");
    expect(one(test.diagnostics, "goperf%2esession.n will be kept alive", "cell[11]", 14, 5).kind).to.equal("other");
    expect(one(test.diagnostics, "inlining call to testing.(*B).Loop", "cell[10]", 2, 12).kind).to.equal("inline");
    expect(test.other.slice(0, 2)).to.deep.equal(["# goperf.session [goperf.session.test]", "# goperf.session.test"]);
  });

  it("parses headers whose function names contain spaces", () => {
    expect(test.other).to.include(
      "<autogenerated>:1: &reflect.ValueError{...} escapes to heap in (*struct { reflect.typ_ *internal/abi.Type; reflect.ptr unsafe.Pointer; reflect.flag }).reflect.mustBe:",
    );
    for (const d of test.diagnostics) expect(d.message).to.not.match(/ escapes to heap in /);
  });
});

describe("diagnostics: classify and cellOf", () => {
  const cases: Array<[string, string]> = [
    ["moved to heap: p", "heap"],
    ["&x escapes to heap", "escape"],
    ["func literal escapes to heap", "escape"],
    ["append escapes to heap", "escape"],
    ["... argument does not escape", "noescape"],
    ["p does not escape, mutate, or call", "noescape"],
    ["leaking param: p", "leak"],
    ["leaking param content: pp", "leak"],
    ["leaking param: p to result ~r0 level=0", "leak"],
    ["can inline F with cost 4 as: func() {  }", "caninline"],
    ["cannot inline F: marked go:noinline", "cannotinline"],
    ["inlining call to fmt.Println", "inline"],
    ["devirtualizing d.Transform to Doubler", "devirtualize"],
    ["partially devirtualizing x.M to T", "devirtualize"],
    ["x escapes to heap in F:", "other"],
    ["zero-copy string->[]byte conversion", "other"],
  ];
  for (const [message, kind] of cases) it(`${message} → ${kind}`, () => expect(classify(message)).to.equal(kind));

  it("reads the cell number from the //line file name", () => {
    expect(cellOf("cell[12]")).to.equal(12);
    expect(cellOf("cell[3]")).to.equal(3);
    expect(cellOf("goperf-main.go")).to.equal(undefined);
    expect(cellOf("./cell[3].go")).to.equal(undefined);
  });
});

describe("diagnostics: edge cases of the line format", () => {
  it("attaches a block to the decision at its position even when other decisions come between", () => {
    const text = [
      "./x.go:7:2: a escapes to heap in F:",
      "./x.go:7:2:   flow: {heap} ← &a:",
      "./x.go:9:2: b escapes to heap in F:",
      "./x.go:9:2:   flow: {heap} ← &b:",
      "./x.go:8:2: c does not escape",
      "./x.go:9:2: moved to heap: b",
      "./x.go:7:2: moved to heap: a",
    ].join("\n");
    const { diagnostics, other } = parseCompilerOutput(text);
    expect(diagnostics.map((d) => [d.message, d.explanation.length, d.func])).to.deep.equal([
      ["c does not escape", 0, undefined],
      ["moved to heap: b", 2, "F"],
      ["moved to heap: a", 2, "F"],
    ]);
    expect(other).to.deep.equal([]);
  });

  it("matches several blocks at one column-less position by subject", () => {
    const text = [
      "goperf-main.go:3: ~r0 escapes to heap in main:",
      "goperf-main.go:3:   flow: one",
      "goperf-main.go:3: 7 escapes to heap in main:",
      "goperf-main.go:3:   flow: two",
      "goperf-main.go:3: 7 escapes to heap",
      "goperf-main.go:3: ~r0 escapes to heap",
    ].join("\n");
    const { diagnostics } = parseCompilerOutput(text);
    expect(diagnostics.map((d) => [d.col, d.message, d.explanation[1]])).to.deep.equal([
      [0, "7 escapes to heap", "  flow: two"],
      [0, "~r0 escapes to heap", "  flow: one"],
    ]);
  });

  it("prefers the leak block whose destination the decision names", () => {
    const text = [
      "./x.go:3:8: parameter p leaks to ~r0 for F with derefs=0:",
      "./x.go:3:8: parameter p leaks to {heap} for F with derefs=0:",
      "./x.go:3:8: leaking param: p",
      "./x.go:3:8: leaking param: p to result ~r0 level=0",
    ].join("\n");
    const { diagnostics } = parseCompilerOutput(text);
    expect(diagnostics.map((d) => d.explanation[0])).to.deep.equal([
      "parameter p leaks to {heap} for F with derefs=0:",
      "parameter p leaks to ~r0 for F with derefs=0:",
    ]);
  });

  it("reads braced leak destinations that contain ' for ' and braces", () => {
    const text = "./x.go:3:8: parameter p leaks to {storage for &Point{...}} for F with derefs=0:\n./x.go:3:8: leaking param: p";
    const [d] = parseCompilerOutput(text).diagnostics;
    expect(d.func).to.equal("F");
  });

  it("keeps stray indented lines and CRLF input", () => {
    const { diagnostics, other } = parseCompilerOutput("./x.go:1:1:   flow: orphan\r\n./x.go:2:3: moved to heap: v\r\n");
    expect(other).to.deep.equal(["./x.go:1:1:   flow: orphan"]);
    expect(diagnostics[0]).to.include({ file: "./x.go", line: 2, col: 3, message: "moved to heap: v" });
  });
});

describe("diagnostics: parseCompileErrors", () => {
  it("reads type errors with their continuation lines", () => {
    expect(parseCompileErrors(read("errors-typecheck.go1.26.8.txt"))).to.deep.equal([
      { file: "cell[2]", line: 2, col: 2, message: "declared and not used: x" },
      { file: "cell[2]", line: 3, col: 14, message: "undefined: foo" },
      { file: "cell[2]", line: 4, col: 2, message: "not enough arguments in call to Half\n\thave ()\n\twant (int)" },
      { file: "cell[2]", line: 5, col: 6, message: "declared and not used: s" },
      { file: "cell[2]", line: 5, col: 17, message: "cannot use Half(3) (value of type int) as string value in variable declaration" },
    ]);
  });

  it("keeps the 'too many errors' line", () => {
    const errors = parseCompileErrors(read("errors-too-many.go1.26.8.txt"));
    expect(errors).to.have.length(11);
    expect(errors[9]).to.deep.equal({ file: "cell[4]", line: 10, col: 2, message: "undefined: u10" });
    expect(errors[10]).to.deep.equal({ file: "cell[4]", line: 10, col: 2, message: "too many errors" });
  });

  it("reads syntax errors", () => {
    expect(parseCompileErrors(read("errors-syntax.go1.26.8.txt"))).to.deep.equal([
      { file: "cell[5]", line: 1, col: 8, message: "syntax error: unexpected }, expected expression" },
    ]);
  });

  it("keeps go-command failures that carry no position", () => {
    expect(parseCompileErrors("go: cannot find main module\ntoo many errors\n")).to.deep.equal([
      { file: "", line: 0, col: 0, message: "go: cannot find main module" },
      { file: "", line: 0, col: 0, message: "too many errors" },
    ]);
  });
});
