// The versioned vendor MIME types that carry goperf's reports, declared once. The version in each
// name is the version of that report's schema (kernel/reports/<name>.ts; README "The vendor JSON
// types"): a change that breaks a reader gets a new name, never a new meaning under an old one.

export const ESCAPE_MIME = "application/vnd.goperf.escape.v1+json";
export const BENCH_MIME = "application/vnd.goperf.bench.v1+json";
export const CLAIMS_MIME = "application/vnd.goperf.claims.v1+json";
export const ASM_MIME = "application/vnd.goperf.asm.v1+json";
export const BCE_MIME = "application/vnd.goperf.bce.v1+json";
export const INLINE_MIME = "application/vnd.goperf.inline.v1+json";
export const LAYOUT_MIME = "application/vnd.goperf.layout.v1+json";
export const MODULES_MIME = "application/vnd.goperf.modules.v1+json";
export const PROFILE_MIME = "application/vnd.goperf.profile.v1+json";
export const TEST_MIME = "application/vnd.goperf.test.v1+json";
export const SESSION_MIME = "application/vnd.goperf.session.v1+json";

/** By report name, for readers that look a report up by what it is. */
export const MIME = {
  escape: ESCAPE_MIME,
  bench: BENCH_MIME,
  claims: CLAIMS_MIME,
  asm: ASM_MIME,
  bce: BCE_MIME,
  inline: INLINE_MIME,
  layout: LAYOUT_MIME,
  profile: PROFILE_MIME,
  modules: MODULES_MIME,
  test: TEST_MIME,
  session: SESSION_MIME,
} as const;
