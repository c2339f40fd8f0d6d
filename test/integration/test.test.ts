// %test against the real toolchain and kernel: tests, examples and fuzz seeds of the session run in
// the test binary, failures on cell lines, a panicking test, -race, an interrupt, and %bench after.
import { expect } from "chai";
import { setTimeout as delay } from "node:timers/promises";
import { KernelClient, streamText, type Exchange } from "../../kernel/client/client.js";
import type { TestReport } from "../../kernel/reports/index.js";
import { errorOf, reportWith } from "../helpers/outputs.js";

const TEST = "application/vnd.goperf.test.v1+json";
const reportOf = (x: Exchange) => reportWith<TestReport>(x, TEST);

describe("%test (real toolchain)", function () {
  this.timeout(300_000);
  let k: KernelClient;
  before(async () => {
    k = await KernelClient.launch();
    const code = [
      "func Sum(xs []int) int {",
      "\ts := 0",
      "\tfor _, x := range xs {",
      "\t\ts += x",
      "\t}",
      "\treturn s",
      "}",
    ].join("\n");
    expect((await k.execute(code)).reply.content.status).to.equal("ok");
  });
  after(async () => {
    await k?.close();
  });

  it("runs the cell's tests, examples and fuzz seeds: pass, fail on the cell's line, skip", async () => {
    const cell = [
      "%test",
      "func TestSum(t *testing.T) {",
      "\tif Sum([]int{1, 2}) != 3 {",
      "\t\tt.Fatal(\"bad\")",
      "\t}",
      "}",
      "",
      "func TestWrong(t *testing.T) {",
      "\tt.Errorf(\"Sum = %d, want 4\", Sum([]int{1, 2}))",
      "}",
      "",
      "func TestLater(t *testing.T) { t.Skip(\"not yet\") }",
      "",
      "func ExampleSum() {",
      "\tfmt.Println(Sum([]int{2, 3}))",
      "\t// Output: 5",
      "}",
      "",
      "func FuzzSum(f *testing.F) {",
      "\tf.Add(1, 2)",
      "\tf.Add(3, 4)",
      "\tf.Fuzz(func(t *testing.T, a, b int) {",
      "\t\tif Sum([]int{a, b}) != a+b {",
      "\t\t\tt.Fail()",
      "\t\t}",
      "\t})",
      "}",
    ].join("\n");
    const x = await k.execute(cell);
    const r = reportOf(x);
    const status = Object.fromEntries(r.tests.map((t) => [t.name, t.status]));
    expect(status).to.deep.include({ TestSum: "pass", TestWrong: "fail", TestLater: "skip", ExampleSum: "pass", FuzzSum: "pass" });
    expect(Object.keys(status).filter((n) => n.startsWith("FuzzSum/"))).to.have.length(2);
    expect([r.passed, r.failed, r.skipped]).to.deep.equal([r.tests.filter((t) => t.status === "pass").length, 1, 1]);
    const count = x.reply.content.execution_count as number;
    expect(r.tests.find((t) => t.name === "TestWrong")!.output).to.include(`cell[${count}]:9: Sum = 3, want 4`);
    const err = errorOf(x);
    expect(err.ename).to.equal("TestFailed");
    expect(err.traceback.join("\n")).to.include(`cell[${count}]:9:`);
    expect(x.iopub.some((m) => m.header.msg_type === "display_data" && "text/html" in (m.content as { data: object }).data)).to.equal(true);
  });

  it("takes a pattern, -count and -short; %bench keeps working beside the tests", async () => {
    const r = reportOf(await k.execute("%test -count 2 -short ^TestSum$"));
    expect(r.tests.map((t) => [t.name, t.status])).to.deep.equal([["TestSum", "pass"]]);
    expect(r.flags).to.include.members(["-test.count=2", "-test.short"]);
    const b = await k.execute("%bench -benchtime 1000x -count 1 Sum([]int{1, 2, 3})");
    expect(b.reply.content.status).to.equal("ok");
  });

  it("a panicking test: the cell says so, on the cell's line, and the kernel lives", async () => {
    const x = await k.execute("%test TestBoom\nfunc TestBoom(t *testing.T) {\n\tvar m map[string]int\n\tm[\"x\"] = 1\n}");
    const err = errorOf(x);
    expect(err.ename).to.not.equal("TestFailed");
    expect(`${err.evalue}\n${err.traceback.join("\n")}`).to.match(/assignment to entry in nil map/);
    expect(`${err.evalue}\n${err.traceback.join("\n")}`).to.match(/cell\[\d+\]:4/);
    expect(streamText(await k.execute("fmt.Println(Sum([]int{4}))"), "stdout")).to.equal("4\n");
  });

  it("-race reports a data race on cell lines", async () => {
    const cell = [
      "%test -race TestRace",
      "func TestRace(t *testing.T) {",
      "\tn := 0",
      "\tdone := make(chan bool)",
      "\tgo func() { n++; done <- true }()",
      "\tn++",
      "\t<-done",
      "}",
    ].join("\n");
    const x = await k.execute(cell);
    const text = streamText(x, "stderr") + reportOf(x).tests.map((t) => t.output).join("");
    expect(text).to.include("WARNING: DATA RACE");
    expect(text).to.match(/cell\[\d+\]:[56]/);
    expect(reportOf(x).tests.find((t) => t.name === "TestRace")!.status).to.equal("fail");
  });

  it("a test that runs forever is stopped by an interrupt, and the next cell works", async () => {
    const running = k.execute("%test TestForever\nfunc TestForever(t *testing.T) {\n\tfor {\n\t}\n}");
    await delay(4000);
    await k.request("control", "interrupt_request", {});
    const x = await running;
    expect(errorOf(x).ename).to.match(/Interrupt/i);
    expect(streamText(await k.execute("fmt.Println(Sum([]int{5}))"), "stdout")).to.equal("5\n");
  });
});
