// Notebooks without a kernel: nbformat reading and writing, iopub -> outputs, the HTML page, check's
// diffs on synthetic notebooks, and the Go lab export with a scripted cell parser.
import { expect } from "chai";
import { checkNotebook, formatCheck, formatClaimsSummary, summarizeClaims } from "../../kernel/notebook/check.js";
import { BENCH_VALUE_OPTIONS, benchCalls, composeLab, importBlock, splitMagicLines, type CellSplitter, type SplitUnit } from "../../kernel/notebook/export.js";
import { notebookToHtml, renderBundle } from "../../kernel/notebook/html.js";
import { inline, renderMarkdown, safeUrl } from "../../kernel/notebook/markdown.js";
import {
  NotebookError,
  parseNotebook,
  serializeNotebook,
  splitLines,
  withCellIds,
  type CodeCell,
  type Notebook,
  type Output,
} from "../../kernel/notebook/nbformat.js";
import { DisplayRegistry, OutputCollector, applyOverwrites, outputsFromMessages, type IopubMessage } from "../../kernel/notebook/outputs.js";
import { BENCH_MIME, CLAIMS_MIME, ESCAPE_MIME } from "../../kernel/reports/index.js";
import { bench } from "../../magics/bench.js";

const msg = (msg_type: string, content: Record<string, unknown>): IopubMessage => ({ header: { msg_type }, content });
const stream = (name: string, text: string) => msg("stream", { name, text });

function notebook(cells: Notebook["cells"]): Notebook {
  return { nbformat: 4, nbformat_minor: 5, metadata: {}, cells };
}

function code(source: string, count: number | null, outputs: Output[] = [], id?: string): CodeCell {
  return { cell_type: "code", id, metadata: {}, source, execution_count: count, outputs };
}

function expectNotebookError(text: string, pattern: RegExp): void {
  try {
    parseNotebook(text, "x.ipynb");
  } catch (err) {
    expect(err).to.be.instanceOf(NotebookError);
    expect((err as Error).message).to.match(pattern);
    return;
  }
  expect.fail(`no error for ${text.slice(0, 40)}`);
}

describe("nbformat", () => {
  it("refuses text that is not JSON, naming the file", () => {
    expectNotebookError("hello, not json", /^x\.ipynb is not valid JSON .*a notebook is a \.ipynb JSON file$/);
    expectNotebookError('{"nbformat": 4, "cells": [', /not valid JSON .*damaged/);
  });

  it("refuses JSON that is not a notebook", () => {
    expectNotebookError('{"name": "goperf", "version": "0.1.0"}', /^x\.ipynb is not a Jupyter notebook: it has no "nbformat" or "cells" field$/);
    expectNotebookError("[1, 2]", /is not a Jupyter notebook/);
    expectNotebookError('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": {}}', /"cells" is an object, not a list/);
    expectNotebookError('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "heading", "source": ""}]}', /cell 1 has cell_type "heading"/);
    expectNotebookError('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": 3}]}', /cell 1: "source" is 3, not text/);
  });

  it("refuses nbformat 3 with the way out", () => {
    const v3 = JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [{ cells: [] }] });
    expectNotebookError(v3, /nbformat 3 is not supported; open and save it in Jupyter to convert to v4$/);
  });

  it("reads 4.x notebooks without ids and fills what Jupyter tolerates missing", () => {
    const nb = parseNotebook(JSON.stringify({ nbformat: 4, nbformat_minor: 2, metadata: {}, cells: [{ cell_type: "code", source: ["a\n", "b"] }] }));
    const cell = nb.cells[0] as CodeCell;
    expect(cell.outputs).to.deep.equal([]);
    expect(cell.execution_count).to.equal(null);
    expect(cell.id).to.equal(undefined);
  });

  it("writes as Jupyter does: ids, 4.5, sorted keys, one-space indent, lines", () => {
    const nb = notebook([
      { cell_type: "markdown", metadata: {}, source: "# T\n\ntext" },
      code("x := 1\nfmt.Println(x)", 1, [{ output_type: "stream", name: "stdout", text: "1\n" }], "same"),
      code("", null, [], "same"),
      code("", null, [], "bad id!"),
    ]);
    nb.nbformat_minor = 4;
    let n = 0;
    const text = serializeNotebook(nb, () => `gen${++n}`);
    expect(text.endsWith("}\n")).to.equal(true);
    expect(text).to.contain('\n "cells": [\n  {\n   "cell_type": "markdown",\n   "id": "gen1",\n   "metadata": {},\n   "source": [\n    "# T\\n",\n    "\\n",\n    "text"\n   ]\n  }');
    const back = JSON.parse(text);
    expect(back.nbformat_minor).to.equal(5);
    expect(back.cells.map((c: { id: string }) => c.id)).to.deep.equal(["gen1", "same", "gen2", "gen3"]);
    expect(back.cells[1].outputs[0].text).to.deep.equal(["1\n"]);
    expect(back.cells[2].source).to.deep.equal([]);
    expect(Object.keys(back)).to.deep.equal(["cells", "metadata", "nbformat", "nbformat_minor"]);
    expect(Object.keys(back.cells[1])).to.deep.equal(["cell_type", "execution_count", "id", "metadata", "outputs", "source"]);
    expect(parseNotebook(text).cells).to.have.length(4);
  });

  it("splits lines as Python's splitlines(keepends=True)", () => {
    expect(splitLines("")).to.deep.equal([]);
    expect(splitLines("49\n")).to.deep.equal(["49\n"]);
    expect(splitLines("a\nb")).to.deep.equal(["a\n", "b"]);
    expect(splitLines("a\r\nb\rc\n\n")).to.deep.equal(["a\r\n", "b\r", "c\n", "\n"]);
  });

  it("keeps valid unique ids and replaces only the others", () => {
    const nb = withCellIds(notebook([code("", null, [], "keep-me_1"), code("", null)]), () => "new");
    expect(nb.cells.map((c) => c.id)).to.deep.equal(["keep-me_1", "new"]);
  });
});

