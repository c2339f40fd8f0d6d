// `%bench F(x)` shorthands: which words are call expressions, and the benchmark name each becomes.
// Shared by the %bench magic (which measures them) and goperf export (which writes them out as the
// same benchmarks), so that a lab's benchmark has the name the notebook showed.

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
