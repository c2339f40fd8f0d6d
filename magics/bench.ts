// %bench: runs benchmarks on the session's code (go test -c once per change of code, then the test
// binary as often as needed) and reports them as benchstat does: medians with 95% intervals,
// exact allocation counts, Mann-Whitney comparisons against a saved run.

import { copyFileSync } from "node:fs";
import { BenchStreamParser, type BenchOutput, type BenchResultLine } from "../kernel/go/benchfmt.js";
import { summarize } from "../kernel/go/stats.js";
import { benchmarkName, isCall, shorthandBenchmark } from "../kernel/go/shorthand.js";
import { declaredName } from "../kernel/go/funcnames.js";
import type { BuildResult, CellError } from "../kernel/session.js";
import { renderBench } from "../renderers/bench.js";
import { UsageError, type Parsed } from "./args.js";
import { compileError } from "./dispatcher.js";
import { compareReports } from "./benchcompare.js";
import { GO_OPTION, builtWith, resolveReleases } from "./go.js";
import type { BenchEntry, BenchReport, CountSummary } from "../kernel/reports/index.js";
import type { Magic, MagicContext } from "./types.js";

export const bench: Magic = {
  name: "bench",
  summary: "Run benchmarks with -benchmem and show ns/op (median ± 95% CI), B/op and allocs/op.",
  usage:
    "%bench                      the benchmarks the cell defines (all of the session's when it defines none)\n" +
    "%bench REGEXP               the benchmarks whose names match\n" +
    "%bench F(1<<20) G(x)        each call becomes a generated b.Loop benchmark named after it",
  args: [{ name: "REGEXP|CALL", description: "a benchmark name pattern, or call expressions to measure", variadic: true }],
  options: [
    { name: "count", type: "int", value: "N", default: 6, description: "runs per benchmark (6 gives a 95% interval)", check: (v) => (Number(v) < 1 ? "must be at least 1" : undefined) },
    { name: "benchtime", type: "duration", value: "D|Nx", description: "time or iterations per run, e.g. 1s or 1000x" },
    { name: "cpu", type: "string", value: "LIST", description: "GOMAXPROCS values to run with, e.g. 1,2,4", check: (v) => (/^\d+(,\d+)*$/.test(String(v)) ? undefined : "must be a comma-separated list of numbers, like 1,2,4") },
    { name: "save", type: "string", value: "NAME", description: "keep this result in the session under NAME" },
    { name: "compare", type: "string", value: "NAME", description: "compare against the result saved as NAME" },
    { ...GO_OPTION, description: "build and run with release A (1.22.12, local, or a path to go); A,B: with both, compared (before = A)" },
  ],
  takesCode: true,
  run: runBench,
};

