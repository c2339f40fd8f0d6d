// `goperf run|check --jobs N` on several real notebooks through the command line: each in its own
// kernel, a progress line per notebook, one table at the end, a bad notebook its own row.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, fixture } from "../helpers/paths.js";

const CLI = join(ROOT, "dist", "bin", "goperf.js");

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => done({ code, stdout, stderr }));
  });
}

describe("goperf run|check --jobs (a book, real kernels)", function () {
  this.timeout(180_000);
  let dir: string;
  let square: string;
  let escape: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "goperf-book-test-"));
    square = join(dir, "square.ipynb");
    escape = join(dir, "escape.ipynb");
    copyFileSync(fixture("notebooks/square.ipynb"), square);
    copyFileSync(fixture("notebooks/escape.ipynb"), escape);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("runs two notebooks at once, each in place with its page, and ends with a table", async () => {
    const { code, stdout, stderr } = await cli(["run", "--jobs", "2", square, escape]);
    expect(code, stdout + stderr).to.equal(0);
    expect(stderr).to.match(/^square\.ipynb \[\d+\/\d+\] cell \d+ ok/m);
    expect(stderr).to.match(/^escape\.ipynb \[\d+\/\d+\] cell \d+ ok/m);
    expect(stdout).to.match(new RegExp(`^${square.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\s+ok\\s+2/2\\s`, "m"));
    expect(stdout).to.contain("2 of 2 notebooks ok");
    expect(existsSync(join(dir, "square.html")) && existsSync(join(dir, "escape.html"))).to.equal(true);
  });

  it("checks them with a notebook that is not JSON among them: that row fails, the others hold, exit 1", async () => {
    const { code, stdout } = await cli(["check", "--jobs", "2", square, fixture("notebooks/not-json.ipynb"), escape]);
    expect(code).to.equal(1);
    expect(stdout).to.match(/square\.ipynb\s+ok\s+2\/2/);
    expect(stdout).to.match(/escape\.ipynb\s+ok\s/);
    expect(stdout).to.match(/not-json\.ipynb\s+error\s+-/);
    expect(stdout).to.contain("2 of 3 notebooks ok; 1 not: not-json.ipynb");
  });

  it("refuses --jobs 0 and -o with several notebooks, writing nothing", async () => {
    const zero = await cli(["check", "--jobs", "0", square]);
    expect(zero.code).to.equal(2);
    expect(zero.stderr).to.contain("--jobs 0: give a whole number of at least 1");
    const out = await cli(["run", square, escape, "-o", join(dir, "x.ipynb")]);
    expect(out.code).to.equal(2);
    expect(out.stderr).to.contain("with several notebooks each is written in place");
    expect(existsSync(join(dir, "x.ipynb"))).to.equal(false);
  });

  it("says so when there are more jobs than notebooks", async () => {
    const { code, stderr } = await cli(["check", "--jobs", "4", square]);
    expect(code).to.equal(0);
    expect(stderr).to.contain("--jobs 4 for 1 notebook: running 1 at once");
  });
});
