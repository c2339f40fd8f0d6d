// The renderers: pure functions from a magic's report to a MIME bundle (text/plain, self-contained
// text/html, and the report under its versioned vendor type).

import { BENCH_MIME } from "./bench.js";
import { CLAIMS_MIME } from "./claims.js";
import { ESCAPE_MIME } from "./escape.js";

export const MIME = {
  escape: ESCAPE_MIME,
  bench: BENCH_MIME,
  claims: CLAIMS_MIME,
} as const;

export { renderEscape, visibleDiagnostics, summarizeKinds, silenceLine, shownMessage } from "./escape.js";
export { renderBench, displayName, formatSecPerOp, formatDuration, formatCi, formatCount, formatDelta, vsBase } from "./bench.js";
export { renderClaims, claimsSummary } from "./claims.js";
export { escapeHtml, h, raw, highlightGo, highlightGoLines, tokenizeGo, Html } from "./html.js";
export { barChart, niceTicks } from "./svg.js";
