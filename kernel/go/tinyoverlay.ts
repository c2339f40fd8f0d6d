// A profiling build that sees every allocation.
//
// With MemProfileRate = 1 the runtime records every allocation but one kind: an object under 16
// bytes without pointers that the tiny allocator places inside the current 16-byte block (an
// escaping int, a small string) returns early, before the profiling hook (runtime/malloc.go,
// mallocgcTiny; and the size-specialized mallocTiny* copies in malloc_generated.go since go1.26).
// The testing package counts those in allocs/op (runtime.MemStats.Mallocs includes them), so a
// stock heap profile of `SquareLogged` shows half its allocations, and per-line counts cannot add
// up to allocs/op. No flag or GODEBUG setting changes that (the race detector's build disables the
// combining, but also changes what sync.Pool keeps, so the counts differ).
//
// So %profile --mem builds its test binary with a `go build -overlay` copy of those runtime files
// in which that early return first records the allocation, when (and only when) MemProfileRate is
// 1, with size TINY_COMBINED_SIZE as its marker: the allocator's behaviour is unchanged, the
// program allocates exactly as the stock build does; only the profiler sees more. Where a release's
// source does not have the expected shape, nothing is patched and the report says the profile
// cannot see tiny-allocator combines.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";

export const TINY_FILES = ["malloc.go", "malloc_generated.go"];

/**
 * The size label the profiling build's runtime gives an allocation that the tiny allocator placed
 * inside an existing 16-byte block: counted as an allocation with no bytes of its own, as the
 * testing package counts it (the block's 16 bytes go to the allocation that opened it). No real
 * sample has it: the runtime records size-class sizes, 8 bytes and up.
 */
export const TINY_COMBINED_SIZE = 1;

/** Adds the profiling call after every `c.tinyAllocs++` (the combined-allocation early return). */
export function patchTinyProfiling(source: string, markerSize: number): { text: string; patched: number } {
  let patched = 0;
  const text = source.replace(/^(\s*)c\.tinyAllocs\+\+$/gm, (_line, indent: string) => {
    patched++;
    return `${indent}c.tinyAllocs++\n${indent}if MemProfileRate == 1 {\n${indent}\tprofilealloc(mp, x, ${markerSize}) // goperf: profile tiny-allocator combines too\n${indent}}`;
  });
  return { text, patched };
}

/**
 * Writes the patched runtime files for the toolchain at `goroot` under `root` (a private cache
 * dir: the same content at the same path keeps the go command's build cache warm across sessions)
 * and returns the -overlay file, or null when the source has no place to patch.
 */
export function tinyProfilingOverlay(goroot: string, root: string, markerSize: number): string | null {
  const replace: Record<string, string> = {};
  const patchedFiles: { name: string; text: string }[] = [];
  for (const name of TINY_FILES) {
    const original = join(goroot, "src", "runtime", name);
    if (!existsSync(original)) continue;
    const { text, patched } = patchTinyProfiling(readFileSync(original, "utf8"), markerSize);
    if (patched > 0) patchedFiles.push({ name, text });
  }
  if (patchedFiles.length === 0) return null;
  const digest = createHash("sha256");
  for (const f of patchedFiles) digest.update(f.name).update("\0").update(f.text);
  const dir = join(root, `tiny-${digest.digest("hex").slice(0, 16)}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const f of patchedFiles) {
    const target = join(dir, f.name);
    writeFileSync(target, f.text, { mode: 0o600 });
    replace[join(goroot, "src", "runtime", f.name)] = target;
  }
  const overlay = join(dir, "overlay.json");
  writeFileSync(overlay, JSON.stringify({ Replace: replace }), { mode: 0o600 });
  return overlay;
}
