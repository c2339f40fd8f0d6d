// %test's report (application/vnd.goperf.test.v1+json): the session's Test, Example and Fuzz
// (seed corpus) functions as the test binary ran them. A published schema (README "The vendor
// JSON types") that imports nothing.

export { TEST_MIME } from "./mime.js";

export type TestStatus = "pass" | "fail" | "skip";

export interface TestResult {
  /** As the testing package names it: "TestSum", "TestSum/empty", "FuzzParse/seed#0". */
  name: string;
  /** "fail" too for a test that never finished (it panicked, the binary died, the cell was interrupted). */
  status: TestStatus;
  /** As the testing package measured it (0 when it never finished). */
  elapsed_s: number;
  /** What the test printed (t.Log, t.Error: "cell[N]:LINE: message"), as printed. */
  output: string;
}

export interface TestReport {
  go_version: string;
  /** The test binary's flags, e.g. ["-test.run=^(TestSum)$", "-test.v", "-test.count=1"]; "-race" when built with it. */
  flags: string[];
  tests: TestResult[];
  passed: number;
  failed: number;
  skipped: number;
  /** -v: every test's output is shown, not only the failures'. */
  verbose?: boolean;
}
