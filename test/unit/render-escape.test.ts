import { expect } from "chai";
import type { EscapeDiagnostic, EscapeReport } from "../../kernel/reports/index.js";
import { renderEscape, MIME } from "../../renderers/index.js";
import { layoutLines } from "../../renderers/escape.js";
import { tokenizeGo, tokenizeGoLines } from "../../kernel/go/gotokens.js";
import { escapeHtml, h, highlightGo, highlightGoLines, raw } from "../../renderers/html.js";
import { expectBalanced, writeArtifact } from "../helpers/html.js";

// Chapter 1's lab as notebook cells, with the decisions go1.26.8 prints for them at -m=2
// (positions relative to these cells; the wording as in test/fixtures/compiler/ch01-m2.go1.26.8.txt).

const CELL1 = "type Point struct{ X, Y int }";

const CELL2 = [
  "%escape",
  "func NewPointPtr(x, y int) *Point {",
  "\tp := Point{x, y}",
  "\treturn &p // p's address outlives this frame -> heap",
  "}",
  "",
  "//go:noinline",
  "func NewPointVal(x, y int) Point {",
  "\tp := Point{x, y}",
  "\treturn p // copied into the caller -> stack",
  "}",
].join("\n");

const CELL3 = [
  "//go:noinline",
  "func SquareQuiet(n int) int {",
  "\treturn n * n",
  "}",
  "",
  "//go:noinline",
  "func SquareLogged(n int) int {",
  "\tx := n * n",
  "\tfmt.Fprint(io.Discard, x) // x is boxed into `any` -> escapes",
  "\treturn x",
  "}",
].join("\n");

const CELL4 = [
  "type Transformer interface{ Transform(int) int }",
  "type Doubler struct{}",
  "",
  "func (Doubler) Transform(x int) int { return x * 2 }",
  "",
  "//go:noinline",
  "func UseInterfaceLocal(x int) int {",
  "\tvar t Transformer = Doubler{}",
  "\treturn t.Transform(x)",
  "}",
  "",
  "//go:noinline",
  "func UseInterface(t Transformer, x int) int {",
  "\treturn t.Transform(x) // concrete type hidden",
  "}",
].join("\n");

const CELL5 = [
  "//go:noinline",
  "func MakeCounter() func() int {",
  "\tn := 0",
  "\treturn func() int {",
  "\t\tn++",
  "\t\treturn n",
  "\t}",
  "}",
].join("\n");

// Source and messages with characters HTML must escape.
const CELL6 = [
  "func Less(a, b int, c bool) bool {",
  '\ts := "</script>" // a < b && c',
  "\tn := len([]byte(s))",
  "\treturn a < b && c && n > 0",
  "}",
].join("\n");

function d(cell: number, line: number, col: number, kind: EscapeDiagnostic["kind"], message: string, func?: string, explanation: string[] = []): EscapeDiagnostic {
  return { cell, line, col, kind, message, ...(func ? { func } : {}), explanation };
}

