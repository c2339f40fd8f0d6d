// %expect and %predict against the real toolchain.
import { expect } from "chai";
import { KernelClient, type Exchange } from "../../kernel/client/client.js";
import type { ClaimReport, EscapeReport } from "../../kernel/reports/index.js";
import { errorOf, reportWith } from "../helpers/outputs.js";
import { POINTS, SQUARES } from "../helpers/ch01.js";

const CLAIMS = "application/vnd.goperf.claims.v1+json";
const claims = (x: Exchange) => reportWith<ClaimReport>(x, CLAIMS);

describe("%expect and %predict (real toolchain)", function () {
  this.timeout(240_000);
  let k: KernelClient;
  before(async () => {
    k = await KernelClient.launch();
    for (const cell of [POINTS, SQUARES]) expect((await k.execute(cell)).reply.content.status).to.equal("ok");
  });
  after(async () => {
    await k?.close();
  });

  it("states Micro-claim 1 as checks that hold", async () => {
    await k.execute("%bench -benchtime 1000x -count 2 NewPointVal(1, 2) NewPointPtr(1, 2)");
    const x = await k.execute(
      "%expect NewPointPtr: moved to heap: p\n%expect NewPointVal: nothing escapes\n%expect NewPointPtr allocs/op == 1\n%expect NewPointVal allocs/op == 0\n%expect BenchmarkNewPointPtr B/op == 16",
    );
    expect(x.reply.content.status).to.equal("ok");
    const r = claims(x);
    expect(r.claims.map((c) => c.passed)).to.deep.equal([true, true, true, true, true]);
    expect(r.claims[0].detail).to.match(/moved to heap: p/);
  });

  it("judges claims about the cell's own code, in the same cell (with a cell id, as front ends send)", async () => {
    const x = await k.execute("%expect Boxed: x escapes to heap\n%expect Boxed: not moved to heap\nfunc Boxed(n int) any {\n\tx := n * n\n\treturn x\n}", { cellId: "same-cell" });
    expect(x.reply.content.status, JSON.stringify(claims(x).claims)).to.equal("ok");
  });

  it("fails the cell on a false claim, naming what the compiler said", async () => {
    const x = await k.execute("%expect NewPointVal: moved to heap: p");
    const err = errorOf(x);
    expect(err.ename).to.equal("ClaimFailed");
    expect(err.traceback.join("\n")).to.match(/did not report "moved to heap: p" in NewPointVal/);
    expect(claims(x).claims[0].passed).to.equal(false);
  });

  it("shows failures without failing the cell under --warn", async () => {
    const x = await k.execute("%expect --warn NewPointVal: moved to heap: p");
    expect(x.reply.content.status).to.equal("ok");
    expect(claims(x).claims[0].passed).to.equal(false);
  });

  it("never passes a claim about a benchmark that does not exist", async () => {
    const x = await k.execute("%expect NoSuchBench allocs/op == 0");
    const r = claims(x);
    expect(r.claims.map((c) => c.passed)).to.deep.equal([false]);
    expect(r.claims[0].detail).to.match(/no results for NoSuchBench/);
    expect(errorOf(x).ename).to.equal("ClaimFailed");
  });

  it("a claim about a function that does not exist is a usage error listing the functions in both spellings", async () => {
    await k.execute("type Tally struct{ n int }\n\nfunc (t *Tally) Add() { t.n++ }");
    const x = await k.execute("%expect NoSuchFunc: nothing escapes");
    const err = errorOf(x);
    expect(err.ename).to.equal("UsageError");
    expect(err.evalue).to.match(/no function NoSuchFunc in the session; the functions are: .*Tally\.Add \(\(\*Tally\)\.Add\)/);
  });

  it("takes methods and generic functions by the compiler's names and by the declared ones", async () => {
    const code = [
      "type Counter struct{ n int }",
      "",
      "func (c *Counter) Inc() { c.n++ }",
      "",
      "func (c Counter) Get() int { return c.n }",
      "",
      "func SumSquares[T int | float64](xs []T) T {",
      "\tvar s T",
      "\tfor _, x := range xs {",
      "\t\ts += x * x",
      "\t}",
      "\treturn s",
      "}",
      "",
      "var _ = SumSquares([]int{1}) + int(SumSquares([]float64{2}))",
    ].join("\n");
    expect((await k.execute(code)).reply.content.status).to.equal("ok");
    const x = await k.execute(
      ["(*Counter).Inc: can inline", "Counter.Inc: can inline", "Counter.Get: can inline", "SumSquares: can inline", "SumSquares[go.shape.int]: can inline", "SumSquares[go.shape.float64]: can inline SumSquares[go.shape.float64]", "SumSquares[go.shape.int]: not go.shape.float64"]
        .map((c) => `%expect ${c}`)
        .join("\n"),
    );
    expect(x.reply.content.status, JSON.stringify(claims(x).claims)).to.equal("ok");
    const r = reportWith<EscapeReport>(await k.execute("%escape --func (*Counter).Inc"), "application/vnd.goperf.escape.v1+json");
    const inc = r.diagnostics.find((d) => d.message.startsWith("can inline (*Counter).Inc"))!;
    expect(inc).to.include({ func: "(*Counter).Inc", declared: "Counter.Inc" });
    await k.execute("var cnt Counter");
    const b = await k.execute("%bench -benchtime 1000x -count 2 (*Counter).Inc(&cnt)");
    expect(b.reply.content.status).to.equal("ok");
    const counted = await k.execute("%expect (*Counter).Inc allocs/op == 0\n%expect Counter.Inc allocs/op == 0");
    expect(counted.reply.content.status, JSON.stringify(claims(counted).claims)).to.equal("ok");
    const bad = errorOf(await k.execute("%escape --func SumSquares[go.shape.string]"));
    expect(bad.ename).to.equal("UsageError");
    expect(bad.evalue).to.include("SumSquares (SumSquares[float64], SumSquares[go.shape.float64], SumSquares[go.shape.int], SumSquares[int])");
  });

  it("explains the claim forms when a claim cannot be read", async () => {
    const x = await k.execute("%expect this is not a claim");
    expect(claims(x).claims[0].detail).to.match(/a claim is one of/);
  });

  it("shows predictions before the code is built, then scores them without failing the cell", async () => {
    const x = await k.execute("%predict Leaky: moved to heap: v\n%predict Leaky: nothing escapes\n%escape\nfunc Leaky(n int) *int {\n\tv := n\n\treturn &v\n}", { cellId: "drill" });
    expect(x.reply.content.status).to.equal("ok");
    const types = x.iopub.map((m) => m.header.msg_type);
    const shown = types.indexOf("display_data");
    const escape = x.iopub.findIndex((m) => m.header.msg_type === "display_data" && "application/vnd.goperf.escape.v1+json" in (m.content as { data: object }).data);
    expect(shown).to.be.lessThan(escape); // the prediction first
    const update = x.iopub.find((m) => m.header.msg_type === "update_display_data")!;
    const scored = (update.content as { data: Record<string, unknown> }).data[CLAIMS] as ClaimReport;
    expect(scored.kind).to.equal("predictions");
    expect(scored.claims.map((c) => c.passed)).to.deep.equal([true, false]);
  });

  it("shows the decisions about benchmark code too (the test file is compiled with the session)", async () => {
    await k.execute("func BenchmarkBoxes(b *testing.B) {\n\tfor b.Loop() {\n\t\tvar sink any = b.N\n\t\t_ = sink\n\t}\n}");
    const r = reportWith<EscapeReport>(await k.execute("%escape --func BenchmarkBoxes"), "application/vnd.goperf.escape.v1+json");
    expect(r.diagnostics.filter((d) => d.func === "BenchmarkBoxes").length).to.be.greaterThan(0);
  });
});
