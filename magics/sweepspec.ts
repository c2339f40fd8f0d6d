// %bench --sweep: the value lists a reader writes ("n=1,8,64", "n=1..4096x8", "n=1..4096x8 k=1,2")
// and the benchmark generated for each call: one Benchmark per call, one b.Run per value (nested
// per variable), named "n=64" so that go test prints BenchmarkF/n=64 and benchstat reads /n=64 as
// a key. One generated benchmark per call means one test binary run measures every size.

import { cellFile, lineDirective } from "../kernel/go/compose.js";

export interface SweepVar {
  name: string;
  values: number[];
}

/**
 * Points one call may sweep. Each point runs -count times for at least the benchtime (6 × 1 s by
 * default), so 64 points of one function already take several minutes: beyond that a sweep is
 * better split, or given coarser steps.
 */
export const MAX_POINTS = 64;

/** Parses the --sweep value; throws Error with what was wrong and what would be right. */
export function parseSweep(spec: string): SweepVar[] {
  const parts = spec.split(/[;\s]+/).filter((p) => p !== "");
  if (parts.length === 0) throw new Error("--sweep needs VAR=VALUES, e.g. n=1,8,64 or n=1..4096x8");
  const vars = parts.map(parseVar);
  const names = vars.map((v) => v.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new Error(`--sweep: ${twice} is given twice; give each variable once (n=1,8,64 k=1,2)`);
  const points = vars.reduce((p, v) => p * v.values.length, 1);
  if (points > MAX_POINTS)
    throw new Error(
      `--sweep: ${points} points per call is more than ${MAX_POINTS}: each point runs -count times for the benchtime, ` +
        "so this would take hours; use fewer values or a coarser geometric step (n=1..4096x8)",
    );
  return vars;
}

function parseVar(part: string): SweepVar {
  const m = /^([A-Za-z_]\w*)=(.+)$/.exec(part);
  if (!m) throw new Error(`--sweep: "${part}" is not VAR=VALUES; write n=1,8,64 (a list) or n=1..4096x8 (from 1 to 4096, times 8 each step)`);
  const [, name, list] = m;
  const range = /^(-?\d+)\.\.(-?\d+)(?:x(\d+(?:\.\d+)?)|\+(\d+))?$/.exec(list);
  let values: number[];
  if (range) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (from > to) throw new Error(`--sweep ${name}: ${from}..${to} runs backwards; write the smaller value first`);
    if (range[4] !== undefined) {
      const step = Number(range[4]);
      if (step <= 0) throw new Error(`--sweep ${name}: the step of ${list} must be positive`);
      values = [];
      for (let v = from; v <= to && values.length <= MAX_POINTS; v += step) values.push(v);
    } else {
      const factor = range[3] === undefined ? 2 : Number(range[3]);
      if (!(factor > 1)) throw new Error(`--sweep ${name}: the factor of ${list} must be above 1 (n=1..4096x8)`);
      if (from <= 0) throw new Error(`--sweep ${name}: a geometric range starts above 0 (n=1..4096x8), not at ${from}`);
      values = [];
      for (let v = from; v <= to && values.length <= MAX_POINTS; v = Math.round(v * factor)) values.push(v);
      if (values[values.length - 1] !== to && values.length <= MAX_POINTS) values.push(to);
    }
  } else {
    const items = list.split(",");
    const bad = items.find((s) => !/^-?\d+$/.test(s.trim()));
    if (bad !== undefined) throw new Error(`--sweep ${name}: "${bad}" is not a whole number; sweep values are ints (n=1,8,64)`);
    values = items.map((s) => Number(s.trim()));
  }
  const unique = [...new Set(values)].sort((a, b) => a - b);
  if (unique.length < 2) throw new Error(`--sweep ${name}: one value (${unique.join("")}) is not a sweep; give two or more (n=1,8,64) or measure that size directly: %bench F(${unique[0] ?? 1})`);
  if (unique.length > MAX_POINTS) throw new Error(`--sweep ${name}: more than ${MAX_POINTS} values; each runs -count times for the benchtime, so use fewer or a coarser step`);
  if (unique.some((v) => !Number.isSafeInteger(v))) throw new Error(`--sweep ${name}: values must be whole numbers within int range`);
  return { name, values: unique };
}

/** Whether the call expression uses the variable as an identifier (not inside a string or as a field). */
export function usesVar(expr: string, name: string): boolean {
  const code = expr.replace(/"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'/g, '""');
  return new RegExp(`(^|[^\\w.])${name}(?!\\w)`).test(code);
}

/**
 * The call's sweep benchmark. The sizes come from a slice, so inside the measured loop each
 * variable is an ordinary int the compiler cannot fold into the call (a constant would let it
 * size a make() at compile time and change what is measured). The call keeps the %bench line's
 * position, so a compile error points at the expression there.
 */
export function generateSweepBenchmark(name: string, expr: string, vars: readonly SweepVar[], cell: number, line: number, col: number): string {
  let body = "";
  const indent = (d: number) => "\t".repeat(d);
  vars.forEach((v, i) => {
    const d = 1 + 2 * i;
    body += `${indent(d)}for i${i}, ${v.name} := range []int{${v.values.join(", ")}} {\n`;
    body += `${indent(d + 1)}b.Run([]string{${v.values.map((x) => `"${v.name}=${x}"`).join(", ")}}[i${i}], func(b *testing.B) {\n`;
  });
  const d = 1 + 2 * vars.length;
  const used = vars.map((v) => `_ = ${v.name}`).join("; ");
  body += `${indent(d)}${used}\n${indent(d)}for b.Loop() {\n`;
  body += lineDirective(cellFile(cell), line, Math.max(1, col)) + `${expr}\n` + lineDirective("goperf-bench.go", 2, 1);
  body += `${indent(d)}}\n`;
  for (let i = vars.length - 1; i >= 0; i--) {
    const dd = 1 + 2 * i;
    body += `${indent(dd + 1)}})\n${indent(dd)}}\n`;
  }
  return lineDirective("goperf-bench.go", 1, 1) + `func ${name}(b *testing.B) {\n${body}}\n`;
}