const DIAGNOSTICS: EscapeDiagnostic[] = [
  // In the compiler's order, not by position: the renderer sorts.
  d(2, 8, 6, "cannotinline", "cannot inline NewPointVal: marked go:noinline", "NewPointVal"),
  d(2, 2, 6, "caninline", "can inline NewPointPtr with cost 8 as: func(int, int) *Point { p := Point{...}; return &p }", "NewPointPtr", [
    "with cost 8 as: func(int, int) *Point { p := Point{...}; return &p }",
  ]),
  d(2, 3, 2, "heap", "moved to heap: p", "NewPointPtr", [
    "p escapes to heap in NewPointPtr:",
    "  flow: ~r0 ← &p:",
    "    from &p (address-of) at cell[2]:4:9",
    "    from return &p (return) at cell[2]:4:2",
  ]),
  d(3, 2, 6, "cannotinline", "cannot inline SquareQuiet: marked go:noinline", "SquareQuiet"),
  d(3, 7, 6, "cannotinline", "cannot inline SquareLogged: marked go:noinline", "SquareLogged"),
  d(3, 9, 25, "escape", "x escapes to heap", "SquareLogged", [
    "x escapes to heap in SquareLogged:",
    "  flow: {storage for ... argument} ← &{storage for x}:",
    "    from x (spill) at cell[3]:9:25",
    "    from ... argument (slice-literal-element) at cell[3]:9:12",
    "  flow: {heap} ← {storage for ... argument}:",
    "    from ... argument (spill) at cell[3]:9:12",
    "    from fmt.Fprint(io.Discard, ... argument...) (call parameter) at cell[3]:9:12",
  ]),
  d(3, 9, 12, "noescape", "... argument does not escape", "SquareLogged"),
  d(4, 4, 6, "caninline", "can inline Doubler.Transform with cost 4 as: method(Doubler) func(int) int { return x * 2 }", "Doubler.Transform", [
    "with cost 4 as: method(Doubler) func(int) int { return x * 2 }",
  ]),
  d(4, 7, 6, "cannotinline", "cannot inline UseInterfaceLocal: marked go:noinline", "UseInterfaceLocal"),
  d(4, 8, 22, "noescape", "Doubler{} does not escape", "UseInterfaceLocal"),
  d(4, 9, 20, "devirtualize", "devirtualizing t.Transform to Doubler", "UseInterfaceLocal"),
  d(4, 9, 20, "inline", "inlining call to Doubler.Transform", "UseInterfaceLocal"),
  d(4, 13, 6, "cannotinline", "cannot inline UseInterface: marked go:noinline", "UseInterface"),
  d(4, 13, 19, "leak", "leaking param: t", "UseInterface", [
    "parameter t leaks to {heap} for UseInterface with derefs=0:",
    "  flow: {heap} ← t:",
    "    from t.Transform(x) (call parameter) at cell[4]:14:20",
  ]),
  d(5, 2, 6, "cannotinline", "cannot inline MakeCounter: marked go:noinline", "MakeCounter"),
  d(5, 4, 9, "caninline", "can inline MakeCounter.func1 with cost 5 as: func() int { n++; return n }", "MakeCounter.func1", ["with cost 5 as: func() int { n++; return n }"]),
  d(5, 3, 2, "heap", "moved to heap: n", "MakeCounter"),
  d(5, 4, 9, "escape", "func literal escapes to heap", "MakeCounter"),
  d(6, 1, 6, "caninline", 'can inline Less with cost 20 as: func(int, int, bool) bool { s := "</script>"; n := len(([]byte)(s)); return a < b && c && n > 0 }', "Less", [
    'with cost 20 as: func(int, int, bool) bool { s := "</script>"; n := len(([]byte)(s)); return a < b && c && n > 0 }',
  ]),
  d(6, 3, 17, "noescape", "([]byte)(s) does not escape", "Less"),
  d(6, 3, 17, "other", "zero-copy string->[]byte conversion", "Less"),
];

function report(view: Partial<EscapeReport["view"]> = {}, extra: Partial<EscapeReport> = {}): EscapeReport {
  return {
    go_version: "go1.26.8",
    flags: ["-m=2"],
    cells: [CELL1, CELL2, CELL3, CELL4, CELL5, CELL6].map((source, i) => ({ cell: i + 1, source })),
    diagnostics: DIAGNOSTICS,
    view: { why: false, only: "all", ...view },
    ...extra,
  };
}

const text = (r: EscapeReport) => renderEscape(r)["text/plain"] as string;
const html = (r: EscapeReport) => renderEscape(r)["text/html"] as string;

