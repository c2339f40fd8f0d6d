// @ts-check
/**
 * The one list of tests that may be skipped, each with why. `npm test` (test/run.js) fails when a
 * test is skipped that is not here, and when a test listed here runs (the list would be stale);
 * `npm run test:jupyter` allows none.
 *
 * `suite` is where the test lives ("conformance": jupyter_kernel_test's test names; "mocha": a
 * mocha test's full title).
 * @type {readonly { suite: 'conformance' | 'mocha', name: string, reason: string }[]}
 */
export const DECLARED_SKIPS = Object.freeze([
  {
    suite: 'conformance',
    name: 'test_clear_output',
    reason: 'goperf never clears a cell\'s outputs (no clear_output message), so code_clear_output is not set and jupyter_kernel_test skips it',
  },
]);

/**
 * Checks the skipped tests of a run against the list. Returns the problems (empty when all is
 * well) and the lines that say which declared skips happened and why.
 * @param {{ suite: string, name: string }[]} skipped
 * @param {string[]} ran the suites that ran (a declared skip of a suite that did not run is no news)
 */
export function checkSkips(skipped, ran) {
  /** @type {string[]} */
  const problems = [];
  /** @type {string[]} */
  const notes = [];
  for (const s of skipped) {
    const declared = DECLARED_SKIPS.find((d) => d.suite === s.suite && d.name === s.name);
    if (declared) notes.push(`skipped (declared in test/skips.js): ${s.suite} ${s.name}: ${declared.reason}`);
    else problems.push(`skipped but not declared in test/skips.js: ${s.suite} ${s.name}`);
  }
  for (const d of DECLARED_SKIPS) {
    if (ran.includes(d.suite) && !skipped.some((s) => s.suite === d.suite && s.name === d.name)) {
      problems.push(`declared as skipped in test/skips.js but it was not skipped: ${d.suite} ${d.name} (remove it from the list)`);
    }
  }
  return { problems, notes };
}
