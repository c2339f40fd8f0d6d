// nbclient (`jupyter execute`) and nbconvert (`jupyter nbconvert --execute`) running notebooks
// with the goperf kernel, as CI jobs and documentation builds do.

import { expect } from "chai";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseNotebook, joinText, type CodeCell, type Output } from "../../kernel/notebook/nbformat.js";
import { CELL_MS, freshDir, goperfKernels, ROOT, runCommand, venvBin, writeNotebook } from "./helpers.js";

const CH01 = join(ROOT, "notebooks", "ch01-escape-analysis.ipynb");

function outputsOf(path: string): Output[][] {
  const nb = parseNotebook(readFileSync(path, "utf8"), path);
  return nb.cells.filter((c): c is CodeCell => c.cell_type === "code").map((c) => c.outputs);
}

function streamText(outputs: readonly Output[]): string {
  return outputs.map((o) => (o.output_type === "stream" && o.name === "stdout" ? joinText(o.text) : "")).join("");
}

describe("nbclient and nbconvert", function () {
  this.timeout(10 * 60_000);

  afterEach(async () => {
    // Each command ends its kernel before it exits.
    const left = goperfKernels();
    expect(left, `kernel processes left: ${JSON.stringify(left)}`).to.deep.equal([]);
  });

  it("jupyter execute --kernel_name=goperf stores 49 from a 2-cell notebook", async () => {
    const dir = freshDir("nbclient");
    writeNotebook(join(dir, "square.ipynb"), ["func Square(x int) int {\n\treturn x * x\n}", "fmt.Println(Square(7))"]);
    const r = await runCommand(
      venvBin("jupyter"),
      ["execute", "--kernel_name=goperf", `--timeout=${CELL_MS / 1000}`, "--output=square.out.ipynb", "square.ipynb"],
      { cwd: dir, ms: 5 * 60_000 },
    );
    expect(r.code, r.stderr).to.equal(0);
    const outputs = outputsOf(join(dir, "square.out.ipynb"));
    expect(outputs[0]).to.deep.equal([]);
    expect(outputs[1].map((o) => o.output_type)).to.deep.equal(["stream"]);
    expect(streamText(outputs[1])).to.equal("49\n");
  });

  it("jupyter nbconvert --to html --execute --ExecutePreprocessor.kernel_name=goperf", async () => {
    const dir = freshDir("nbconvert");
    writeNotebook(join(dir, "demo.ipynb"), [
      "func Square(x int) int {\n\treturn x * x\n}",
      "fmt.Println(Square(7))",
      "%escape\n//go:noinline\nfunc NewP(x int) *int {\n\tp := x\n\treturn &p\n}",
    ]);
    const r = await runCommand(
      venvBin("jupyter"),
      ["nbconvert", "--to", "html", "--execute", "--ExecutePreprocessor.kernel_name=goperf", `--ExecutePreprocessor.timeout=${CELL_MS / 1000}`, "demo.ipynb"],
      { cwd: dir, ms: 5 * 60_000 },
    );
    expect(r.code, r.stderr).to.equal(0);
    const html = readFileSync(join(dir, "demo.html"), "utf8");
    expect(html).to.match(/49\s*\n?/);
    // nbconvert ignores the vendor type and embeds the kernel's static HTML.
    expect(html).to.contain("moved to heap: p");
    expect(html).to.contain("cannot inline NewP: marked go:noinline");
  });

  it("jupyter execute runs notebooks/ch01-escape-analysis.ipynb with no error", async () => {
    if (!existsSync(CH01)) {
      throw new Error(`${CH01} does not exist: the Chapter 1 notebook must be in the repository for this test (it is not skipped)`);
    }
    const dir = freshDir("ch01");
    const copy = join(dir, "ch01-escape-analysis.ipynb");
    copyFileSync(CH01, copy);
    const r = await runCommand(
      venvBin("jupyter"),
      ["execute", "--kernel_name=goperf", `--timeout=${CELL_MS / 1000}`, "--output=ch01.out.ipynb", "ch01-escape-analysis.ipynb"],
      { cwd: dir, ms: 9 * 60_000 },
    );
    expect(r.code, `${r.stdout}\n${r.stderr}`).to.equal(0);
    const outputs = outputsOf(join(dir, "ch01.out.ipynb"));
    const errors = outputs.flat().filter((o) => o.output_type === "error");
    expect(errors, JSON.stringify(errors)).to.deep.equal([]);
    expect(outputs.flat().length).to.be.above(0);
  });
});