describe("renderers/html: escaping and the element builder", () => {
  it("escapes the five HTML-special characters", () => {
    expect(escapeHtml(`a < b && c > "d" 'e'`)).to.equal("a &lt; b &amp;&amp; c &gt; &quot;d&quot; &#39;e&#39;");
  });

  it("h() escapes text and attributes, keeps nested markup, drops empty children and false attributes", () => {
    const out = String(h("div", { title: 'say "<hi>"', open: true, hidden: false }, "a < b", h("b", null, "&"), null, false, ["x", raw("<i>y</i>")]));
    expect(out).to.equal('<div title="say &quot;&lt;hi&gt;&quot;" open>a &lt; b<b>&amp;</b>x<i>y</i></div>');
  });

  it("h() refuses script and style elements and event handlers", () => {
    expect(() => h("script", null, "alert(1)")).to.throw(/not allowed/);
    expect(() => h("STYLE")).to.throw(/not allowed/);
    expect(() => h("div", { onclick: "x()" })).to.throw(/not allowed/);
  });
});

describe("renderers/html: Go highlighting", () => {
  const src = [
    "//go:noinline",
    "func F(s string) (rune, int) {",
    '\tu := "http://x.org/a" + `raw // not',
    "a comment` // real comment",
    "\tr := '\\'' /* block",
    "still block */",
    "\treturn r, 0x1F + 1_000 + 3.5e-2 + len(u)",
    "}",
  ].join("\n");

  it("tokens concatenate back to the source", () => {
    expect(tokenizeGo(src).map((t) => t.text).join("")).to.equal(src);
    expect(tokenizeGo("x := \"unterminated\ny := 1").map((t) => t.text).join("")).to.equal("x := \"unterminated\ny := 1");
  });

  it("reads strings, raw strings, runes and comments to their real ends", () => {
    const kinds = tokenizeGo(src).filter((t) => t.kind !== "space" && t.kind !== "punct" && t.kind !== "ident");
    const by = (k: string) => kinds.filter((t) => t.kind === k).map((t) => t.text);
    expect(by("directive")).to.deep.equal(["//go:noinline"]);
    expect(by("string")).to.deep.equal(['"http://x.org/a"', "`raw // not\na comment`"]);
    expect(by("comment")).to.deep.equal(["// real comment", "/* block\nstill block */"]);
    expect(by("rune")).to.deep.equal(["'\\''"]);
    expect(by("number")).to.deep.equal(["0x1F", "1_000", "3.5e-2"]);
    expect(by("keyword")).to.deep.equal(["func", "return"]);
    expect(by("builtin")).to.deep.equal(["string", "rune", "int", "len"]);
  });

  it("per line: tokens that span lines are cut at the newlines, each line rebuilds its source line", () => {
    const lines = tokenizeGoLines(src);
    expect(lines.map((l) => l.map((t) => t.text).join(""))).to.deep.equal(src.split("\n"));
    const rawLine = src.split("\n").findIndex((l) => l.startsWith("a comment`"));
    expect(lines[rawLine][0]).to.deep.equal({ kind: "string", text: "a comment`" });
    expect(lines[rawLine].at(-1)).to.deep.equal({ kind: "comment", text: "// real comment" });
    expect(tokenizeGoLines("")).to.deep.equal([[]]);
  });

  it("shows //go: directives differently from comments, and magic lines as magics", () => {
    const out = highlightGo("%escape --why\n//go:noinline\n// plain\nx := 100 % 7");
    const lines = out.split("\n");
    expect(lines[0]).to.match(/^<span style="[^"]*8b6bd6[^"]*">%escape --why<\/span>$/);
    const style = (l: string) => /style="([^"]*)"/.exec(l)![1];
    expect(style(lines[1])).to.not.equal(style(lines[2]));
    // A % inside a line is the operator, not a magic.
    expect(lines[3]).to.not.contain("8b6bd6");
  });

  it("keeps one line of output per source line, with no span crossing a newline", () => {
    const lines = highlightGoLines(src);
    expect(lines).to.have.length(src.split("\n").length);
    for (const l of lines) expectBalanced(l);
    expect(lines[3]).to.match(/^<span[^>]*>a comment`<\/span>/);
  });

  it("escapes what it highlights", () => {
    const out = highlightGo('s := "</script>" // a < b && c');
    expect(out).to.not.contain("<script").and.not.contain("</script");
    expect(out).to.contain("&lt;/script&gt;").and.contain("a &lt; b &amp;&amp; c");
  });
});

describe("renderEscape: text/plain", () => {
  it("lists every decision as cell[N]:LINE:COL: message, by cell, line and column, then the counts", () => {
    expect(text(report()).split("\n")).to.deep.equal([
      "cell[1]: the compiler reported no escape or inlining decisions for this code: nothing escapes to the heap (silence means stack).",
      "cell[2]:2:6: can inline NewPointPtr",
      "cell[2]:3:2: moved to heap: p",
      "cell[2]:8:6: cannot inline NewPointVal: marked go:noinline",
      "cell[3]:2:6: cannot inline SquareQuiet: marked go:noinline",
      "cell[3]:7:6: cannot inline SquareLogged: marked go:noinline",
      "cell[3]:9:12: ... argument does not escape",
      "cell[3]:9:25: x escapes to heap",
      "cell[4]:4:6: can inline Doubler.Transform",
      "cell[4]:7:6: cannot inline UseInterfaceLocal: marked go:noinline",
      "cell[4]:8:22: Doubler{} does not escape",
      "cell[4]:9:20: devirtualizing t.Transform to Doubler",
      "cell[4]:9:20: inlining call to Doubler.Transform",
      "cell[4]:13:6: cannot inline UseInterface: marked go:noinline",
      "cell[4]:13:19: leaking param: t",
      "cell[5]:2:6: cannot inline MakeCounter: marked go:noinline",
      "cell[5]:3:2: moved to heap: n",
      "cell[5]:4:9: can inline MakeCounter.func1",
      "cell[5]:4:9: func literal escapes to heap",
      "cell[6]:1:6: can inline Less",
      "cell[6]:3:17: ([]byte)(s) does not escape",
      "cell[6]:3:17: zero-copy string->[]byte conversion",
      "2 moved to heap, 2 escapes, 3 do not escape, 1 leaking param, 1 inlined call, 4 can inline, 6 cannot inline, 1 devirtualized, 1 other note",
    ]);
  });

  it("with --why, shows the whole can-inline message and the reasons indented under each decision", () => {
    const lines = text(report({ why: true, func: "NewPointPtr" })).split("\n");
    expect(lines).to.deep.equal([
      "cell[2]:2:6: can inline NewPointPtr with cost 8 as: func(int, int) *Point { p := Point{...}; return &p }",
      "cell[2]:3:2: moved to heap: p",
      "    p escapes to heap in NewPointPtr:",
      "      flow: ~r0 ← &p:",
      "        from &p (address-of) at cell[2]:4:9",
      "        from return &p (return) at cell[2]:4:2",
      "1 moved to heap, 1 can inline",
    ]);
  });

  it("--only heap keeps heap, escape, noescape and leak decisions", () => {
    const lines = text(report({ only: "heap" })).split("\n");
    expect(lines.filter((l) => /inline|devirtualiz|zero-copy/.test(l))).to.deep.equal([]);
    expect(lines).to.include("cell[4]:13:19: leaking param: t");
    expect(lines[lines.length - 1]).to.equal("2 moved to heap, 2 escapes, 3 do not escape, 1 leaking param");
    expect(lines[0]).to.equal("cell[1]: the compiler reported no escape decisions for this code: nothing escapes to the heap (silence means stack).");
  });

  it("--only inline keeps inlining and devirtualization, and words the silence for inlining", () => {
    const lines = text(report({ only: "inline" })).split("\n");
    expect(lines[0]).to.equal("cell[1]: the compiler reported no inlining decisions for this code.");
    expect(lines.filter((l) => /heap|escape/.test(l))).to.deep.equal([]);
    expect(lines[lines.length - 1]).to.equal("1 inlined call, 4 can inline, 6 cannot inline, 1 devirtualized");
    const noInline = text(report({ only: "inline" }, { flags: ["-m=2", "-l"], diagnostics: [] }));
    expect(noInline.split("\n")[0]).to.equal("cell[1]: the compiler reported no inlining decisions for this code (compiled with -l: inlining is off).");
  });

  it("--func keeps that function's decisions and leaves out cells without any", () => {
    expect(text(report({ func: "Doubler.Transform" })).split("\n")).to.deep.equal(["cell[4]:4:6: can inline Doubler.Transform", "1 can inline"]);
  });

  it("says what silence means, per cell, when nothing is reported", () => {
    const r = report({}, { cells: [{ cell: 7, source: "func Sum(a, b int) int { return a + b }" }], diagnostics: [] });
    expect(text(r).split("\n")).to.deep.equal([
      "cell[7]: the compiler reported no escape or inlining decisions for this code: nothing escapes to the heap (silence means stack).",
      "no decisions",
    ]);
    const f = report({ func: "NewPointVal", only: "heap" }, { cells: [{ cell: 2, source: CELL2 }] });
    expect(text(f).split("\n")[0]).to.equal("cell[2]: the compiler reported no escape decisions for NewPointVal: nothing escapes to the heap (silence means stack).");
  });

  it("keeps decisions for cells the report has no source for, and at lines past the source", () => {
    const r = report({}, { cells: [{ cell: 1, source: CELL1 }], diagnostics: [d(1, 9, 2, "heap", "moved to heap: q"), d(3, 5, 0, "other", "index bounds check elided")] });
    expect(text(r).split("\n")).to.deep.equal(["cell[1]:9:2: moved to heap: q", "cell[3]:5: index bounds check elided", "1 moved to heap, 1 other note"]);
    const out = html(r);
    expect(out).to.contain("moved to heap: q").and.contain("index bounds check elided");
    expect(out).to.contain("line 9 is not in the cell").and.contain("source not in this report");
  });
});

describe("renderEscape: text/html", () => {
  it("is self-contained: no script, no style element, no external resources, balanced tags", () => {
    for (const r of [report(), report({ why: true }), report({ only: "heap" })]) {
      const out = html(r);
      expect(out).to.not.match(/<script/i);
      expect(out).to.not.match(/<style/i);
      expect(out).to.not.match(/<link|<img|@import|url\(|https?:\/\/(?!www\.w3\.org)/i);
      expectBalanced(out);
    }
  });

  it("escapes < and & in source and messages", () => {
    const out = html(report({ why: true }));
    expect(out).to.not.contain('"</script>"');
    expect(out).to.contain("&lt;/script&gt;");
    expect(out).to.contain("a &lt; b &amp;&amp; c");
    // The compiler's can-inline body with --why, escaped.
    expect(out).to.contain("return a &lt; b &amp;&amp; c &amp;&amp; n &gt; 0 }");
    expect(out).to.contain("~r0 ← &amp;p:");
  });

  it("numbers lines as the notebook does: line 1 is the cell's first line, magic included", () => {
    const out = html(report({ func: "NewPointPtr" }));
    expect(out).to.match(/> +1 {2}<\/span><span style="[^"]*">%escape<\/span><\/div>/);
    expect(out).to.match(/> +3 {2}<\/span>\tp := Point\{x, y\}<span/);
  });

  it("badges each annotated line per kind, with a legend and the summary", () => {
    const out = html(report());
    for (const badge of ["heap", "escapes", "stack", "leak", "inlined", "can inline", "no inline", "devirtualized", "note"]) {
      expect(out, badge).to.match(new RegExp(`<span style="display:inline-block[^"]*" title="[^"]*">${badge}( ×\\d)?</span>`));
    }
    // cell[4] line 9: one call both devirtualized and inlined, two badges beside the line.
    expect(out).to.match(/> +9 {2}<\/span>\t<span[^>]*>return<\/span> t\.Transform\(x\)<span style="margin-left:14px"><span[^>]*>inlined<\/span> <span[^>]*>devirtualized<\/span><\/span><\/div>/);
    expect(out).to.contain("all cells: 2 moved to heap, 2 escapes, 3 do not escape, 1 leaking param, 1 inlined call, 4 can inline, 6 cannot inline, 1 devirtualized, 1 other note");
    expect(out).to.contain("moved to heap: a heap allocation"); // the legend
    expect(out).to.contain("go1.26.8 · go build -gcflags=&#39;-m=2&#39;");
    expect(out).to.contain(":25 </span>x escapes to heap");
  });

  it("states one cell's summary once, above its source (the page showed it above and below)", () => {
    const one = report();
    one.diagnostics = one.diagnostics.filter((d) => d.cell === one.diagnostics[0].cell);
    one.cells = one.cells.filter((c) => c.cell === one.diagnostics[0].cell);
    const out = html(one);
    const summary = /\d+ (moved to heap|escapes?|do not escape|does not escape|inlined calls?|can inline|cannot inline)[^<]*/.exec(out)![0];
    expect(out.split(summary).length - 1, summary).to.equal(1);
    expect(out).to.not.contain("all cells:");
  });

  it("puts the reasons in a <details> only with --why", () => {
    expect(html(report())).to.not.contain(">why</summary>");
    const out = html(report({ why: true }));
    expect(out).to.match(/<details[^>]*><summary[^>]*>why<\/summary><pre[^>]*>p escapes to heap in NewPointPtr:\n  flow: ~r0 ← &amp;p:/);
    // The can-inline cost is in the message itself, not repeated as a reason.
    expect(out).to.not.match(/<pre[^>]*>with cost 8/);
  });

  it("shows the silence as a sentence above the cell's source", () => {
    const out = html(report());
    expect(out).to.contain("The compiler reported no escape or inlining decisions for this code: nothing escapes to the heap (silence means stack).");
  });

  it("folds long runs of lines without decisions in big cells, and stays linear in size", () => {
    const big = (n: number) => {
      const lines: string[] = [];
      for (let i = 0; lines.length < n; i++) lines.push(`func F${i}(x int) int {`, "\ty := x * 2", "\treturn y + 1", "}", "");
      return lines.slice(0, n).join("\n");
    };
    const at = (n: number) =>
      report({}, {
        cells: [{ cell: 9, source: big(n) }],
        diagnostics: [d(9, 1, 6, "caninline", "can inline F0"), d(9, 2501, 6, "caninline", "can inline F500"), d(9, n, 1, "other", "a note on the last line")],
      });
    const small = html(at(5000));
    // Two lines of context stay visible on each side of a decision.
    expect(small).to.contain("2495 lines without decisions (lines 4–2498)");
    expect(small).to.contain("2494 lines without decisions (lines 2504–4997)");
    expectBalanced(small);
    const large = html(at(10000));
    const ratio = large.length / small.length;
    expect(ratio).to.be.within(1.8, 2.2);
    writeArtifact("escape-big", small);
  });

  it("leaves short cells unfolded, however long their quiet runs", () => {
    expect(layoutLines(20, (k) => k === 1).every((s) => "line" in s)).to.equal(true);
    const segs = layoutLines(60, (k) => k === 30);
    expect(segs.filter((s) => !("line" in s))).to.deep.equal([
      { from: 1, to: 27 },
      { from: 33, to: 60 },
    ]);
  });

  it("writes sample artifacts", () => {
    writeArtifact("escape", html(report()));
    writeArtifact("escape-why", html(report({ why: true })));
  });
});

describe("renderEscape: comparing two Go releases", () => {
  const comparison = {
    releases: ["go1.22.12", "go1.26.8"] as [string, string],
    same: [DIAGNOSTICS[2], DIAGNOSTICS[5], DIAGNOSTICS[6]],
    removed: [d(3, 9, 12, "escape", "... argument escapes to heap", "SquareLogged")],
    added: [d(5, 4, 9, "noescape", "func literal does not escape", "MakeCounter")],
  };
  const r = report({}, { comparison, cells: [{ cell: 2, source: CELL2 }, { cell: 3, source: CELL3 }, { cell: 5, source: CELL5 }] });

  it("text shows agreements once and differences as - / + lines", () => {
    expect(text(r).split("\n")).to.deep.equal([
      "comparing go1.22.12 (-) with go1.26.8 (+); decisions both report are shown once",
      "  cell[2]:3:2: moved to heap: p",
      "  cell[3]:9:12: ... argument does not escape",
      "- go1.22.12 cell[3]:9:12: ... argument escapes to heap",
      "  cell[3]:9:25: x escapes to heap",
      "+ go1.26.8 cell[5]:4:9: func literal does not escape",
      "go1.22.12 vs go1.26.8: 3 decisions agree, 1 only in go1.22.12, 1 only in go1.26.8",
    ]);
  });

  it("HTML puts both answers side by side where the releases differ", () => {
    const out = html(r);
    expectBalanced(out);
    expect(out).to.contain(">differs</span>");
    expect(out).to.match(/display:flex[^"]*"><div[^>]*><div[^>]*>go1\.22\.12<\/div>.*argument escapes to heap.*<div[^>]*>go1\.26\.8<\/div>/s);
    expect(out).to.contain("func literal does not escape");
    expect(out).to.contain("3 decisions agree, 1 only in go1.22.12, 1 only in go1.26.8");
    writeArtifact("escape-compare", out);
  });
});

describe("renderEscape: the vendor JSON", () => {
  it("carries the report as it is, every decision included whatever the view", () => {
    const r = report({ only: "heap", func: "NewPointPtr" });
    const bundle = renderEscape(r);
    expect(MIME.escape).to.equal("application/vnd.goperf.escape.v1+json");
    expect(bundle[MIME.escape]).to.equal(r);
    expect(JSON.parse(JSON.stringify(bundle[MIME.escape]))).to.deep.equal(r);
    expect(Object.keys(bundle).sort()).to.deep.equal(["application/vnd.goperf.escape.v1+json", "text/html", "text/plain"]);
  });
});

describe("renderEscape: a package's decisions (%escape --pkg)", () => {
  // What go1.26.8 prints at -m=2 for calc.go of a %use module (example.com/mine/calc).
  const file = "example.com/mine/calc/calc.go";
  const source = "package calc\n\n//go:noinline\nfunc Box(x int) *int { return &x }\n";
  const report: EscapeReport = {
    go_version: "go1.26.8",
    flags: ["-m=2"],
    cells: [],
    files: [{ file, source }],
    diagnostics: [
      { cell: 0, file, line: 4, col: 6, kind: "cannotinline", message: "cannot inline Box: marked go:noinline", explanation: [] },
      { cell: 0, file, line: 4, col: 10, kind: "heap", message: "moved to heap: x", explanation: [] },
    ],
    view: { why: false, only: "all" },
  };

  it("shows them on the file's own lines, under the file's name", () => {
    const b = renderEscape(report);
    expect(String(b["text/plain"]).split("\n")).to.deep.equal([
      `${file}:4:6: cannot inline Box: marked go:noinline`,
      `${file}:4:10: moved to heap: x`,
      "1 moved to heap, 1 cannot inline",
    ]);
    const html = String(b["text/html"]);
    expectBalanced(html);
    expect(html).to.contain(file);
    expect(html).to.contain("moved to heap: x");
    expect(html).to.not.contain("cell[0]");
  });
});
