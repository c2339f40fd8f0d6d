// %bench and goperf/display: a benchmark whose code reaches a display call measures the encoding
// of a message each time (the test binary has no display channel, so nothing is shown), and its
// allocations count in allocs/op. The report says so rather than leave the reader puzzled.

import type { Decl } from "../kernel/go/compose.js";
import { DISPLAY_MODULE } from "../kernel/go/displaymodule.js";
import { namesIn, reachableDecls } from "../kernel/go/reachable.js";

/** The note for a report, or null when no selected benchmark reaches the package. */
export function displayNote(decls: readonly Decl[], selected: readonly string[], generated: string): string | null {
  const names = new Set<string>();
  for (const d of decls) {
    for (const i of d.imports ?? []) if (i.path === DISPLAY_MODULE || i.path.startsWith(DISPLAY_MODULE + "/")) names.add(i.name || i.path.split("/").pop()!);
  }
  if (names.size === 0) return null;
  const benchmarks = decls.filter((d) => d.test && selected.includes(d.names[0]));
  const roots = [...benchmarks.map((d) => d.text), generated];
  const code = [...roots, ...reachableDecls(decls.filter((d) => !d.test), roots).map((d) => d.text)];
  const calls = code.some((text) => [...names].some((n) => namesIn(text).has(n)));
  return calls
    ? "the measured code calls goperf/display: each call encodes a message and allocates, and that cost is in these figures (a benchmark's displays are not shown)"
    : null;
}
