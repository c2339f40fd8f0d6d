// Test binaries built by the compiler and linker directly (kernel/go/direct.ts), checked against the
// go command they stand in for: the test main cellparse writes is the file `go test` writes, vet's
// checks are go test's, and what the go command refuses (a vet complaint, a test function with the
// wrong signature) still reaches the cell in the go command's words.
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { KernelClient, streamText } from "../../kernel/client/client.js";
import { TEST_RELEASE, TEST_VET_CHECKS } from "../../kernel/go/direct.js";
import { CellParser } from "../../kernel/go/parse.js";
import type { TestReport } from "../../kernel/reports/index.js";
import { goLineFor } from "../../kernel/go/workspace.js";
import { errorOf, reportWith } from "../helpers/outputs.js";
import { kernelEnv, scratchDirs } from "../reliability/helpers.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const CACHE = join(ROOT, "test", "artifacts", "cellparse-cache");
const TEST = "application/vnd.goperf.test.v1+json";

const MAIN = 'package main\n\nimport "fmt"\n\nfunc Add(a, b int) int { return a + b }\n\nfunc main() { fmt.Println(Add(1, 2)) }\n';
const TESTS = [
  "package main",
  "",
  'import (\n\t"fmt"\n\t"testing"\n)',
  "",
  "func TestAdd(t *testing.T) { _ = Add(1, 2) }",
  "func Test_under(t *testing.T) {}",
  "func Testify() {} // not a test: a lower-case letter follows Test",
  "func BenchmarkAdd(b *testing.B) { for b.Loop() { Add(1, 2) } }",
  "func FuzzAdd(f *testing.F) { f.Add(1); f.Fuzz(func(t *testing.T, a int) { Add(a, a) }) }",
  "func ExampleAdd() {\n\tfmt.Println(Add(1, 2))\n\t// Output: 3\n}",
  "func ExampleAdd_unordered() {\n\tfmt.Println(1)\n\tfmt.Println(2)\n\t// Unordered output:\n\t// 2\n\t// 1\n}",
  "func ExampleAdd_empty() {\n\t// Output:\n}",
  "func ExampleAdd_compiledOnly() { Add(1, 1) }",
  "",
].join("\n");
const TEST_MAIN = 'func TestMain(m *testing.M) { fmt.Println("setup"); m.Run() }\n';

