// %test's report → MIME bundle: one row per test (name, pass/fail/skip, time), the failures'
// output (every test's under -v) beneath, and the counts.

import type { MimeBundle } from "../kernel/protocol.js";
import { TEST_MIME, type TestReport, type TestResult } from "../kernel/reports/index.js";
import { COLOR, FONT_MONO, STYLE, h, pill, root } from "./html.js";

export function renderTest(report: TestReport): MimeBundle {
  return { "text/plain": testText(report), "text/html": String(testHtml(report)), [TEST_MIME]: report };
}

export function testSummary(r: TestReport): string {
  const parts = [`${r.passed} passed`, `${r.failed} failed`];
  if (r.skipped) parts.push(`${r.skipped} skipped`);
  return parts.join(", ");
}

const shows = (r: TestReport, t: TestResult) => t.output !== "" && (r.verbose || t.status === "fail");

function testText(r: TestReport): string {
  if (r.tests.length === 0) return `no test ran (${r.flags.join(" ")})`;
  const w = Math.max(4, ...r.tests.map((t) => t.name.length));
  const lines = [`${"test".padEnd(w)}  result  time`];
  for (const t of r.tests) {
    lines.push(`${t.name.padEnd(w)}  ${t.status.padEnd(6)}  ${t.elapsed_s.toFixed(2)}s`);
  }
  for (const t of r.tests.filter((t) => shows(r, t))) lines.push("", `--- ${t.name}`, t.output.trimEnd());
  lines.push("", testSummary(r));
  return lines.join("\n");
}

const TONE = { pass: COLOR.good, fail: COLOR.bad, skip: COLOR.muted } as const;

function testHtml(r: TestReport): ReturnType<typeof root> {
  const cell = `padding:2px 10px;border-bottom:1px solid #e9ecef;text-align:left;font-family:${FONT_MONO};font-size:12.5px`;
  const rows = r.tests.map((t) =>
    h("tr", null, h("td", { style: cell }, t.name), h("td", { style: cell }, pill(t.status, TONE[t.status], "#ffffff")), h("td", { style: `${cell};text-align:right` }, `${t.elapsed_s.toFixed(2)}s`)),
  );
  const outputs = r.tests
    .filter((t) => shows(r, t))
    .map((t) => h("div", null, h("div", { style: STYLE.heading }, t.name), h("pre", { style: `${STYLE.codeBox};padding:4px 8px` }, t.output.trimEnd())));
  const color = r.failed ? COLOR.bad : COLOR.good;
  return root(
    r.tests.length
      ? h("table", { style: "border-collapse:collapse;margin:4px 0" }, h("tr", null, ...["test", "result", "time"].map((x) => h("th", { style: `${cell};font-weight:600` }, x))), ...rows)
      : h("div", { style: STYLE.muted }, "no test ran"),
    ...outputs,
    h("div", { style: `margin-top:6px;font-weight:600;color:${color}` }, testSummary(r)),
    h("div", { style: STYLE.footer }, `${r.go_version} · ${r.flags.join(" ")}`),
  );
}
