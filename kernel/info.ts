// What kernel_info says about the language: the toolchain's release and the banner. One source for
// the dispatcher (the session's chosen toolchain) and for the kernel while its session starts.

import type { ToolchainInfo } from "./go/toolchain.js";

/** What is known of the toolchain: all of it once detected, the release alone before. */
export type KnownToolchain = Pick<ToolchainInfo, "version"> & Partial<Pick<ToolchainInfo, "goos" | "goarch">>;

/** "1.26.8", or "unknown" without a usable toolchain. */
export function languageVersion(go: KnownToolchain | null): string {
  return go?.version.replace(/^go/, "") ?? "unknown";
}

/** `problem`: why there is no usable toolchain (shown instead). */
export function banner(go: KnownToolchain | null, problem: string | undefined): string {
  if (!go) return `goperf: ${problem}`;
  const platform = go.goos && go.goarch ? ` (${go.goos}/${go.goarch})` : "";
  return `goperf: Go ${go.version}${platform} for performance experiments. %help lists the magics.`;
}