async function runBench(ctx: MagicContext, parsed: Parsed): Promise<CellError | null> {
  const { session } = ctx;
  const calls = parsed.args.filter(isCall);
  const patterns = parsed.args.filter((a) => !isCall(a)).map(benchPattern);
  if (calls.length && patterns.length) throw new UsageError("%bench: give either a name pattern or call expressions, not both", bench);
  const compareTo = parsed.options.compare as string | undefined;
  if (compareTo !== undefined && !ctx.state.has(`bench:${compareTo}`)) {
    const saved = [...ctx.state.keys()].filter((k) => k.startsWith("bench:")).map((k) => k.slice(6));
    throw new UsageError(`%bench: --compare ${compareTo}: no result saved under that name; saved: ${saved.join(", ") || "none (use --save NAME first)"}`, bench);
  }

  const taken = new Set(session.declarations().flatMap((d) => d.names));
  const shorthands = calls.map((expr) => ({ expr, name: benchmarkName(expr, taken) }));
  const magicLine = ctx.cell.source.split("\n")[ctx.line - 1] ?? "";
  const generated = shorthands.map((s) => shorthandBenchmark(s, { cell: ctx.cell.count, line: ctx.line, col: magicLine.indexOf(s.expr) + 1 })).join("\n");
  // --go: one release, or two compared (before = A, after = B); otherwise the session's toolchain.
  const releases = parsed.options.go === undefined ? undefined : await resolveReleases(ctx, String(parsed.options.go), "%bench --go");
  if (releases && !Array.isArray(releases)) return releases;
  if (releases?.length === 2 && compareTo !== undefined) throw new UsageError("%bench: --go A,B compares the two releases; it cannot also --compare a saved result", bench);
  // No shorthands: the session's generated benchmarks stay as they are (a cell without code keeps them).
  const staged = await session.stage(ctx.code, ctx.cell, { generatedTests: shorthands.length ? generated : undefined });
  if ("ename" in staged) return staged;
  // Every test binary is built before any runs: a release that cannot build stops the cell unmeasured.
  const binaries: { version: string; binary: string }[] = [];
  const builds: BuildResult[] = [];
  for (const [i, toolchain] of (releases ?? [undefined]).entries()) {
    const built = await session.buildTest(staged, ctx.signal, { toolchain, alongside: releases });
    const version = toolchain?.version ?? session.go?.version ?? "";
    if (!built.ok) {
      const error = withOldGoHint(compileError(built.output), version, shorthands.length > 0);
      return releases ? builtWith(error, version) : error;
    }
    let binary = built.binary;
    if (releases && releases.length > 1) copyFileSync(built.binary, (binary = `${built.binary}.${i}`));
    binaries.push({ version, binary });
    builds.push(built);
  }
  session.commit(staged, ...builds);

  const defined = staged.decls.filter((d) => d.test && d.names[0]?.startsWith("Benchmark")).map((d) => d.names[0]);
  const inCell = staged.units.filter((u) => u.kind === "func" && u.names[0]?.startsWith("Benchmark")).map((u) => u.names[0]);
  const available = [...defined, ...generatedNames(staged.generatedTests)];
  const selected = shorthands.length ? shorthands.map((s) => s.name) : patterns.length ? available.filter((n) => matches(patterns.join("|"), n)) : inCell.length ? inCell : available;
  if (selected.length === 0) {
    const text = patterns.length
      ? `%bench ${patterns.join(" ")}: no benchmark matches; the benchmarks are: ${defined.join(", ") || "none"}`
      : "%bench: the session defines no benchmarks. Define func BenchmarkX(b *testing.B) in a cell, or measure calls directly: %bench F(1<<20)";
    return { ename: "UsageError", evalue: text, traceback: [text] };
  }

  const count = parsed.options.count as number;
  const flags = ["-test.run", "^$", "-test.bench", `^(${selected.join("|")})$`, "-test.benchmem", "-test.count", String(count)];
  if (parsed.options.benchtime) flags.push("-test.benchtime", String(parsed.options.benchtime));
  if (parsed.options.cpu) flags.push("-test.cpu", String(parsed.options.cpu));
  const cpus = parsed.options.cpu ? String(parsed.options.cpu).split(",").length : 1;
  const total = selected.length * count * cpus;

  const reports: BenchReport[] = [];
  const failures: BenchReport["failures"] = [];
  let error: CellError | null = null;
  for (const { version, binary } of binaries) {
    const parser = new BenchStreamParser();
    const displayId = `goperf-bench-${ctx.cell.count}-${version}-${Date.now()}`;
    const label = binaries.length > 1 ? `${version}: ` : "";
    let done = 0;
    const progress = (latest?: BenchResultLine) =>
      `${label}running ${selected.length} benchmark${selected.length > 1 ? "s" : ""} × ${count} runs${cpus > 1 ? ` × ${cpus} cpu settings` : ""}: ${done}/${total}` +
      (latest ? ` (last: ${latest.name} ${latest.run.ns_per_op} ns/op, ${latest.run.allocs_per_op ?? "?"} allocs/op)` : "");
    ctx.sink.display({ "text/plain": progress() }, { displayId });
    let raw = "";
    error = await session.runProgram(
      binary,
      flags,
      {
        stdout: (text) => {
          raw += text;
          const finished = parser.push(text);
          if (finished.length) {
            done += finished.length;
            ctx.sink.update(displayId, { "text/plain": progress(finished[finished.length - 1]) });
          }
        },
        stderr: (text) => ctx.sink.stream("stderr", text),
      },
      ctx.signal,
      { testBinary: true },
    );
    const output = parser.end();
    reports.push(buildReport(output, raw, version, flags, ctx.signal.aborted));
    failures.push(...output.failures);
    ctx.sink.update(displayId, { "text/plain": `${label}${ctx.signal.aborted ? `interrupted after ${done}/${total} runs` : `done: ${done} runs`}` });
    if (ctx.signal.aborted || error) break;
  }
  const report = reports[reports.length - 1];
  report.failures = failures;
  if (reports.length === 2) report.comparison = compareReports(reports[0], reports[1], reports[0].go_version, reports[1].go_version);
  if (compareTo !== undefined) report.comparison = compareReports(ctx.state.get(`bench:${compareTo}`) as BenchReport, report, compareTo, (parsed.options.save as string) ?? "current");
  if (parsed.options.save) ctx.state.set(`bench:${parsed.options.save}`, report);
  ctx.state.set("bench:last", report);
  if (report.benchmarks.length || report.failures.length) ctx.sink.display(renderBench(report));
  if (ctx.signal.aborted) return error;
  if (report.failures.length) {
    const text = `${report.failures.map((f) => f.name).join(", ")} failed`;
    return { ename: "BenchmarkFailed", evalue: text, traceback: report.failures.flatMap((f) => [`--- FAIL: ${f.name}`, ...f.output]) };
  }
  return error;
}

