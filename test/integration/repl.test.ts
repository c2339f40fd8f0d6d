// Cells that behave like a REPL, against the real kernel and toolchain: session variables from a
// top-level `x := expr`, %list, %remove, %reset, %args and %env.
import { expect } from "chai";
import { KernelClient, streamText } from "../../kernel/client/client.js";
import type { SessionReport } from "../../kernel/reports/index.js";
import { errorOf, reportWith } from "../helpers/outputs.js";

const SESSION = "application/vnd.goperf.session.v1+json";

describe("REPL cells (real kernel)", function () {
  this.timeout(240_000);
  let k: KernelClient;
  before(async () => {
    k = await KernelClient.launch();
  });
  after(async () => {
    await k?.close();
  });

  it("a top-level x := expr is a session variable, unused is no error, and its value is computed in each run", async () => {
    const a = await k.execute("y := 5\nstart := time.Now().UnixNano()");
    expect(a.reply.content.status).to.equal("ok");
    const b = await k.execute("fmt.Println(y * 2, start)");
    const c = await k.execute("fmt.Println(y * 2, start)");
    const [by, bs] = streamText(b, "stdout").trim().split(" ");
    const [cy, cs] = streamText(c, "stdout").trim().split(" ");
    expect([by, cy]).to.deep.equal(["10", "10"]);
    // Each cell is a fresh program: `start` was computed again.
    expect(bs).to.not.equal(cs);
    const d = await k.execute("a, b := 1, \"two\"\nfmt.Println(a, b, y)");
    expect(streamText(d, "stdout")).to.equal("1 two 5\n");
  });

  it("%list shows kind, name and cell", async () => {
    const x = await k.execute("func Twice(n int) int { return 2 * n }\n\n%list");
    const r = reportWith<SessionReport>(x, SESSION);
    const twice = r.declarations.find((d) => d.name === "Twice")!;
    expect(twice.kind).to.equal("func");
    expect(r.declarations.find((d) => d.name === "y")).to.include({ kind: "var" });
    expect(twice.cell).to.be.greaterThan(r.declarations.find((d) => d.name === "y")!.cell);
  });

  it("%remove forgets a name, refuses an unknown one, and undoes a removal a later cell needs", async () => {
    const unknown = errorOf(await k.execute("%remove Nope"));
    expect(unknown.ename).to.equal("UsageError");
    expect(unknown.evalue).to.match(/declares no Nope; its names are: .*Twice/);
    const user = await k.execute("func Quad(n int) int { return Twice(Twice(n)) }");
    const userCell = user.reply.content.execution_count as number;
    const broken = errorOf(await k.execute("%remove Twice"));
    expect(broken.evalue).to.match(/undone/);
    expect(broken.traceback.join("\n")).to.include(`cell[${userCell}]:1:`);
    expect(streamText(await k.execute("fmt.Println(Quad(1))"), "stdout")).to.equal("4\n");
    expect((await k.execute("%remove Quad Twice")).reply.content.status).to.equal("ok");
    const gone = errorOf(await k.execute("fmt.Println(Twice(1))"));
    expect(gone.evalue).to.match(/undefined: Twice/);
  });

  it("%args and %env reach cells and benchmarks; %env alone lists them", async () => {
    const x = await k.execute('%args -v "two words"\n%env GOPERF_H14=yes\nfmt.Println(len(os.Args[1:]), os.Args[1], os.Args[2], os.Getenv("GOPERF_H14"))');
    expect(streamText(x, "stdout")).to.equal("2 -v two words yes\n");
    const listed = reportWith<SessionReport>(await k.execute("%env"), SESSION);
    expect(listed.env).to.deep.equal({ GOPERF_H14: "yes" });
    expect(listed.args).to.deep.equal(["-v", "two words"]);
    const bench = await k.execute(
      '%bench -benchtime 1x -count 1 BenchmarkArgs\nfunc BenchmarkArgs(b *testing.B) {\n\tif flag.Args()[1] != "two words" || os.Getenv("GOPERF_H14") != "yes" {\n\t\tb.Fatal(flag.Args(), os.Getenv("GOPERF_H14"))\n\t}\n}',
    );
    expect(bench.reply.content.status, JSON.stringify(bench.iopub.map((m) => m.content))).to.equal("ok");
    const bad = errorOf(await k.execute("%env NOT-A-NAME"));
    expect(bad.ename).to.equal("UsageError");
    await k.execute("%args");
  });

  it("%reset forgets every declaration", async () => {
    expect((await k.execute("%reset")).reply.content.status).to.equal("ok");
    const r = reportWith<SessionReport>(await k.execute("%list"), SESSION);
    expect(r.declarations).to.deep.equal([]);
    expect(errorOf(await k.execute("fmt.Println(y)")).evalue).to.match(/undefined: y/);
  });
});
