// The testing package's -test.v output (as go1.26.8 prints it) read into results per test.
import { expect } from "chai";
import { parseTestOutput } from "../../kernel/go/testfmt.js";

const OUTPUT = `=== RUN   TestSum
--- PASS: TestSum (0.00s)
=== RUN   TestWrong
    cell[3]:9: Sum = 3, want 4
--- FAIL: TestWrong (0.01s)
=== RUN   TestLater
    cell[3]:12: not yet
--- SKIP: TestLater (0.00s)
=== RUN   FuzzSum
=== RUN   FuzzSum/seed#0
=== RUN   FuzzSum/seed#1
--- PASS: FuzzSum (0.00s)
    --- PASS: FuzzSum/seed#0 (0.00s)
    --- PASS: FuzzSum/seed#1 (0.00s)
=== RUN   ExampleSum
--- FAIL: ExampleSum (0.00s)
got:
5
want:
6
=== RUN   TestBoom
FAIL
`;

describe("test output (-test.v)", () => {
  const tests = parseTestOutput(OUTPUT);
  const byName = Object.fromEntries(tests.map((t) => [t.name, t]));

  it("reads each test's verdict and time, subtests included, in order", () => {
    expect(tests.map((t) => [t.name, t.status])).to.deep.equal([
      ["TestSum", "pass"],
      ["TestWrong", "fail"],
      ["TestLater", "skip"],
      ["FuzzSum", "pass"],
      ["FuzzSum/seed#0", "pass"],
      ["FuzzSum/seed#1", "pass"],
      ["ExampleSum", "fail"],
      ["TestBoom", "fail"],
    ]);
    expect(byName.TestWrong.elapsed_s).to.equal(0.01);
  });

  it("keeps what each test printed, on cell lines, and an example's got/want", () => {
    expect(byName.TestWrong.output).to.equal("    cell[3]:9: Sum = 3, want 4\n");
    expect(byName.ExampleSum.output).to.equal("got:\n5\nwant:\n6\n");
    expect(byName.TestSum.output).to.equal("");
  });

  it("a test that never finished is a failure that says so", () => {
    expect(byName.TestBoom.output).to.equal("(no verdict: the test did not finish)\n");
  });
});