export function buildReport(output: BenchOutput, raw: string, goVersion: string, flags: string[], incomplete: boolean): BenchReport {
  const groups = new Map<string, BenchResultLine[]>();
  for (const r of output.results) {
    const key = `${r.name}\u0000${r.procs}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const benchmarks: BenchEntry[] = [...groups.values()].map((lines) => {
    const runs = lines.map((l) => l.run);
    const ns = summarize(runs.map((r) => r.ns_per_op));
    // Spread, too few runs and varying counts are derived from the numbers by the renderer.
    const warnings: string[] = [];
    const entry: BenchEntry = {
      name: lines[0].name,
      procs: lines[0].procs,
      runs,
      summary: {
        runs: runs.length,
        ns_per_op: ns,
        bytes_per_op: countSummary(runs.map((r) => r.bytes_per_op)),
        allocs_per_op: countSummary(runs.map((r) => r.allocs_per_op)),
        warnings,
      },
    };
    return entry;
  });
  return {
    go_version: goVersion,
    goos: output.config.goos ?? "",
    goarch: output.config.goarch ?? "",
    cpu: output.config.cpu ?? "",
    pkg: output.config.pkg ?? "",
    flags: flags.map((f) => f.replace(/^-test\./, "-")),
    benchmarks,
    raw,
    incomplete,
    failures: output.failures,
    notes: [],
  };
}

function countSummary(values: (number | undefined)[]): CountSummary | undefined {
  const xs = values.filter((v): v is number => v !== undefined);
  if (xs.length === 0) return undefined;
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  const sorted = [...xs].sort((a, b) => a - b);
  return { value: sorted[Math.floor(sorted.length / 2)], exact: min === max, min, max };
}

/** The benchmarks a shorthand wrote into a test file's generated code. */
function generatedNames(code: string): string[] {
  return [...code.matchAll(/^func (Benchmark\w*)\(b \*testing\.B\) \{$/gm)].map((m) => m[1]);
}

/**
 * A pattern written as the compiler spells a method, "(*Counter).Inc", means the benchmarks named
 * after it (BenchmarkCounter_Inc, as a shorthand names them); any other pattern is a regexp.
 */
export function benchPattern(pattern: string): string {
  return /^\(\*?\w+\)\.\w+$/.test(pattern) ? declaredName(pattern).replace(/\./g, "_") : pattern;
}

function matches(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern).test(name);
  } catch {
    return true; // let the go test binary judge patterns JavaScript cannot read
  }
}

function withOldGoHint(error: CellError, version: string | undefined, shorthands = false): CellError {
  if (!error.traceback.some((l) => /b\.Loop undefined/.test(l))) return error;
  const hint =
    `testing.B.Loop needs Go 1.24 or newer; this build used ${version ?? "an older Go"}: ` +
    (shorthands
      ? "%bench F(x) generates b.Loop benchmarks, so for this release define one with a b.N loop: func BenchmarkF(b *testing.B) { for i := 0; i < b.N; i++ { F(x) } }"
      : "write the benchmark's loop as for i := 0; i < b.N; i++ { ... } to measure with this release");
  return { ...error, traceback: [...error.traceback, hint] };
}
