// A run builds only what it needs when a cell just adds declarations (kernel/go/reachable.ts), and
// the whole package whenever a cell could break earlier code: each way of breaking it below must
// fail with the compiler's own error and leave the session as it was. Real go, through Session.
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { Session } from "../../kernel/session.js";

describe("building only what a run needs (real go)", function () {
  this.timeout(120_000);
  let session: Session;
  let count = 0;

  /** As a plain Go cell runs: stage, build, commit on success, run. */
  async function cell(code: string): Promise<{ ok: boolean; output: string; stdout: string; needed: string | null }> {
    const staged = await session.stage(code, { count: ++count, source: code }, { show: true });
    if ("ename" in staged) throw new Error(staged.evalue);
    const built = await session.build(staged);
    const runFile = session.workspace.path("_run/main.go");
    const needed = existsSync(runFile) ? readFileSync(runFile, "utf8") : null;
    if (!built.ok) return { ok: false, output: built.output, stdout: "", needed };
    session.commit(staged, built);
    let stdout = "";
    const error = await session.runProgram(built.binary, [], { stdout: (t) => (stdout += t), stderr: () => undefined });
    expect(error).to.equal(null);
    return { ok: true, output: built.output, stdout, needed };
  }

  beforeEach(async () => {
    session = await Session.start();
    count = 0;
  });
  afterEach(async () => {
    await session?.close();
  });

  it("a cell that adds a function and runs builds it and what main names, not the rest", async () => {
    await cell("func Square(n int) int { return n * n }\nfunc Unused() string { return \"never\" }");
    const r = await cell("func Cube(n int) int { return n * Square(n) }\nfmt.Println(Cube(3))");
    expect(r.ok, r.output).to.equal(true);
    expect(r.stdout).to.equal("27\n");
    expect(r.needed).to.contain("func Cube").and.contain("func Square").and.not.contain("func Unused");
    // The whole package is still what main.go holds, for %escape and %bench.
    expect(readFileSync(session.workspace.path("main.go"), "utf8")).to.contain("func Unused");
  });

  it("an error in the new code is the compiler's own, at the cell's line", async () => {
    await cell("func Square(n int) int { return n * n }");
    const r = await cell("func Bad() int { return \"x\" }\nprintln(Square(2))");
    expect(r.ok).to.equal(false);
    expect(r.output).to.match(/cell\[2\]:1:\d+: cannot use "x"/);
  });

  it("a candidate is a frozen value that writes nothing until built; one staged before another commit is refused", async () => {
    await cell("func Square(n int) int { return n * n }");
    const mainBefore = readFileSync(session.workspace.path("main.go"), "utf8");
    const first = await session.stage("func A() int { return 1 }", { count: 10, source: "" });
    const second = await session.stage("func B() int { return 2 }", { count: 11, source: "" });
    if ("ename" in first || "ename" in second) throw new Error("staging failed");
    expect(Object.isFrozen(first) && Object.isFrozen(first.decls) && Object.isFrozen(first.main)).to.equal(true);
    expect(readFileSync(session.workspace.path("main.go"), "utf8")).to.equal(mainBefore);
    const built = await session.compile(second);
    expect(built.ok, built.output).to.equal(true);
    expect(readFileSync(session.workspace.path("main.go"), "utf8")).to.contain("func B");
    session.commit(second, built);
    expect(() => session.commit(first)).to.throw(/staged against an earlier session state/);
    expect(session.declarations().flatMap((d) => d.names)).to.include("B").and.not.include("A");
  });

  const breaking: [string, string, string, RegExp][] = [
    ["a universe name (len)", "func Size(s []int) int { return len(s) }", "func len(x []int) string { return \"\" }\nprintln(1)", /cell\[1\]:1:\d+: cannot use len\(s\)/],
    ["a name earlier code uses as a package", "func Up(s string) string { return strings.ToUpper(s) }", "var strings = 3\nprintln(strings)", /cell\[1\]:1:\d+: strings\.ToUpper undefined/],
    ["a replaced function", "func Sq(n int) int { return n * n }\nfunc Use() int { return Sq(2) }", "func Sq(s string) string { return s }\nprintln(1)", /cell\[1\]:2:\d+: cannot use 2/],
    [
      "a method that makes a selector ambiguous",
      "type A struct{}\ntype B struct{}\nfunc (B) M() int { return 1 }\ntype S struct{ A; B }\nfunc Call() int { var s S; return s.M() }",
      "func (A) M() int { return 2 }\nprintln(1)",
      /ambiguous selector s\.M/,
    ],
  ];
  for (const [what, before, breaker, error] of breaking) {
    it(`compiles the whole package when a cell adds ${what}: the earlier code's error, session unchanged`, async () => {
      expect((await cell(before)).ok).to.equal(true);
      const r = await cell(breaker);
      expect(r.ok, r.output).to.equal(false);
      expect(r.output).to.match(error);
      const after = await cell("println(\"still here\")");
      expect(after.ok, after.output).to.equal(true);
    });
  }
});
