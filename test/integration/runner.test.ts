// goperf run / check / export with the real kernel and the real Go toolchain, on the notebooks in
// test/fixtures/notebooks, through the API and through the command line.
import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ESCAPE_MIME } from "../../kernel/reports/index.js";
import { InputError } from "../../kernel/notebook/files.js";
import { NotebookError, parseNotebook, serializeNotebook, type CodeCell, type Notebook } from "../../kernel/notebook/nbformat.js";
import { checkNotebookFile, exportNotebookFile, runNotebook } from "../../kernel/notebook/runner.js";
import { ROOT, fixture } from "../helpers/paths.js";

const CLI = join(ROOT, "dist", "bin", "goperf.js");
const nbFixture = (name: string) => fixture(join("notebooks", name));

function read(path: string): Notebook {
  return parseNotebook(readFileSync(path, "utf8"), path);
}

function codeCell(nb: Notebook, id: string): CodeCell {
  const cell = nb.cells.find((c) => c.id === id);
  if (!cell || cell.cell_type !== "code") throw new Error(`no code cell ${id}`);
  return cell;
}

function cli(args: string[], cwd = ROOT): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => done({ code, stdout, stderr }));
  });
}

describe("goperf run / check / export (real kernel, real go)", function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "goperf-runner-test-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs a 3-cell notebook: outputs, execution counts, kernelspec, language_info, progress, HTML", async () => {
    const out = join(dir, "square.out.ipynb");
    const html = join(dir, "square.html");
    const lines: string[] = [];
    const outcome = await runNotebook(nbFixture("square.ipynb"), { out, html, onProgress: (l) => lines.push(l) });
    expect(outcome.status, outcome.message).to.equal("ok");
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/^\[1\/2\] cell 2 ok \d+\.\ds$/);
    expect(lines[1]).to.match(/^\[2\/2\] cell 3 ok \d+\.\ds$/);

    const nb = read(out);
    expect(nb.nbformat_minor).to.equal(5);
    expect(nb.metadata.kernelspec).to.deep.equal({ name: "goperf", display_name: "Go (perf)", language: "go" });
    expect(nb.metadata.language_info?.name).to.equal("go");
    expect(nb.metadata.goperf).to.equal(undefined);
    expect(codeCell(nb, "declare")).to.deep.include({ execution_count: 1, outputs: [] });
    expect(codeCell(nb, "use")).to.deep.include({ execution_count: 2, outputs: [{ output_type: "stream", name: "stdout", text: ["49\n"] }] });
    // What Jupyter writes: reading and writing again changes nothing.
    expect(serializeNotebook(nb)).to.equal(readFileSync(out, "utf8"));

    const page = readFileSync(html, "utf8");
    expect(page).to.contain("<title>Square</title>");
    expect(page).to.contain("In&nbsp;[2]:");
    expect(page).to.contain('<pre class="stream stdout">49\n</pre>');
  });

  it("stops at a compile error, storing it as Jupyter does; --allow-errors runs on", async () => {
    const out = join(dir, "compile-error.out.ipynb");
    const stopped = await runNotebook(nbFixture("compile-error.ipynb"), { out });
    expect(stopped.status).to.equal("error");
    // The column is optional: it depends on the //line directives the kernel writes.
    expect(stopped.message).to.match(/^cell 2 failed: CompileError: cell\[2\]:1(:20)?: undefined: m$/);
    let nb = read(out);
    const broken = codeCell(nb, "broken");
    expect(broken.execution_count).to.equal(2);
    expect(broken.outputs).to.have.length(1);
    expect(broken.outputs[0]).to.deep.include({ output_type: "error", ename: "CompileError" });
    expect((broken.outputs[0] as { evalue: string }).evalue).to.match(/^cell\[2\]:1(:20)?: undefined: m$/);
    expect(codeCell(nb, "after")).to.deep.include({ execution_count: null, outputs: [] });

    const allowed = await runNotebook(nbFixture("compile-error.ipynb"), { out, allowErrors: true });
    expect(allowed.status).to.equal("error");
    expect(allowed.errors.map((e) => e.cell)).to.deep.equal([2]);
    nb = read(out);
    expect(codeCell(nb, "after")).to.deep.include({ execution_count: 3, outputs: [{ output_type: "stream", name: "stdout", text: ["9\n"] }] });
  });

  it("refuses bad input before starting a kernel, writing nothing", async () => {
    const out = join(dir, "never.ipynb");
    const refused = async (input: string, options: { out?: string; html?: string }, type: typeof NotebookError | typeof InputError, message: RegExp) => {
      try {
        await runNotebook(input, options);
        expect.fail(`${input} ran`);
      } catch (err) {
        expect(err).to.be.instanceOf(type);
        expect((err as Error).message).to.match(message);
      }
    };
    await refused(nbFixture("not-json.ipynb"), { out }, NotebookError, /not-json\.ipynb is not valid JSON/);
    await refused(nbFixture("not-a-notebook.ipynb"), { out }, NotebookError, /is not a Jupyter notebook/);
    await refused(nbFixture("nbformat3.ipynb"), { out }, NotebookError, /nbformat 3 is not supported; open and save it in Jupyter to convert to v4/);
    await refused(nbFixture("square.ipynb"), { out: join(dir, "no", "such", "dir", "x.ipynb") }, InputError, /the directory .* does not exist/);
    await refused(nbFixture("square.ipynb"), { out, html: dir }, InputError, /cannot write the HTML page .*: it is a directory/);
    await refused(join(dir, "missing.ipynb"), { out }, InputError, /no such file/);
    expect(existsSync(out)).to.equal(false);
  });

  describe("with the escape notebook run once", () => {
    let executed: string;

    before(async function () {
      this.timeout(180_000);
      executed = join(dir, "escape.ipynb");
      copyFileSync(nbFixture("escape.ipynb"), executed);
      const outcome = await runNotebook(executed, { out: executed });
      expect(outcome.status, outcome.message).to.equal("ok");
    });

    it("stores the escape report, the bench results and the claims", () => {
      const nb = read(executed);
      const points = codeCell(nb, "points");
      const report = points.outputs.flatMap((o) => (o.output_type === "display_data" && o.data[ESCAPE_MIME] ? [o.data[ESCAPE_MIME]] : []))[0] as { diagnostics: { line: number; col: number; message: string }[] };
      expect(report.diagnostics.map((d) => `${d.line}: ${d.message}`)).to.include("6: moved to heap: p");
      const bench = codeCell(nb, "bench");
      // The progress display was updated in place, and the update messages themselves are not stored.
      expect(bench.outputs.every((o) => o.output_type === "display_data")).to.equal(true);
      expect(JSON.stringify(bench.outputs)).to.contain("application/vnd.goperf.bench.v1+json");
      expect(JSON.stringify(bench.outputs)).to.not.contain("update_display_data");
    });

    it("check holds on a fresh run (exit 0)", async () => {
      const { code, stdout } = await cli(["check", executed]);
      expect(stdout).to.match(/check: .*escape\.ipynb holds: 4 code cells, 4 claims passed/);
      expect(code).to.equal(0);
    });

    it("check reports a mutated stored escape output (exit 1)", async () => {
      const nb = read(executed);
      let col = -1;
      for (const o of codeCell(nb, "points").outputs) {
        if (o.output_type !== "display_data" || !o.data[ESCAPE_MIME]) continue;
        const report = o.data[ESCAPE_MIME] as { diagnostics: { message: string; col: number }[] };
        for (const d of report.diagnostics) {
          if (d.message !== "moved to heap: p") continue;
          d.message = "p does not escape";
          col = d.col;
        }
      }
      expect(col, "the stored report has moved to heap: p").to.be.at.least(0);
      const mutated = join(dir, "escape-mutated.ipynb");
      writeFileSync(mutated, serializeNotebook(nb));
      const { result } = await checkNotebookFile(mutated);
      expect(result.ok).to.equal(false);
      expect(result.differences).to.have.length(1);
      expect(result.differences[0]).to.deep.include({ cell: 2, kind: "escape", message: "escape analysis differs: 1 stored decision no longer reported, 1 new" });
      expect(result.differences[0].lines).to.deep.equal([`- cell 2:6:${col}: p does not escape`, `+ cell 2:6:${col}: moved to heap: p`]);

      const { code, stdout } = await cli(["check", mutated]);
      expect(stdout).to.contain("cell 2 (In [1]): escape analysis differs");
      expect(stdout).to.contain(`- cell 2:6:${col}: p does not escape`);
      expect(code).to.equal(1);
    });

    it("exports a lab that go vet and go build accept, with the %bench shorthands as benchmarks", async () => {
      const lab = join(dir, "lab");
      const done = await exportNotebookFile(executed, lab);
      expect(done.lab.benchmarks).to.deep.equal(["BenchmarkNewPointPtr", "BenchmarkNewPointVal"]);
      const source = readFileSync(join(lab, "lab.go"), "utf8");
      expect(source).to.contain("//go:noinline\nfunc NewPointPtr(x, y int) *Point {");
      expect(source).to.contain("fmt.Println(*NewPointPtr(1, 2), NewPointVal(3, 4))");
      expect(readFileSync(join(lab, "lab_test.go"), "utf8")).to.contain("func BenchmarkNewPointVal(b *testing.B) {\n\tfor b.Loop() {\n\t\tNewPointVal(1, 2)\n\t}\n}");
      const env = { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-buildvcs=false" };
      for (const args of [["vet", "./..."], ["build", "./..."]]) {
        const r = spawnSync("go", args, { cwd: lab, env, encoding: "utf8" });
        expect(r.status, `go ${args.join(" ")}: ${r.stderr}`).to.equal(0);
      }
      const escape = spawnSync("make", ["escape"], { cwd: lab, env, encoding: "utf8" });
      expect(escape.status, escape.stderr).to.equal(0);
      expect(escape.stderr).to.match(/lab\.go:\d+:\d+: moved to heap: p/);
      const run = spawnSync("go", ["run", "."], { cwd: lab, env, encoding: "utf8" });
      expect(run.stdout).to.equal("{1 2} {3 4}\n");
      const refused = await cli(["export", executed, lab]);
      expect(refused.code).to.equal(2);
      expect(refused.stderr).to.match(/already holds go\.mod, lab\.go, lab_test\.go, Makefile; give --force/);
    });
  });

  describe("export of Chapter 1 (it redefines Sum between two measurements)", () => {
    it("keeps both versions of Sum with their benchmarks, and the lab measures what the notebook did", async () => {
      const lab = join(dir, "ch01-lab");
      const done = await exportNotebookFile(join(ROOT, "notebooks", "ch01-escape-analysis.ipynb"), lab);
      const source = readFileSync(join(lab, "lab.go"), "utf8");
      const old = /func (Sum_cell\d+)\(nums \[\]int\) int \{/.exec(source);
      expect(old, "the first Sum, renamed").to.not.equal(null);
      expect(source).to.contain("func Sum(nums []int) int {");
      expect(done.lab.benchmarks).to.include.members([`Benchmark${old![1]}`, "BenchmarkSum"]);
      const env = { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-buildvcs=false" };
      const r = spawnSync("go", ["test", "-run", "^$", "-bench", "^BenchmarkSum(_cell\\d+)?$", "-benchtime", "1000x", "-benchmem", "."], { cwd: lab, env, encoding: "utf8" });
      expect(r.status, r.stderr + r.stdout).to.equal(0);
      const allocs = (name: string) => Number(new RegExp(`^${name}-\\d+\\s.* (\\d+) allocs/op`, "m").exec(r.stdout)?.[1]);
      expect(allocs(`Benchmark${old![1]}`)).to.equal(0); // the version measured before the edit
      expect(allocs("BenchmarkSum")).to.equal(1); // the edited one
    });
  });

  describe("the command line", () => {
    it("runs in place and writes the HTML page next to the notebook, printing the claims summary", async () => {
      const nb = join(dir, "cli-square.ipynb");
      copyFileSync(nbFixture("square.ipynb"), nb);
      const { code, stdout, stderr } = await cli(["run", nb]);
      expect(code, stderr).to.equal(0);
      expect(stderr).to.match(/\[2\/2\] cell 3 ok/);
      expect(stdout).to.contain("claims: none in this notebook");
      expect(stdout).to.contain(`html: ${join(dir, "cli-square.html")}`);
      expect(codeCell(read(nb), "use").outputs).to.deep.equal([{ output_type: "stream", name: "stdout", text: ["49\n"] }]);
      expect(existsSync(join(dir, "cli-square.html"))).to.equal(true);
    });

    it("exits 1 when a cell fails, 2 on bad input with nothing written", async () => {
      const out = join(dir, "cli-error.ipynb");
      const failed = await cli(["run", nbFixture("compile-error.ipynb"), "-o", out, "--no-html"]);
      expect(failed.code).to.equal(1);
      expect(failed.stdout).to.match(/stopped: cell 2 failed: CompileError/);
      expect(existsSync(join(dir, "cli-error.html"))).to.equal(false);

      for (const [name, message] of [
        ["not-json.ipynb", /is not valid JSON/],
        ["not-a-notebook.ipynb", /is not a Jupyter notebook/],
        ["nbformat3.ipynb", /nbformat 3 is not supported; open and save it in Jupyter to convert to v4/],
      ] as const) {
        const target = join(dir, `bad-${name}`);
        const r = await cli(["run", nbFixture(name), "-o", target]);
        expect(r.code, name).to.equal(2);
        expect(r.stderr).to.match(message);
        expect(existsSync(target)).to.equal(false);
      }
      const unwritable = await cli(["run", nbFixture("square.ipynb"), "-o", join(dir, "nope", "x.ipynb")]);
      expect(unwritable.code).to.equal(2);
      expect(unwritable.stderr).to.match(/cannot write the notebook .*does not exist/);
      const usage = await cli(["run"]);
      expect(usage.code).to.equal(2);
      expect(usage.stderr).to.match(/missing NB\.ipynb/);
    });

    it("names the cell when the kernel dies, and writes the partial notebook marked incomplete", async () => {
      const KILL_KERNEL = [
        "stat, _ := os.ReadFile(fmt.Sprintf(\"/proc/%d/stat\", os.Getppid()))",
        "launcher := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))",
        "kernel, _ := strconv.Atoi(launcher[1])",
        "syscall.Kill(kernel, syscall.SIGKILL)",
        "time.Sleep(5 * time.Second)",
      ].join("\n");
      const nb = join(dir, "dies.ipynb");
      const cells = [
        { cell_type: "code", id: "first", metadata: {}, source: 'fmt.Println("before")', execution_count: null, outputs: [] },
        // The kernel is the parent of the program's launcher (kernel/go/launcher).
        { cell_type: "code", id: "kill", metadata: {}, source: KILL_KERNEL, execution_count: null, outputs: [] },
        { cell_type: "code", id: "never", metadata: {}, source: 'fmt.Println("after")', execution_count: null, outputs: [] },
      ];
      writeFileSync(nb, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
      const { code, stdout, stderr } = await cli(["run", nb, "--no-html"]);
      expect(code).to.equal(1);
      expect(stderr).to.match(/\[2\/3\] cell 2 kernel died/);
      expect(stdout).to.match(/the kernel died while running cell 2/);
      const partial = read(nb);
      expect(partial.metadata.goperf).to.deep.include({ incomplete: true, failed_cell: 2, failed_cell_id: "kill" });
      expect(codeCell(partial, "first").outputs).to.deep.equal([{ output_type: "stream", name: "stdout", text: ["before\n"] }]);
      expect(codeCell(partial, "kill").outputs[0]).to.deep.include({ output_type: "error", ename: "KernelDied" });
      expect(codeCell(partial, "never")).to.deep.include({ execution_count: null, outputs: [] });
    });

    it("prints help and delegates install to install.js", async () => {
      const help = await cli(["--help"]);
      expect(help.code).to.equal(0);
      expect(help.stdout).to.match(/goperf run NB\.ipynb \[-o OUT\.ipynb\]/);
      const install = await cli(["install", "--help"]);
      expect(install.code).to.equal(0);
      expect(install.stdout).to.match(/Usage: node install\.js/);
    });
  });
});
