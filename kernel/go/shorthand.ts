// `%bench F(x)` shorthands: which words are call expressions, the benchmark name each becomes, and
// the benchmark itself. Shared by the %bench magic (which measures them) and goperf export (which
// writes them out), so that a lab measures what the notebook measured, under the name it showed.

import { cellFile, lineDirective } from "./compose.js";
import { FUNC_NAME_SOURCE, declaredName } from "./funcnames.js";

export interface Shorthand {
  name: string;
  expr: string;
}

/** A %bench argument that is a call expression (a shorthand), not a name pattern. */
export function isCall(arg: string): boolean {
  // Method expressions too, as the compiler spells methods: (*Counter).Inc(&c).
  return /^[A-Za-z_][\w.]*\s*(\[.*\])?\(.*\)$/s.test(arg) || /^\(\*?[A-Za-z_]\w*\)\.\w+\(.*\)$/s.test(arg);
}

/** Where the call's argument list opens: the "(" matching the expression's last ")". */
function argsStart(expr: string): number {
  let depth = 0;
  for (let i = expr.length - 1; i >= 0; i--) {
    if (expr[i] === ")") depth++;
    else if (expr[i] === "(" && --depth === 0) return i;
  }
  return expr.indexOf("(");
}

/**
 * "SquareQuiet(1<<20)" -> "BenchmarkSquareQuiet", unique among the names taken (and added to them).
 * The callee is named as declared (kernel/go/funcnames.ts): "(*Counter).Inc(&c)" and
 * "Counter.Inc" both give BenchmarkCounter_Inc, "SumSquares[int](xs)" BenchmarkSumSquares.
 */
export function benchmarkName(expr: string, taken: Set<string>): string {
  const written = expr.slice(0, argsStart(expr)).trim();
  const callee = (new RegExp(`^${FUNC_NAME_SOURCE}$`).test(written) ? declaredName(written) : written.replace(/\[.*$/, "")).replace(/\W+/g, "_");
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
