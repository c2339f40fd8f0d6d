// The testing package's -test.v output -> results per test. Pure.
//
//   === RUN   TestA              a test starts (=== CONT / === NAME: its output resumes)
//       cell[3]:5: boom          what it prints, indented
//   --- FAIL: TestA (0.00s)      its verdict (PASS, FAIL, SKIP), subtests indented beneath
//
// A test that started and has no verdict (the binary panicked or was stopped) is a failure.
// `go tool test2json` reads the same text; it is a separate process per run, and these few line
// shapes are all %test needs.

/** One test's result, in the shape of the published report's (kernel/reports/test.ts: the magic assigns one to the other). */
export interface TestResult {
  name: string;
  status: "pass" | "fail" | "skip";
  elapsed_s: number;
  output: string;
}

const START = /^=== (?:RUN|CONT|NAME|PAUSE)\s+(\S+)/;
const VERDICT = /^\s*--- (PASS|FAIL|SKIP): (\S+) \((\d+(?:\.\d+)?)s\)/;
/** The binary's own summary lines, not a test's output. */
const SUMMARY = /^(?:PASS|FAIL|ok\s|testing: warning: no tests to run)/;

export function parseTestOutput(text: string): TestResult[] {
  const byName = new Map<string, TestResult>();
  const order: TestResult[] = [];
  const result = (name: string) => {
    let r = byName.get(name);
    if (!r) {
      r = { name, status: "fail", elapsed_s: 0, output: "" };
      byName.set(name, r);
      order.push(r);
    }
    return r;
  };
  const finished = new Set<string>();
  let current: string | undefined;
  for (const line of text.split("\n")) {
    let m = START.exec(line);
    if (m) {
      current = m[1];
      result(current);
      continue;
    }
    m = VERDICT.exec(line);
    if (m) {
      const r = result(m[2]);
      r.status = m[1].toLowerCase() as TestResult["status"];
      r.elapsed_s = Number(m[3]);
      finished.add(m[2]);
      // Output printed after a verdict (older -v layouts, t.Log of a parent) belongs to that test.
      current = m[2];
      continue;
    }
    if (line === "" || SUMMARY.test(line) || current === undefined) continue;
    result(current).output += `${line}\n`;
  }
  for (const r of order) if (!finished.has(r.name)) r.output += r.output ? "" : "(no verdict: the test did not finish)\n";
  return order;
}
