// `%bench F(x)` shorthands: which words are call expressions, the benchmark name each becomes, and
// the benchmark itself. Shared by the %bench magic (which measures them) and goperf export (which
// writes them out), so that a lab measures what the notebook measured, under the name it showed.

import { cellFile, lineDirective } from "./compose.js";

export interface Shorthand {
  name: string;
  expr: string;
}

/** A %bench argument that is a call expression (a shorthand), not a name pattern. */
export function isCall(arg: string): boolean {
  return /^[A-Za-z_][\w.]*\s*(\[.*\])?\(.*\)$/s.test(arg);
}

/** "SquareQuiet(1<<20)" -> "BenchmarkSquareQuiet", unique among the names taken (and added to them). */
export function benchmarkName(expr: string, taken: Set<string>): string {
  const callee = expr.slice(0, expr.indexOf("(")).replace(/\[.*$/, "").replace(/\W+/g, "_");
  const base = `Benchmark${callee.charAt(0).toUpperCase()}${callee.slice(1)}`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

/**
 * The shorthand's benchmark. b.Loop keeps the call's arguments and results alive, so the compiler
 * cannot optimise the measured call away, and the callee's own //go: directives stay in force.
 * With `at` (the kernel), the call carries the %bench line's position, so a compile error points at
 * the expression there; without it (an exported lab) it is plain Go.
 */
export function shorthandBenchmark(s: Shorthand, at?: { cell: number; line: number; col: number }): string {
  if (!at) return `func ${s.name}(b *testing.B) {\n\tfor b.Loop() {\n\t\t${s.expr}\n\t}\n}`;
  return (
    lineDirective("goperf-bench.go", 1, 1) +
    `func ${s.name}(b *testing.B) {\n\tfor b.Loop() {\n` +
    lineDirective(cellFile(at.cell), at.line, Math.max(1, at.col)) +
    `${s.expr}\n` +
    lineDirective("goperf-bench.go", 2, 1) +
    "\t}\n}\n"
  );
}
