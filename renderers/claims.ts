// %expect's report → MIME bundle: each claim with its verdict and the evidence, and the count.

import type { MimeBundle } from "../kernel/protocol.js";
import { CLAIMS_MIME, type Claim, type ClaimReport } from "../kernel/reports/index.js";
import { COLOR, FONT_MONO, STYLE, h, pill, root } from "./html.js";

export function renderClaims(report: ClaimReport): MimeBundle {
  return {
    "text/plain": claimsText(report),
    "text/html": String(claimsHtml(report)),
    [CLAIMS_MIME]: report,
  };
}

/** "2 of 3 claims hold", with a note when failures do not fail the cell. */
export function claimsSummary(report: ClaimReport): string {
  const m = report.claims.length;
  const n = report.claims.filter((c) => c.passed).length;
  if (report.kind === "predictions") {
    if (m === 0) return "no predictions";
    if (report.pending) return `${m} ${m === 1 ? "prediction" : "predictions"}, to be scored when the code is built`;
    return `${n} of ${m} ${m === 1 ? "prediction" : "predictions"} matched the compiler`;
  }
  if (m === 0) return "no claims";
  const warn = report.warnOnly && n < m ? " (--warn: failures do not fail the cell)" : "";
  return `${n} of ${m} ${m === 1 ? "claim holds" : "claims hold"}${warn}`;
}

function mark(report: ClaimReport, c: Claim): { symbol: string; label: string } {
  if (report.pending) return { symbol: "?", label: "? predicted" };
  if (report.kind === "predictions") return c.passed ? { symbol: "✓", label: "✓ matched" } : { symbol: "✗", label: "✗ differed" };
  return c.passed ? { symbol: "✓", label: "✓ holds" } : { symbol: "✗", label: "✗ fails" };
}

function claimLine(report: ClaimReport, c: Claim): string {
  return `${mark(report, c).symbol} ${c.text}${c.detail ? ` — ${c.detail}` : ""}`;
}

function claimsText(report: ClaimReport): string {
  return [...report.claims.map((c) => claimLine(report, c)), claimsSummary(report)].join("\n");
}

function claimsHtml(report: ClaimReport): ReturnType<typeof root> {
  const items = report.claims.map((c) =>
    h(
      "div",
      { style: `margin:3px 0;padding:2px 8px;border-left:3px solid ${tone(report, c)}` },
      pill(mark(report, c).label, tone(report, c), "#ffffff"),
      " ",
      h("span", { style: `font-family:${FONT_MONO};font-size:12.5px` }, c.text),
      c.detail ? h("span", { style: STYLE.muted }, ` — ${c.detail}`) : null,
      h("span", { style: `${STYLE.muted};${STYLE.small};margin-left:8px` }, `line ${c.line}`),
    ),
  );
  const failed = report.claims.some((c) => !c.passed);
  const color = report.claims.length === 0 || report.pending ? COLOR.muted : failed ? (report.warnOnly ? COLOR.warn : COLOR.bad) : COLOR.good;
  return root(
    ...items,
    h("div", { style: `margin-top:6px;font-weight:600;color:${color}` }, claimsSummary(report)),
    report.go_version ? h("div", { style: STYLE.footer }, report.go_version) : null,
  );
}

function tone(report: ClaimReport, c: Claim): string {
  if (report.pending) return COLOR.muted;
  if (report.kind === "predictions" && !c.passed) return COLOR.warn;
  return c.passed ? COLOR.good : COLOR.bad;
}
