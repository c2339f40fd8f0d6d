// When a test binary may be reused: its key covers everything that goes into it. The go command
// has its own cache for this, but asking it costs a `go test -c` (package loading, hashing, a
// link check); this key lets an unchanged %bench skip the build entirely (the go command's or
// the direct one's, builds.ts), so it must change whenever the go command's answer would.

import { createHash } from "node:crypto";
import type { ToolchainInfo } from "../go/toolchain.js";

export interface TestBinaryInputs {
  toolchain: Pick<ToolchainInfo, "binary" | "version" | "goroot" | "gotoolchain">;
  /** The package's files as the build sees them (main.go, main_test.go; null: absent). */
  files: Readonly<Record<string, string | null>>;
  /** go.mod and go.sum exactly as on disk: the go line, the module requirements and their sums. */
  goMod: string | null;
  goSum: string | null;
  /** A fingerprint of the files of modules on disk that the build uses (%use); "" when none. */
  modules?: string;
  /** The environment the go command runs in. */
  env: NodeJS.ProcessEnv;
  /** The go command's arguments (build flags, -ldflags, the output path). */
  args: readonly string[];
}

/**
 * The variables that can change what the go command builds: all of its own (GOFLAGS, GOEXPERIMENT,
 * GOAMD64, GOOS, GOTOOLCHAIN, ...), cgo's (CGO_ENABLED, CGO_CFLAGS, ...), the C toolchain it
 * calls, and PATH, where it finds that toolchain.
 */
function buildsWith(name: string): boolean {
  return name.startsWith("GO") || name.startsWith("CGO_") || ["CC", "CXX", "AR", "FC", "PKG_CONFIG", "PATH"].includes(name);
}

export function testBinaryKey(inputs: TestBinaryInputs): string {
  const env = Object.entries(inputs.env)
    .filter(([name, value]) => value !== undefined && buildsWith(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const { binary, version, goroot, gotoolchain } = inputs.toolchain;
  const files = Object.entries(inputs.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = JSON.stringify({ toolchain: [binary, version, goroot, gotoolchain ?? "local"], files, goMod: inputs.goMod, goSum: inputs.goSum, modules: inputs.modules ?? "", env, args: inputs.args });
  return createHash("sha256").update(text).digest("hex");
}