/** The _testmain.go `go test -c` writes for a module whose package has these files. */
function goTestMain(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "goperf-testmain-"));
  try {
    writeFileSync(join(dir, "go.mod"), "module example.com/m\n\ngo 1.26\n");
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const r = spawnSync("go", ["test", "-c", "-work", "-o", join(dir, "m.test"), "."], { cwd: dir, encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    const work = /^WORK=(.+)$/m.exec(r.stderr)![1];
    try {
      return readFileSync(join(work, "b001", "_testmain.go"), "utf8");
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("test binaries built directly, as go test -c builds them (real toolchain)", function () {
  this.timeout(300_000);

  it("the installed go is the release the direct build follows", () => {
    expect(goLineFor(execFileSync("go", ["env", "GOVERSION"], { encoding: "utf8" }).trim())).to.equal(TEST_RELEASE);
  });

  it("cellparse writes the test main go test writes, byte for byte (tests, benchmarks, fuzz targets, examples, TestMain)", async () => {
    const parser = await CellParser.start({ goBinary: "go", cacheDir: CACHE });
    try {
      for (const tests of [TESTS, TESTS + TEST_MAIN]) {
        const ours = await parser.testMain(tests, "example.com/m", "example.com/m");
        expect(ours).to.equal(goTestMain({ "main.go": MAIN, "main_test.go": tests }));
      }
      expect(await parser.testMain(TESTS + "func TestNoArg() {}\n", "example.com/m", "example.com/m"), "a wrong signature is the go command's to report").to.equal(null);
    } finally {
      await parser.close();
    }
  });

  it("vet runs go test's checks", () => {
    const dir = mkdtempSync(join(tmpdir(), "goperf-vetflags-"));
    try {
      writeFileSync(join(dir, "go.mod"), "module example.com/m\n\ngo 1.26\n");
      writeFileSync(join(dir, "main.go"), MAIN);
      // New each run, so that vet is not replayed from the go command's cache.
      writeFileSync(join(dir, "main_test.go"), `${TESTS}// ${Date.now()} ${Math.random()}\n`);
      const r = spawnSync("go", ["test", "-c", "-x", "-o", join(dir, "m.test"), "."], { cwd: dir, encoding: "utf8" });
      const line = r.stderr.split("\n").find((l) => /\/vet /.test(l));
      expect(line, r.stderr).to.be.a("string");
      expect(line!.split(" ").filter((a) => a.startsWith("-"))).to.deep.equal(TEST_VET_CHECKS);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("in a session", () => {
    let k: KernelClient;
    let tmp: string;
    before(async () => {
      tmp = mkdtempSync(join(tmpdir(), "goperf-testbuild-"));
      k = await KernelClient.launch({ env: kernelEnv(tmp) });
      expect((await k.execute("func Add(a, b int) int { return a + b }")).reply.content.status).to.equal("ok");
    });
    after(async () => {
      await k?.close();
      rmSync(tmp, { recursive: true, force: true });
    });

    /**
     * Who linked the session's test binary: the go command stamps a build ID on what it links,
     * goperf's direct link gives none.
     */
    function linkedBy(): "goperf" | "the go command" {
      const [dir] = scratchDirs(tmp);
      const binary = readdirSync(dir).find((f) => /^session-go[\d.]+\.test$/.test(f));
      expect(binary, "the session's test binary").to.be.a("string");
      return execFileSync("go", ["tool", "buildid", join(dir, binary!)], { encoding: "utf8" }).trim() === "" ? "goperf" : "the go command";
    }

    it("%test with a TestMain and an example runs in a binary goperf linked itself", async () => {
      const cell = ["%test", "func TestMain(m *testing.M) { fmt.Println(\"setup\"); os.Exit(m.Run()) }", "func TestAdd(t *testing.T) {", "\tif Add(1, 2) != 3 {", "\t\tt.Fatal(Add(1, 2))", "\t}", "}", "func ExampleAdd() {", "\tfmt.Println(Add(2, 2))", "\t// Output: 4", "}"].join("\n");
      const x = await k.execute(cell);
      const r = reportWith<TestReport>(x, TEST);
      expect(r.tests.map((t) => [t.name, t.status])).to.deep.equal([["TestAdd", "pass"], ["ExampleAdd", "pass"]]);
      expect(linkedBy(), "the test binary's linker").to.equal("goperf");
    });

    it("the binary carries the build info go test links: module path and build settings", async () => {
      const cell = [
        "%test TestBuildInfo",
        'import "runtime/debug"',
        "",
        "func TestBuildInfo(t *testing.T) {",
        "\tinfo, ok := debug.ReadBuildInfo()",
        "\tif !ok {",
        '\t\tt.Fatal("no build info")',
        "\t}",
        "\tfor _, s := range info.Settings {",
        '\t\tt.Logf("%s=%s", s.Key, s.Value)',
        "\t}",
        '\tt.Logf("path=%s", info.Path)',
        "}",
      ].join("\n");
      const r = reportWith<TestReport>(await k.execute(cell), TEST);
      expect(linkedBy(), "the test binary's linker").to.equal("goperf");
      const [t] = r.tests;
      expect(t.status, t.output).to.equal("pass");
      expect(t.output).to.include("path=goperf.session").and.include('-ldflags=-s -w').and.include("-compiler=gc");
    });

    it("a test vet complains about fails as go test fails it, with vet's words", async () => {
      const x = await k.execute('%test TestFormat\nfunc TestFormat(t *testing.T) {\n\tt.Logf("%d", "x")\n}');
      const err = errorOf(x);
      expect(`${err.evalue}\n${err.traceback.join("\n")}`).to.match(/Logf format %d has arg "x" of wrong type string/);
      expect(streamText(await k.execute("fmt.Println(Add(2, 3))"), "stdout"), "the session is as it was").to.equal("5\n");
    });

    it("a test function with the wrong signature gets the go command's error", async () => {
      const err = errorOf(await k.execute("%test TestNoArg\nfunc TestNoArg() {}"));
      expect(`${err.evalue}\n${err.traceback.join("\n")}`).to.include("wrong signature for TestNoArg, must be: func TestNoArg(t *testing.T)");
    });
  });
});
