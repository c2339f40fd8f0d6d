// %test: runs the session's Test, Example and Fuzz functions (Fuzz: the seed corpus only) in the
// test binary %bench uses (-race: one of its own, with the race detector), and shows a table.
// Failures speak in cell coordinates: the test file carries //line directives, so t.Error prints
// "cell[N]:LINE: ...". A test that panics or deadlocks ends the binary: the cell fails with the
// runtime's words, on the cell line it died at.

import { parseTestOutput } from "../kernel/go/testfmt.js";
import type { CellError } from "../kernel/session.js";
import { renderTest } from "../renderers/test.js";
import { UsageError } from "./args.js";
import { compileError } from "./dispatcher.js";
import type { TestReport } from "../kernel/reports/index.js";
import type { Magic } from "./types.js";

const TEST_FUNC = /^(Test|Example|Fuzz)($|[^a-z])/;

export const test: Magic = {
  name: "test",
  summary: "Run the session's Test, Example and Fuzz (seed corpus) functions and show pass/fail/skip and times.",
  usage:
    "%test                the tests the cell defines (all of the session's when it defines none)\n" +
    "%test REGEXP         the tests whose names match (as go test -run reads it)",
  args: [{ name: "REGEXP", description: "which tests to run, as go test -run takes it" }],
  options: [
    { name: "v", type: "flag", description: "show every test's output, not only the failures'" },
    { name: "count", type: "int", value: "N", default: 1, description: "run each test N times", check: (v) => (Number(v) < 1 ? "must be at least 1" : undefined) },
    { name: "race", type: "flag", description: "build with the race detector (a binary of its own) and report races" },
    { name: "short", type: "flag", description: "set testing.Short()" },
  ],
  takesCode: true,
  async run(ctx, parsed) {
    const { session } = ctx;
    const staged = await session.stage(ctx.code, ctx.cell);
    if ("ename" in staged) return staged;
    const defined = staged.decls.filter((d) => d.test && TEST_FUNC.test(d.names[0] ?? "")).map((d) => d.names[0]);
    const inCell = staged.units.filter((u) => u.kind === "func" && TEST_FUNC.test(u.names[0] ?? "")).map((u) => u.names[0]);
    const pattern = parsed.args[0];
    if (pattern !== undefined) {
      try {
        new RegExp(pattern);
      } catch (err) {
        throw new UsageError(`%test: ${pattern} is not a regular expression: ${(err as Error).message}`, test);
      }
    } else if (defined.length === 0) {
      throw new UsageError("%test: the session defines no Test, Example or Fuzz function (func TestX(t *testing.T) { ... })", test);
    }
    const race = Boolean(parsed.options.race);
    const built = await session.buildTest(staged, ctx.signal, {}, race ? ["-race"] : []);
    if (!built.ok) return compileError(built.output);
    session.commit(staged, built);

    const run = pattern ?? `^(${(inCell.length ? inCell : defined).join("|")})$`;
    const flags = [`-test.run=${run}`, "-test.v", `-test.count=${parsed.options.count ?? 1}`, "-test.paniconexit0"];
    if (parsed.options.short) flags.push("-test.short");
    let out = "";
    const error: CellError | null = await session.runProgram(
      built.binary,
      flags,
      {
        stdout: (text) => (out += text),
        // The race detector's reports and a dying test's trace: shown as they come.
        stderr: (text) => ctx.sink.stream("stderr", text),
      },
      ctx.signal,
      { testBinary: true },
    );
    const tests = parseTestOutput(out);
    const report: TestReport = {
      go_version: session.go?.version ?? "",
      flags: race ? ["-race", ...flags] : flags,
      tests,
      passed: tests.filter((t) => t.status === "pass").length,
      failed: tests.filter((t) => t.status === "fail").length,
      skipped: tests.filter((t) => t.status === "skip").length,
      ...(parsed.options.v ? { verbose: true } : {}),
    };
    ctx.sink.display(renderTest(report));
    if (error) {
      // A test that panicked, deadlocked or was interrupted: the binary's death is the cell's error.
      if (error.ename !== "ExitError") return error;
    }
    if (report.failed) {
      const text = `${report.failed} of ${tests.length} test${tests.length === 1 ? "" : "s"} failed: ${tests.filter((t) => t.status === "fail").map((t) => t.name).join(", ")}`;
      const where = tests.filter((t) => t.status === "fail").flatMap((t) => t.output.split("\n").filter((l) => /cell\[\d+\]:\d+/.test(l)).map((l) => l.trim()));
      return { ename: "TestFailed", evalue: text, traceback: [text, ...where] };
    }
    if (error) return error;
    return null;
  },
};
