// The renderers: pure functions from a magic's report to a MIME bundle (text/plain, self-contained
// text/html, and the report under its versioned vendor type).

export { MIME } from "../kernel/reports/index.js";

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