describe("iopub -> nbformat outputs", () => {
  it("merges consecutive stream messages of one name, as JupyterLab does", () => {
    const outputs = outputsFromMessages([
      msg("status", { execution_state: "busy" }),
      msg("execute_input", { code: "x", execution_count: 1 }),
      stream("stdout", "a"),
      stream("stdout", "b\nc\n"),
      stream("stderr", "warn\n"),
      stream("stdout", "d\n"),
      msg("status", { execution_state: "idle" }),
    ]);
    expect(outputs).to.deep.equal([
      { output_type: "stream", name: "stdout", text: ["ab\n", "c\n"] },
      { output_type: "stream", name: "stderr", text: ["warn\n"] },
      { output_type: "stream", name: "stdout", text: ["d\n"] },
    ]);
  });

  it("applies carriage returns and backspaces across merged chunks", () => {
    expect(applyOverwrites("10%\r")).to.equal("10%\r");
    expect(applyOverwrites("abcdef\rxy")).to.equal("xycdef");
    expect(applyOverwrites("ab\bc\r\n")).to.equal("ac\n");
    const outputs = outputsFromMessages([stream("stdout", "10%\r"), stream("stdout", "100%\ndone\n")]);
    expect(outputs).to.deep.equal([{ output_type: "stream", name: "stdout", text: ["100%\n", "done\n"] }]);
  });

  it("stores display_data without its transient id and applies update_display_data in place", () => {
    const outputs = outputsFromMessages([
      msg("display_data", { data: { "text/plain": "running 0/6" }, metadata: {}, transient: { display_id: "bench-1" } }),
      msg("update_display_data", { data: { "text/plain": "running 3/6" }, metadata: {}, transient: { display_id: "bench-1" } }),
      msg("display_data", { data: { "text/plain": "table\nrow\n", "text/html": "<table>\n</table>", [BENCH_MIME]: { benchmarks: [] } }, metadata: { x: 1 } }),
      msg("update_display_data", { data: { "text/plain": "done: 6 runs" }, metadata: { y: 2 }, transient: { display_id: "bench-1" } }),
      msg("update_display_data", { data: { "text/plain": "nobody" }, metadata: {}, transient: { display_id: "unknown" } }),
    ]);
    expect(outputs).to.deep.equal([
      { output_type: "display_data", data: { "text/plain": ["done: 6 runs"] }, metadata: { y: 2 } },
      { output_type: "display_data", data: { "text/plain": ["table\n", "row\n"], "text/html": ["<table>\n", "</table>"], [BENCH_MIME]: { benchmarks: [] } }, metadata: { x: 1 } },
    ]);
  });

  it("updates a display shown by an earlier cell through the run's registry", () => {
    const displays = new DisplayRegistry();
    const first = new OutputCollector(displays);
    first.add(msg("display_data", { data: { "text/plain": "old" }, metadata: {}, transient: { display_id: "d" } }));
    const second = new OutputCollector(displays);
    second.add(msg("update_display_data", { data: { "text/plain": "new" }, metadata: {}, transient: { display_id: "d" } }));
    expect(first.outputs[0]).to.deep.include({ data: { "text/plain": ["new"] } });
    expect(second.outputs).to.deep.equal([]);
  });

  it("stores execute_result with its count and errors with ename, evalue, traceback", () => {
    const outputs = outputsFromMessages([
      msg("execute_result", { execution_count: 4, data: { "text/plain": "42" }, metadata: {} }),
      msg("error", { ename: "CompileError", evalue: "cell[4]:2:13: undefined: m", traceback: ["cell[4]:2:13: undefined: m"] }),
    ]);
    expect(outputs).to.deep.equal([
      { output_type: "execute_result", execution_count: 4, data: { "text/plain": ["42"] }, metadata: {} },
      { output_type: "error", ename: "CompileError", evalue: "cell[4]:2:13: undefined: m", traceback: ["cell[4]:2:13: undefined: m"] },
    ]);
  });

  it("clears outputs on clear_output, at once or at the next output with wait", () => {
    expect(outputsFromMessages([stream("stdout", "a\n"), msg("clear_output", { wait: false })])).to.deep.equal([]);
    expect(outputsFromMessages([stream("stdout", "a\n"), msg("clear_output", { wait: true })])).to.have.length(1);
    expect(outputsFromMessages([stream("stdout", "a\n"), msg("clear_output", { wait: true }), stream("stdout", "b\n")])).to.deep.equal([
      { output_type: "stream", name: "stdout", text: ["b\n"] },
    ]);
  });
});

