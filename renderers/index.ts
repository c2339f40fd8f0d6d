// The renderers: pure functions from a magic's report to a MIME bundle (text/plain, self-contained
// text/html, and the report under its versioned vendor type).

import { BENCH_MIME, CLAIMS_MIME, ESCAPE_MIME } from "../magics/reports.js";
import { ASM_MIME } from "../kernel/reports/asm.js";
import { BCE_MIME } from "../kernel/reports/bce.js";
import { INLINE_MIME } from "../kernel/reports/inline.js";
import { LAYOUT_MIME } from "../kernel/reports/layout.js";
import { PROFILE_MIME } from "../kernel/reports/profile.js";

export const MIME = {
  escape: ESCAPE_MIME,
  bench: BENCH_MIME,
  claims: CLAIMS_MIME,
  asm: ASM_MIME,
  bce: BCE_MIME,
  inline: INLINE_MIME,
  layout: LAYOUT_MIME,
  profile: PROFILE_MIME,
} as const;

export { renderEscape, visibleDiagnostics, silenceLine } from "./escape.js";
export { KIND_ORDER, summarizeKinds, shownMessage } from "./decisions.js";
export { renderBench } from "./bench.js";
export { displayName, formatSecPerOp, formatDuration, formatCi, formatCount, formatDelta, vsBase } from "./benchformat.js";
export { renderClaims, claimsSummary } from "./claims.js";
export { renderAsm } from "./asm.js";
export { renderBce } from "./bce.js";
export { renderInline } from "./inline.js";
export { renderLayout } from "./layout.js";
export { renderProfile, PROFILE_KINDS } from "./profile.js";
export { flameGraph } from "./flamegraph.js";
export { annotatedHtml, annotatedText, legend, type AnnotatedCell, type AnnotatedView, type BadgeKind, type BadgeKinds, type Mark, type Panel } from "./annotated.js";
export { escapeHtml, h, raw, highlightGo, highlightGoLines, Html } from "./html.js";
export { tokenizeGo, tokenizeGoLines } from "../kernel/go/gotokens.js";
export { barChart, niceTicks } from "./svg.js";
