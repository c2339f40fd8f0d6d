// A cell without Go code (%expect, %predict, %escape alone, a %bench of what exists) changes
// nothing in the session: the files stay as committed, the benchmarks %bench generated from call
// shorthands stay, and the test binary built for them is run again, not rebuilt. Real go; the
// dispatcher in process, so that the scratch files and the binary can be looked at.
import { expect } from "chai";
import { existsSync, readFileSync, statSync } from "node:fs";
import type { ExecuteContext, OutputSink } from "../../kernel/handler.js";
import type { MimeBundle } from "../../kernel/protocol.js";
import { Session } from "../../kernel/session.js";
import { Dispatcher } from "../../magics/dispatcher.js";
import { Registry, builtinMagics } from "../../magics/registry.js";
import type { BenchReport } from "../../kernel/reports/index.js";

describe("a cell without Go code leaves the session's files and test binary alone (real go)", function () {
  this.timeout(120_000);
  let session: Session;
  let dispatcher: Dispatcher;
  let count = 0;

  async function cell(code: string): Promise<MimeBundle[]> {
    const shown: MimeBundle[] = [];
    // A report may arrive as the update of its progress display (%bench's).
    const sink: OutputSink = { stream: () => undefined, display: (d) => shown.push(d), update: (_id, d) => shown.push(d), result: (d) => shown.push(d) };
    const ctx: ExecuteContext = { count: ++count, silent: false, sink };
    const outcome = await dispatcher.execute(code, ctx);
    expect(outcome.status, `${code}\n${JSON.stringify(outcome)}`).to.equal("ok");
    return shown;
  }

  function benchNames(shown: MimeBundle[]): string[] {
    const report = shown.map((d) => d["application/vnd.goperf.bench.v1+json"] as BenchReport | undefined).find(Boolean);
    expect(report, "a bench report").to.not.equal(undefined);
    return report!.benchmarks.map((b) => b.name);
  }

  function binary(): { ino: number; mtimeMs: number } {
    const { ino, mtimeMs } = statSync(session.workspace.path(`session-${session.go!.version}.test`));
    return { ino, mtimeMs };
  }

  before(async () => {
    session = await Session.start();
    dispatcher = new Dispatcher(session, new Registry(builtinMagics()), () => undefined);
  });
  after(async () => {
    await session?.close();
  });

  it("%bench F(x), then a %expect-only cell, then %bench: the generated benchmark is still there and the binary is reused", async () => {
    await cell("func Twice(n int) int { return 2 * n }");
    const names = benchNames(await cell("%bench -count 1 -benchtime 1000x Twice(21)"));
    expect(names).to.have.length(1);
    const testFile = readFileSync(session.workspace.path("main_test.go"), "utf8");
    expect(testFile).to.contain(`func ${names[0]}(`);
    const built = binary();

    await cell("%expect --warn Twice: can inline Twice\n%predict Twice: nothing escapes");
    expect(existsSync(session.workspace.path("main_test.go")) && readFileSync(session.workspace.path("main_test.go"), "utf8")).to.equal(testFile);
    expect(binary()).to.deep.equal(built);

    expect(benchNames(await cell("%bench -count 1 -benchtime 1000x"))).to.deep.equal(names);
    expect(binary()).to.deep.equal(built);
  });

  it("%escape alone keeps them too; a cell with Go code drops them (they were that %bench's)", async () => {
    const names = benchNames(await cell("%bench -count 1 -benchtime 1000x Twice(4)"));
    const built = binary();
    await cell("%escape");
    expect(benchNames(await cell("%bench -count 1 -benchtime 1000x"))).to.deep.equal(names);
    expect(binary()).to.deep.equal(built);
    await cell("func Thrice(n int) int { return 3 * n }");
    expect(existsSync(session.workspace.path("main_test.go"))).to.equal(false);
  });
});