describe("markdown and the HTML page", () => {
  it("escapes HTML written in markdown", () => {
    const html = renderMarkdown("Hello <script>alert(1)</script> & <b>bold</b>\n\n<img src=x onerror=alert(1)>");
    expect(html).to.not.contain("<script>");
    expect(html).to.not.contain("<img");
    expect(html).to.contain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;");
  });

  it("links only to safe URLs", () => {
    expect(inline("[go](https://go.dev/doc?a=1&b=2)")).to.equal('<a href="https://go.dev/doc?a=1&amp;b=2">go</a>');
    // A link to an unsafe URL is no link: its Markdown stays as text.
    expect(inline("[x](javascript:alert(1))")).to.equal("[x](javascript:alert(1))");
    expect(inline("<javascript:alert(1)>")).to.equal("&lt;javascript:alert(1)&gt;");
    expect(inline("![p](data:image/png;base64,AAAA)")).to.not.contain("<img");
    expect(inline('[x](" java\tscript:alert(1)")')).to.not.contain("href");
    expect(inline("<https://go.dev>")).to.equal('<a href="https://go.dev">https://go.dev</a>');
    expect(safeUrl("lab/escape_lab.go")).to.equal("lab/escape_lab.go");
    expect(safeUrl("data:text/html,<b>")).to.equal(null);
    expect(inline('![a "q"](img.png)')).to.equal('<img src="img.png" alt="a &quot;q&quot;">');
  });

  it("renders headings, emphasis, code spans, lists, fenced code and tables", () => {
    const md = [
      "# Chapter 1 — Escape *Analysis*",
      "",
      "Some **bold**, *em*, _em2_, `a < b` and snake_case_name.",
      "",
      "- one",
      "- two with `code`",
      "  - nested",
      "",
      "1. first",
      "2. second",
      "",
      "```go",
      'fmt.Println("<hi>")',
      "```",
      "",
      "| Message | Meaning |",
      "|---|:---:|",
      "| `moved to heap: x` | a \\| pipe |",
    ].join("\n");
    const html = renderMarkdown(md);
    expect(html).to.contain('<h1 id="Chapter-1-—-Escape-Analysis">Chapter 1 — Escape <em>Analysis</em></h1>');
    expect(html).to.contain("<p>Some <strong>bold</strong>, <em>em</em>, <em>em2</em>, <code>a &lt; b</code> and snake_case_name.</p>");
    expect(html).to.contain("<ul>\n<li>one</li>\n<li>two with <code>code</code>\n<ul>\n<li>nested</li>\n</ul>\n</li>\n</ul>");
    expect(html).to.contain("<ol>\n<li>first</li>\n<li>second</li>\n</ol>");
    expect(html).to.contain('<pre><code class="language-go">fmt.Println(&quot;&lt;hi&gt;&quot;)\n</code></pre>');
    expect(html).to.contain('<th>Message</th>\n<th style="text-align:center">Meaning</th>');
    expect(html).to.contain('<td><code>moved to heap: x</code></td>\n<td style="text-align:center">a | pipe</td>');
    // Heading ids unique in the page, from the heading's words.
    expect(renderMarkdown("# A\n\n# A\n\n## `x` y")).to.equal('<h1 id="A">A</h1>\n<h1 id="A-1">A</h1>\n<h2 id="x-y"><code>x</code> y</h2>');
    // Fenced Go goes through the page's highlighter; other languages are escaped.
    const page = notebookToHtml(notebook([{ cell_type: "markdown", metadata: {}, source: "```go\nfunc F() {}\n```\n\n```\n<b>\n```" }]));
    expect(page).to.match(/<pre><code class="language-go"><span style="[^"]+">func<\/span>/);
    expect(page).to.contain("<pre><code>&lt;b&gt;\n</code></pre>");
  });

  it("renders a page: prompts, highlighted code, html outputs, escaped plain text, errors in red", () => {
    const nb = notebook([
      { cell_type: "markdown", metadata: {}, source: "# Squares" },
      code("func Square(n int) int { return n * n }", 1, [], "a"),
      code("fmt.Println(Square(7))", 2, [{ output_type: "stream", name: "stdout", text: ["49\n"] }], "b"),
      code("x", 3, [{ output_type: "display_data", data: { "text/html": ["<b>rich</b>"], "text/plain": ["plain"] }, metadata: {} }], "c"),
      code("y", 4, [{ output_type: "display_data", data: { "text/plain": ["<not html>"] }, metadata: {} }], "d"),
      code("z", 5, [{ output_type: "error", ename: "CompileError", evalue: "bad", traceback: ["\u001b[31mcell[5]:1:1: undefined: z\u001b[0m"] }], "e"),
      code("w", null, [], "f"),
    ]);
    const html = notebookToHtml(nb);
    expect(html).to.match(/^<!DOCTYPE html>/);
    expect(html).to.contain("<title>Squares</title>");
    expect(html).to.not.contain("<script");
    expect(html).to.contain("In&nbsp;[1]:");
    expect(html).to.contain("In&nbsp;[ ]:");
    expect(html).to.match(/<span style="[^"]+">func<\/span>/);
    expect(html).to.contain('<pre class="stream stdout">49\n</pre>');
    expect(html).to.contain('<div class="html"><b>rich</b></div>');
    expect(html).to.contain('<pre class="plain">&lt;not html&gt;</pre>');
    expect(html).to.contain('<pre class="error">cell[5]:1:1: undefined: z</pre>');
    expect(html).to.match(/pre\.error\{color:#b00020/);
  });

  it("says at the top of the page when the run did not finish", () => {
    const nb = notebook([code("x", 1, [{ output_type: "error", ename: "KernelDied", evalue: "the kernel died while running cell 1", traceback: [] }])]);
    nb.metadata.goperf = { incomplete: true, failed_cell: 1 };
    expect(notebookToHtml(nb)).to.contain('<div class="banner">This run did not finish: the kernel died at cell 1. Outputs after it are missing.</div>');
    expect(notebookToHtml(nb)).to.contain('<pre class="error">KernelDied: the kernel died while running cell 1</pre>');
  });

  it("shows images as images and JSON-only bundles as text", () => {
    expect(renderBundle({ "image/png": "iVBOR\n", "text/plain": "<Figure>" })).to.equal('<img class="image" src="data:image/png;base64,iVBOR" alt="">');
    expect(renderBundle({ "image/svg+xml": "<svg><script>x</script></svg>" })).to.match(/^<img class="image" src="data:image\/svg\+xml;base64,/);
    expect(renderBundle({ [CLAIMS_MIME]: { claims: [] } })).to.contain("&quot;claims&quot;");
  });
});

// ---- check ------------------------------------------------------------------------------------

function escapeOutput(count: number, source: string, diags: [number, number, string][]): Output {
  return {
    output_type: "display_data",
    metadata: {},
    data: {
      "text/plain": ["decisions"],
      [ESCAPE_MIME]: {
        go_version: "go1.26.8",
        flags: ["-m=2"],
        cells: [{ cell: count, source }],
        diagnostics: diags.map(([line, col, message]) => ({ cell: count, line, col, kind: "heap", message, explanation: [] })),
        view: { why: false, only: "all" },
      },
    },
  };
}

function benchOutput(entries: [string, number, number, number][]): Output {
  const count = (value: number) => ({ value, exact: true, min: value, max: value });
  return {
    output_type: "display_data",
    metadata: {},
    data: {
      "text/plain": ["bench"],
      [BENCH_MIME]: {
        benchmarks: entries.map(([name, ns, bytes, allocs]) => ({
          name,
          procs: 8,
          runs: [],
          summary: { runs: 6, ns_per_op: { median: ns }, bytes_per_op: count(bytes), allocs_per_op: count(allocs), warnings: [] },
        })),
      },
    },
  };
}

function claimsOutput(claims: [string, boolean, string][], warnOnly = false): Output {
  return {
    output_type: "display_data",
    metadata: {},
    data: { "text/plain": ["claims"], [CLAIMS_MIME]: { go_version: "go1.26.8", warnOnly, claims: claims.map(([text, passed, detail]) => ({ text, line: 1, passed, detail })) } },
  };
}

const ESCAPE_SRC = "%escape\nfunc NewPointPtr(x, y int) *Point {\n\tp := Point{x, y}\n\treturn &p\n}";

/** The same notebook twice, the second as a fresh run would number it (counts shifted by 10). */
function pair(stored: Output[][], fresh: Output[][]): [Notebook, Notebook] {
  const cells = (outs: Output[][], shift: number) =>
    notebook([{ cell_type: "markdown", metadata: {}, source: "# x" }, ...outs.map((o, i) => code(i === 0 ? ESCAPE_SRC : `cell ${i}`, i + 1 + shift, o, `c${i}`))]);
  return [cells(stored, 0), cells(fresh, 10)];
}

describe("check", () => {
  const goodEscape = (count: number) => escapeOutput(count, ESCAPE_SRC, [[3, 2, "moved to heap: p"]]);

  it("holds when only execution counts and ns/op differ", () => {
    const [stored, fresh] = pair(
      [[goodEscape(1)], [benchOutput([["BenchmarkNewPointPtr", 13.9, 16, 1]])], [claimsOutput([["NewPointPtr: moved to heap: p", true, "found"]])]],
      [[goodEscape(11)], [benchOutput([["BenchmarkNewPointPtr", 55.1, 16, 1]])], [claimsOutput([["NewPointPtr: moved to heap: p", true, "found"]])]],
    );
    const result = checkNotebook(stored, fresh);
    expect(result.differences).to.deep.equal([]);
    expect(result.ok).to.equal(true);
    expect(result.checked).to.deep.equal({ cells: 3, claims: 1, diagnostics: 1, benchmarks: 1 });
    expect(formatCheck(result, "nb.ipynb")).to.match(/^check: nb\.ipynb holds: 3 code cells, 1 claim passed, 1 escape decision and 1 benchmark/);
  });

  it("reports a deliberately wrong stored escape output as removed and added decisions", () => {
    const wrong = escapeOutput(1, ESCAPE_SRC, [[3, 2, "p does not escape"]]);
    const [stored, fresh] = pair([[wrong]], [[goodEscape(11)]]);
    const result = checkNotebook(stored, fresh);
    expect(result.ok).to.equal(false);
    expect(result.differences).to.have.length(1);
    const d = result.differences[0];
    expect(d).to.deep.include({ cell: 2, count: 11, kind: "escape" });
    expect(d.message).to.equal("escape analysis differs: 1 stored decision no longer reported, 1 new");
    expect(d.lines).to.deep.equal(["- cell 2:3:2: p does not escape", "+ cell 2:3:2: moved to heap: p"]);
    const text = formatCheck(result, "nb.ipynb");
    expect(text).to.contain("cell 2 (In [11]): escape analysis differs");
    expect(text).to.contain("    - cell 2:3:2: p does not escape\n    + cell 2:3:2: moved to heap: p");
    expect(text).to.match(/check: nb\.ipynb: 1 difference in 1 cell \(ns\/op is never compared\)$/);
  });

  it("shows a decision reported at another column as moved, not as gone and new", () => {
    const [stored, fresh] = pair([[escapeOutput(1, ESCAPE_SRC, [[3, 0, "moved to heap: p"]])]], [[goodEscape(11)]]);
    const d = checkNotebook(stored, fresh).differences[0];
    expect(d.message).to.equal("escape analysis differs: 1 at another column");
    expect(d.lines).to.deep.equal(["~ cell 2:3:2: moved to heap: p (stored at column 0)"]);
  });

  it("places diagnostics by the cell's source when counts changed in an interactive session", () => {
    const moved = escapeOutput(7, ESCAPE_SRC, [[3, 2, "moved to heap: p"]]);
    const [stored, fresh] = pair([[moved]], [[goodEscape(11)]]);
    expect(checkNotebook(stored, fresh).ok).to.equal(true);
  });

  it("reports a wrong stored allocs/op and B/op, never ns/op", () => {
    const [stored, fresh] = pair(
      [[], [benchOutput([["BenchmarkSquareLogged", 15, 8, 2], ["BenchmarkSquareQuiet", 1.1, 0, 0]])]],
      [[], [benchOutput([["BenchmarkSquareLogged", 150, 16, 1], ["BenchmarkSquareQuiet", 9.9, 0, 0]])]],
    );
    const result = checkNotebook(stored, fresh);
    expect(result.differences.map((d) => d.message)).to.deep.equal(["BenchmarkSquareLogged allocs/op: stored 2, now 1", "BenchmarkSquareLogged B/op: stored 8, now 16"]);
    expect(formatCheck(result)).to.contain("cell 3 (In [12]): BenchmarkSquareLogged allocs/op: stored 2, now 1");
  });

  it("compares the kinds of a cell's displays after their updates, never their content", () => {
    const show = (data: Record<string, string>): Output => ({ output_type: "display_data", metadata: {}, data });
    const table = (rows: string) => show({ "text/html": `<table>${rows}</table>`, "text/plain": rows });
    const chart = (svg: string) => show({ "image/svg+xml": svg, "text/plain": "[SVG image]" });
    // Measured figures differ from run to run: the same kinds of outputs hold.
    const [stored, fresh] = pair([[], [table("1.5 ns"), chart("<svg>a</svg>")]], [[], [table("2.5 ns"), chart("<svg>b</svg>")]]);
    expect(checkNotebook(stored, fresh).ok).to.equal(true);
    const [storedChart, freshNone] = pair([[], [table("x"), chart("<svg/>")]], [[], [table("x")]]);
    expect(checkNotebook(storedChart, freshNone).differences.map((d) => `${d.kind}: ${d.message}`)).to.deep.equal([
      "display: the cell's displays differ: stored 2 (text/html+text/plain, image/svg+xml+text/plain), now 1 (text/html+text/plain)",
    ]);
  });

  it("reports benchmarks that appear or vanish", () => {
    const [stored, fresh] = pair([[], [benchOutput([["BenchmarkA", 1, 0, 0]])]], [[], [benchOutput([["BenchmarkB", 1, 0, 0]])]]);
    expect(checkNotebook(stored, fresh).differences.map((d) => d.message)).to.deep.equal([
      "BenchmarkA: stored result, but the new run has none",
      "BenchmarkB: new result, not in the stored notebook",
    ]);
  });

  it("reports a failing claim (and not its ClaimFailed error again)", () => {
    const claimFailed: Output = { output_type: "error", ename: "ClaimFailed", evalue: "1 of 1 claim failed", traceback: [] };
    const [stored, fresh] = pair(
      [[], [], [claimsOutput([["SquareLogged allocs/op == 1", true, "allocs/op is 1"]])]],
      [[], [], [claimsOutput([["SquareLogged allocs/op == 1", false, "allocs/op is 0"]]), claimFailed]],
    );
    const result = checkNotebook(stored, fresh);
    expect(result.differences).to.have.length(1);
    expect(result.differences[0]).to.deep.include({ kind: "claim", message: "claim failed: SquareLogged allocs/op == 1" });
    expect(result.differences[0].lines).to.deep.equal(["allocs/op is 0", "(it passed in the stored notebook)"]);
  });

  it("does not fail a --warn claim that already failed in the stored notebook", () => {
    const warn = claimsOutput([["X ns/op < Y", false, "not significant"]], true);
    const [stored, fresh] = pair([[], [], [warn]], [[], [], [warn]]);
    expect(checkNotebook(stored, fresh).ok).to.equal(true);
  });

  it("compares errors by cell position, not by execution count", () => {
    const err = (n: number, what: string): Output => ({ output_type: "error", ename: "CompileError", evalue: `cell[${n}]:2:13: undefined: ${what}`, traceback: [] });
    const [same1, same2] = pair([[], [err(2, "m")]], [[], [err(12, "m")]]);
    expect(checkNotebook(same1, same2).ok).to.equal(true);
    const [a, b] = pair([[], [err(2, "m")]], [[], [err(12, "q")]]);
    expect(checkNotebook(a, b).differences[0]).to.deep.include({ kind: "error", message: "the error differs", lines: ["- CompileError: cell 3:2:13: undefined: m", "+ CompileError: cell 3:2:13: undefined: q"] });
    const [c, d] = pair([[], []], [[], [err(12, "m")]]);
    expect(checkNotebook(c, d).differences[0].message).to.equal("new error: CompileError: cell 3:2:13: undefined: m");
    const [e, f] = pair([[], [err(2, "m")]], [[], []]);
    expect(checkNotebook(e, f).differences[0].message).to.equal("the stored error no longer occurs: CompileError: cell 3:2:13: undefined: m");
  });

  it("skips cells the stored run never reached", () => {
    const [stored, fresh] = pair([[], []], [[], [goodEscape(12)]]);
    (stored.cells[2] as CodeCell).execution_count = null;
    expect(checkNotebook(stored, fresh).ok).to.equal(true);
  });

  it("does not pass a notebook that was never run", () => {
    const never = notebook([code("fmt.Println(1)", null)]);
    const result = checkNotebook(never, notebook([code("fmt.Println(1)", 1, [{ output_type: "stream", name: "stdout", text: ["1\n"] }])]));
    expect(result.ok).to.equal(false);
    expect(formatCheck(result, "nb.ipynb")).to.equal("check: nb.ipynb stores no executed cells to compare with; run it first (goperf run nb.ipynb)");
    expect(checkNotebook(notebook([]), notebook([])).ok).to.equal(true);
  });

  it("summarizes the claims of a notebook", () => {
    const [nb] = pair([[claimsOutput([["A: moved to heap: p", true, "ok"], ["B allocs/op == 0", false, "allocs/op is 1"]])], [claimsOutput([["C ns/op < D", false, "no"]], true)]], []);
    const summary = summarizeClaims(nb);
    expect(summary).to.deep.include({ passed: 1, failed: 1, warned: 1 });
    expect(formatClaimsSummary(summary)).to.equal(
      "claims: 1 of 3 passed, 1 failed, 1 prediction differed (drills: expected)\n  FAIL cell 2: B allocs/op == 0 — allocs/op is 1\n  drill cell 3: C ns/op < D — no",
    );
    expect(formatClaimsSummary(summarizeClaims(notebook([])))).to.equal("claims: none in this notebook");
  });
});

// ---- export -----------------------------------------------------------------------------------

/** A scripted parser: each source maps to its units; `uses` finds `pkg.` selectors. */
function fakeParser(units: Record<string, SplitUnit[]>): CellSplitter {
  return {
    async split(source) {
      const key = source.trim();
      if (key === "func (") return { ok: false, error: { line: 1, col: 7, msg: "expected ')'" } };
      const found = units[key];
      if (!found) throw new Error(`no script for ${JSON.stringify(key)}`);
      return { ok: true, units: found };
    },
    async uses(source) {
      return [...new Set([...source.matchAll(/\b(fmt|io|testing|strings)\./g)].map((m) => m[1]))].sort();
    },
  };
}

const unit = (kind: SplitUnit["kind"], names: string[], text: string, extra: Partial<SplitUnit> = {}): SplitUnit => ({ kind, names, line: 1, col: 1, text, ...extra });

describe("export", () => {
  it("finds the calls of a %bench line, skipping its options", () => {
    expect(benchCalls(" --count 10 SquareLogged(1<<20) Sum(xs, 3) --benchtime=1s")).to.deep.equal(["SquareLogged(1<<20)", "Sum(xs, 3)"]);
    expect(benchCalls(" Benchmark.*")).to.deep.equal([]);
    expect(splitMagicLines("%escape\nfunc F() {}\n%bench F()").code).to.equal("\nfunc F() {}\n");
  });

  it("skips the values of exactly the %bench options that take one, as the magic declares them", () => {
    const declared = bench.options.filter((o) => o.type !== "flag").map((o) => o.name);
    expect([...BENCH_VALUE_OPTIONS].sort()).to.deep.equal(declared.sort());
    expect(benchCalls(" --go 1.22.12,local F(x) --save Base(1)")).to.deep.equal(["F(x)"]);
  });

  it("writes imports as gofmt would, adding standard packages a cell relied on", () => {
    const std = { fmt: "fmt", io: "io", testing: "testing" };
    expect(importBlock([{ name: "", path: "fmt" }, { name: "", path: "strings" }], ["fmt"], std)).to.equal('import "fmt"\n\n');
    expect(importBlock([{ name: "", path: "io" }], ["io", "fmt"], std)).to.equal('import (\n\t"fmt"\n\t"io"\n)\n\n');
    expect(importBlock([{ name: "_", path: "embed" }], [], std)).to.equal('import _ "embed"\n\n');
    expect(importBlock([], [], std)).to.equal("");
  });

  it("requires goperf/display from goperf's own directory only when the lab imports it", async () => {
    const cellCode = 'import "goperf/display"\n\ndisplay.Text("x")';
    const parser = fakeParser({
      [cellCode]: [unit("import", [], 'import "goperf/display"', { imports: [{ name: "", path: "goperf/display" }] }), unit("stmt", [], 'display.Text("x")')],
      'fmt.Println("y")': [unit("stmt", [], 'fmt.Println("y")')],
    });
    const parserWithDisplay: CellSplitter = { ...parser, uses: async (src) => [...(await parser.uses(src)), ...(/\bdisplay\./.test(src) ? ["display"] : [])] };
    const options = { name: "d.ipynb", goLine: "1.26", stdlib: { fmt: "fmt" }, displayDir: "/opt/goperf/kernel/go/display" };
    const shows = await composeLab(notebook([code(cellCode, 1)]), parserWithDisplay, options);
    expect(shows.files["go.mod"]).to.equal('module lab\n\ngo 1.26\n\nrequire goperf/display v0.0.0\n\nreplace goperf/display => "/opt/goperf/kernel/go/display"\n');
    const prints = await composeLab(notebook([code('fmt.Println("y")', 1)]), parserWithDisplay, options);
    expect(prints.files["go.mod"]).to.equal("module lab\n\ngo 1.26\n");
  });

  it("keeps a function measured before a redefinition, renamed, with the benchmarks that measured it (Chapter 1's Sum)", async () => {
    const v1 = "// Sum adds.\nfunc Sum(nums []int) int {\n\ttotal := 0\n\tfor _, v := range nums {\n\t\ttotal += v\n\t}\n\treturn total // \"Sum\"\n}";
    const v2 = "func Sum(nums []int) int {\n\ttotal := 0\n\tfor _, v := range nums {\n\t\ttotal += v\n\t}\n\tfmt.Fprint(io.Discard, total)\n\treturn total\n}";
    const nums = "var Nums = []int{100, 200, 300}";
    const parser = fakeParser({ [v1]: [unit("func", ["Sum"], v1)], [nums]: [unit("var", ["Nums"], nums)], [v2]: [unit("func", ["Sum"], v2)] });
    const nb = notebook([
      code(`%escape\n${v1}`, 1),
      code(`%bench Sum(Nums) -benchtime 100ms --save before\n%expect Sum allocs/op == 0\n${nums}`, 2),
      code(v2, 3),
      code("%bench Sum(Nums) --compare before", 4),
    ]);
    const lab = await composeLab(nb, parser, { name: "ch.ipynb", goLine: "1.26", stdlib: { fmt: "fmt", io: "io", testing: "testing" } });
    const main = lab.files["lab.go"];
    expect(main).to.contain("// Sum as cell 1 defined it, measured before cell 3 redefined it (renamed Sum_cell1 by goperf export).\n// Sum adds.\nfunc Sum_cell1(nums []int) int {");
    expect(main).to.contain('return total // "Sum"'); // comments stay as written
    expect(main).to.contain(v2);
    const test = lab.files["lab_test.go"];
    expect(test).to.contain("func BenchmarkSum_cell1(b *testing.B) {\n\tfor b.Loop() {\n\t\tSum_cell1(Nums)\n\t}\n}");
    expect(test).to.contain("func BenchmarkSum(b *testing.B) {\n\tfor b.Loop() {\n\t\tSum(Nums)\n\t}\n}");
    expect(lab.benchmarks).to.deep.equal(["BenchmarkSum_cell1", "BenchmarkSum"]);
  });

  it("exports a swept %bench shorthand as the kernel ran it: one b.Run per size", async () => {
    const window = "func Window(n int) int { return len(make([]int, n)) }";
    const parser = fakeParser({ [window]: [unit("func", ["Window"], window)] });
    const nb = notebook([code(window, 1), code("%bench Window(n) --sweep n=1,8 -benchtime 20000x", 2)]);
    const lab = await composeLab(nb, parser, { name: "s.ipynb", goLine: "1.26", stdlib: { testing: "testing" } });
    expect(lab.files["lab_test.go"]).to.contain(
      'func BenchmarkWindow(b *testing.B) {\n\tfor i0, n := range []int{1, 8} {\n\t\tb.Run([]string{"n=1", "n=8"}[i0], func(b *testing.B) {\n\t\t\t_ = n\n\t\t\tfor b.Loop() {\n\t\t\t\tWindow(n)\n\t\t\t}\n\t\t})\n\t}\n}',
    );
    expect(lab.benchmarks).to.deep.equal(["BenchmarkWindow"]);
  });

  it("refuses, naming the redefinition, where renaming cannot keep both versions apart", async () => {
    const m1 = "func (c *C) Inc() { c.n++ }";
    const m2 = "func (c *C) Inc() { c.n += 2 }";
    const parser = fakeParser({ [m1]: [unit("method", ["C.Inc"], m1)], [m2]: [unit("method", ["C.Inc"], m2)] });
    const nb = notebook([code(m1, 1), code("%escape", 2), code(m2, 3)]);
    let message = "";
    await composeLab(nb, parser, { name: "m.ipynb", goLine: "1.26", stdlib: {} }).catch((err: Error) => (message = err.message));
    expect(message).to.equal("cannot export: method C.Inc of cell 1 is redefined by cell 3 after the notebook measured it; export would merge the two versions (rename one of them in the notebook)");
  });

  it("splits declarations, statements, benchmarks and %bench shorthands into a lab", async () => {
    const quiet = "//go:noinline\nfunc SquareQuiet(n int) int {\n\treturn n * n\n}";
    const logged = "//go:noinline\nfunc SquareLogged(n int) int {\n\tx := n * n\n\tfmt.Fprint(io.Discard, x)\n\treturn x\n}";
    const parser = fakeParser({
      [`import (\n\t"fmt"\n\t"io"\n)\n\n${quiet}\n\n${logged}`]: [
        unit("import", [], 'import (\n\t"fmt"\n\t"io"\n)', { imports: [{ name: "", path: "fmt" }, { name: "", path: "io" }] }),
        unit("func", ["SquareQuiet"], quiet),
        unit("func", ["SquareLogged"], logged),
      ],
      "fmt.Println(SquareQuiet(7))": [unit("stmt", [], "fmt.Println(SquareQuiet(7))")],
      "func Old() int { return 1 }": [unit("func", ["Old"], "func Old() int { return 1 }")],
      "func Old() int { return 2 }\nx := Old()\nfmt.Println(x)": [unit("func", ["Old"], "func Old() int { return 2 }"), unit("stmt", [], "x := Old()"), unit("stmt", [], "fmt.Println(x)")],
      "func BenchmarkQuiet(b *testing.B) {\n\tfor b.Loop() {\n\t\tSquareQuiet(1 << 20)\n\t}\n}": [
        unit("func", ["BenchmarkQuiet"], "func BenchmarkQuiet(b *testing.B) {\n\tfor b.Loop() {\n\t\tSquareQuiet(1 << 20)\n\t}\n}"),
      ],
    });
    const nb = notebook([
      { cell_type: "markdown", metadata: {}, source: "# Lab" },
      code(`import (\n\t"fmt"\n\t"io"\n)\n\n${quiet}\n\n${logged}`, 1),
      code("fmt.Println(SquareQuiet(7))", 2),
      code("func Old() int { return 1 }", 3),
      code("func Old() int { return 2 }\nx := Old()\nfmt.Println(x)", 4),
      code("%bench SquareLogged(1<<20) SquareQuiet(1<<20)\n%expect SquareLogged allocs/op == 1", 5),
      code("func BenchmarkQuiet(b *testing.B) {\n\tfor b.Loop() {\n\t\tSquareQuiet(1 << 20)\n\t}\n}", 6),
      code("func Broken() int { return m }", 7, [{ output_type: "error", ename: "CompileError", evalue: "cell[7]:1:28: undefined: m", traceback: [] }]),
      code("func (", 8),
      code("%escape", 9),
    ]);
    const lab = await composeLab(nb, parser, { name: "lab.ipynb", goLine: "1.26", stdlib: { fmt: "fmt", io: "io", testing: "testing" } });
    expect(lab.files["go.mod"]).to.equal("module lab\n\ngo 1.26\n");
    const main = lab.files["lab.go"];
    expect(main).to.contain('package main\n\nimport (\n\t"fmt"\n\t"io"\n)\n\n');
    expect(main).to.contain(quiet + "\n\n" + logged);
    expect(main).to.contain("func Old() int { return 2 }");
    expect(main).to.not.contain("return 1");
    expect(main).to.not.contain("Broken");
    expect(main).to.contain("func main() {\n\t// cell 3\n\t{\nfmt.Println(SquareQuiet(7))\n\t}\n\t// cell 5\n\t{\nx := Old()\nfmt.Println(x)\n\t}\n}\n");
    const test = lab.files["lab_test.go"];
    expect(test).to.contain('package main\n\nimport "testing"\n\n');
    expect(test).to.contain("func BenchmarkQuiet(b *testing.B) {");
    expect(test).to.contain("func BenchmarkSquareLogged(b *testing.B) {\n\tfor b.Loop() {\n\t\tSquareLogged(1<<20)\n\t}\n}");
    expect(test).to.contain("func BenchmarkSquareQuiet(b *testing.B) {\n\tfor b.Loop() {\n\t\tSquareQuiet(1<<20)\n\t}\n}");
    expect(lab.benchmarks).to.deep.equal(["BenchmarkQuiet", "BenchmarkSquareLogged", "BenchmarkSquareQuiet"]);
    expect(lab.skipped.map((s) => s.cell)).to.deep.equal([8, 9]);
    expect(lab.skipped[0].reason).to.match(/^the kernel rejected its code \(CompileError: cell\[7\]:1:28: undefined: m\)$/);
    expect(lab.skipped[1].reason).to.equal("it does not parse (1:7: expected ')')");
    const make = lab.files.Makefile;
    expect(make).to.contain("escape:\n\tgo build -gcflags='-m=2' ./...\n");
    expect(make).to.contain("bench:\n\tgo test -bench=. -benchmem -count=6 .\n");
    expect(make).to.match(/\ngolden:\n\t/);
  });
});
