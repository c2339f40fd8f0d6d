// %bench: runs benchmarks on the session's code (a test binary built once per change of code, as
// go test -c builds it, then run as often as needed) and reports them as benchstat does: medians
// with 95% intervals, exact allocation counts, Mann-Whitney comparisons against a saved run.

import { copyFileSync } from "node:fs";
import { benchDataDir, listSaved, loadRun, saveRun, SAVE_NAME } from "../kernel/benchstore.js";
import { BenchStreamParser, parseBenchOutput, type BenchOutput, type BenchResultLine } from "../kernel/go/benchfmt.js";
import { machineName, machineState, noiseAfter, noiseBefore, otherLoad } from "../kernel/machine.js";
import type { NoiseReport } from "../kernel/reports/noise.js";
import { buildSweep } from "./sweep.js";
import { generateSweepBenchmark, parseSweep, usesVar, type SweepVar } from "./sweepspec.js";
import { countSummary, summarize } from "../kernel/go/stats.js";
import { benchmarkName, isCall, shorthandBenchmark, type Shorthand } from "../kernel/go/shorthand.js";
import type { BuildResult, Candidate, CellError } from "../kernel/session.js";
import { declaredName } from "../kernel/go/funcnames.js";
import { renderBench } from "../renderers/bench.js";
import { UsageError, type Parsed } from "./args.js";
import { compileError } from "./dispatcher.js";
import { compareReports } from "./benchcompare.js";
import { GO_OPTION, builtWith, resolveReleases } from "./go.js";
import type { BenchEntry, BenchReport } from "../kernel/reports/index.js";
import { NO_LOCK_OPTION, underBenchLock } from "./benchlock.js";
import { displayNote } from "./benchdisplay.js";
import type { Magic, MagicContext } from "./types.js";

export const bench: Magic = {
  name: "bench",
  summary: "Run benchmarks with -benchmem and show ns/op (median ± 95% CI), B/op and allocs/op.",
  usage:
    "%bench                      the benchmarks the cell defines (all of the session's when it defines none)\n" +
    "%bench REGEXP               the benchmarks whose names match\n" +
    "%bench F(1<<20) G(x)        each call becomes a generated b.Loop benchmark named after it\n" +
    "%bench F(n) G(n) --sweep n=1,8,64,512,4096\n" +
    "                            each call at each size (BenchmarkF/n=64): a table per size, a chart against n,\n" +
    "                            crossovers and growth; n=1..4096x8 is a geometric range; 'n=1,8 k=2,4' a grid",
  args: [{ name: "REGEXP|CALL", description: "a benchmark name pattern, or call expressions to measure", variadic: true }],
  options: [
    { name: "count", type: "int", value: "N", default: 6, description: "runs per benchmark (6 gives a 95% interval)", check: (v) => (Number(v) < 1 ? "must be at least 1" : undefined) },
    { name: "benchtime", type: "duration", value: "D|Nx", description: "time or iterations per run, e.g. 1s or 1000x" },
    { name: "cpu", type: "string", value: "LIST", description: "GOMAXPROCS values to run with, e.g. 1,2,4", check: (v) => (/^\d+(,\d+)*$/.test(String(v)) ? undefined : "must be a comma-separated list of numbers, like 1,2,4") },
    { name: "timeout", type: "duration", value: "D", description: "stop a benchmark binary run after D (e.g. 30s): the benchmark it was in is marked failed; in a sweep the other sizes run on", check: (v) => (durationMs(String(v)) === undefined ? "must be a time like 30s or 2m, not an iteration count" : undefined) },
    { name: "sweep", type: "string", value: "VAR=VALUES", description: "run each call at each value: n=1,8,64 or n=1..4096x8 (geometric); several variables as a grid: 'n=1,8 k=2,4'" },
    { name: "save", type: "string", value: "NAME", description: "keep this result under NAME, in the session and as a benchstat file in your goperf data dir" },
    { name: "compare", type: "string", value: "NAME", description: "compare against the result saved as NAME (this session, or a saving from another day or machine)" },
    { name: "label", type: "string", value: "KEY=VALUE,…", description: "benchstat configuration keys written with --save (e.g. variant=pooled)", check: (v) => (labelsOf(String(v)) ? undefined : "must be key=value pairs separated by commas, keys in lower case without spaces (variant=pooled,host=ci)") },
    { ...GO_OPTION, description: "build and run with release A (1.22.12, local, or a path to go); A,B: with both, compared (before = A)" },
    NO_LOCK_OPTION,
    { name: "profile", type: "enum", values: ["mem", "cpu"], value: "mem|cpu", description: "then profile each benchmark as %profile --mem or --cpu does: costs per line of the source" },
    { name: "gc", type: "flag", description: "then run each benchmark with GODEBUG=gctrace=1, as %profile --gc does: heap, goal, pauses, GCs per op" },
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
  const saveAs = parsed.options.save as string | undefined;
  for (const [opt, name] of [["save", saveAs], ["compare", compareTo]] as const)
    if (name !== undefined && !SAVE_NAME.test(name)) throw new UsageError(`%bench: --${opt} ${name}: a name is letters, digits, _ . - (it names a file in your goperf data dir)`, bench);
  const baseline = compareTo === undefined ? undefined : savedBaseline(ctx, compareTo);

  const sweepVars = sweepOf(parsed, calls);
  const { shorthands, generated } = shorthandsOf(ctx, calls, sweepVars);
  // --go: one release, or two compared (before = A, after = B); otherwise the session's toolchain.
  const releases = parsed.options.go === undefined ? undefined : await resolveReleases(ctx, String(parsed.options.go), "%bench --go");
  if (releases && !Array.isArray(releases)) return releases;
  if (releases?.length === 2 && compareTo !== undefined) throw new UsageError("%bench: --go A,B compares the two releases; it cannot also --compare a saved result", bench);
  // No shorthands: the session's generated benchmarks stay as they are (a cell without code keeps them).
  const staged = await session.stage(ctx.code, ctx.cell, {
    generatedTests: shorthands.length ? generated : undefined,
    progress: (t) => ctx.sink.stream("stderr", t),
    signal: ctx.signal,
  });
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

  const selected = selectBenchmarks(staged, shorthands, patterns, "%bench");
  if (!Array.isArray(selected)) return selected;

  const count = parsed.options.count as number;
  // Named before the numbers. The governor and load average are read now, after the build (the
  // runs' own load raises the average); other work's load is sampled beside the first run, for
  // LOAD_SAMPLE_MS, so that the check costs the cell no time of its own.
  const machine = machineState("/");
  const load: { sample?: () => number | undefined; timer?: NodeJS.Timeout; busyCpus?: number } = {};
  const noise: NoiseReport = { before: [], after: [] };
  const flags = ["-test.run", "^$", "-test.bench", `^(${selected.join("|")})$`, "-test.benchmem", "-test.count", String(count)];
  if (parsed.options.benchtime) flags.push("-test.benchtime", String(parsed.options.benchtime));
  if (parsed.options.cpu) flags.push("-test.cpu", String(parsed.options.cpu));
  // testing stops its -test.timeout alarm before benchmarks run, so goperf keeps the time itself.
  const timeoutMs = parsed.options.timeout ? durationMs(String(parsed.options.timeout)) : undefined;
  const cpus = parsed.options.cpu ? String(parsed.options.cpu).split(",").length : 1;
  const points = sweepVars ? sweepVars.reduce((p, v) => p * v.values.length, 1) : 1;
  const total = selected.length * points * count * cpus;

  const reports: BenchReport[] = [];
  const progressIds: string[] = [];
  const failures: BenchReport["failures"] = [];
  const notes: string[] = [];
  let error: CellError | null = null;
  for (const { version, binary } of binaries) {
    const displayId = `goperf-bench-${ctx.cell.count}-${version}-${Date.now()}`;
    progressIds.push(displayId);
    const label = binaries.length > 1 ? `${version}: ` : "";
    let done = 0;
    const progress = (latest?: BenchResultLine) =>
      `${label}running ${selected.length} benchmark${selected.length > 1 ? "s" : ""}${points > 1 ? ` × ${points} sizes` : ""} × ${count} runs${cpus > 1 ? ` × ${cpus} cpu settings` : ""}: ${done}/${total}` +
      (latest ? ` (last: ${latest.name} ${latest.run.ns_per_op} ns/op, ${latest.run.allocs_per_op ?? "?"} allocs/op)` : "");
    ctx.sink.display({ "text/plain": progress() }, { displayId });
    let raw = "";
    const run = async (args: string[]): Promise<BenchOutput> => {
      const parser = new BenchStreamParser();
      const stop = new AbortController();
      const interrupt = () => stop.abort();
      ctx.signal.addEventListener("abort", interrupt);
      let timedOut = false;
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => ((timedOut = true), stop.abort()), timeoutMs);
      const waiting = (holder: string) => ctx.sink.update(displayId, { "text/plain": `${label}waiting for the machine-wide benchmark lock, held by ${holder}` });
      try {
        error = await underBenchLock(ctx, Boolean(parsed.options["no-lock"]), notes, waiting, () => {
          ctx.sink.update(displayId, { "text/plain": progress() });
          return session.runProgram(
            binary,
            args,
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
              started: (pgid) => {
                if (load.sample) return;
                const sample = (load.sample = otherLoad("/", pgid));
                load.timer = setTimeout(() => (load.busyCpus = sample()), LOAD_SAMPLE_MS).unref();
              },
            },
            stop.signal,
            { testBinary: true },
          );
        });
      } catch (err) {
        if ((err as Error).name !== "AbortError") throw err;
        const evalue = "the cell was interrupted while it waited for the machine-wide benchmark lock";
        error = { ename: "Interrupted", evalue, traceback: [`Interrupted: ${evalue}`] };
      }
      clearTimeout(timer);
      ctx.signal.removeEventListener("abort", interrupt);
      const out = parser.end();
      // testing prints a benchmark's name only after its first b.N=1 call: a size that hangs or
      // panics in that call is not named. In a sweep the order is known: the first size short of
      // its runs is the one the binary was in.
      if (error && !out.unfinished && sweepVars?.length === 1) out.unfinished = firstShort(out, selected, sweepVars[0], count * cpus);
      if (timedOut && !ctx.signal.aborted) {
        // The reader did not interrupt: the benchmark it was in failed, the cell goes on.
        if (out.unfinished) out.failures.push({ name: out.unfinished, output: [`timed out after ${parsed.options.timeout} (%bench --timeout)`] });
        error = out.unfinished ? null : { ename: "Timeout", evalue: `the benchmarks ran past --timeout ${parsed.options.timeout}`, traceback: [`Timeout: the benchmarks ran past --timeout ${parsed.options.timeout}`] };
        return out;
      }
      // A panic goes to stderr, where the session reads it as the cell's error: the benchmark it
      // happened in is the one testing had named and not finished.
      if (error && out.unfinished && !out.failures.some((f) => f.name === out.unfinished)) {
        // An interrupted sweep (a size that hangs, stopped by the reader) marks that size, not the sweep.
        const why = ctx.signal.aborted ? ["interrupted before this size finished (it may hang or need a shorter -benchtime)"] : error.traceback.length ? error.traceback : [`${error.ename}: ${error.evalue}`];
        if (!ctx.signal.aborted || sweepVars) out.failures.push({ name: out.unfinished, output: why });
      }
      // A panic in a benchmark's first b.N = 1 call can end the binary before testing names the
      // benchmark or its "--- FAIL" line is read: when one selected benchmark gave nothing, it is the
      // one that failed (the same answer whichever of the program's streams arrived first).
      if (error && !ctx.signal.aborted && out.failures.length === 0) {
        const silent = selected.filter((n) => !out.results.some((r) => r.name === n || r.name.startsWith(`${n}/`)));
        if (silent.length === 1) out.failures.push({ name: silent[0], output: error.traceback.length ? error.traceback : [`${error.ename}: ${error.evalue}`] });
      }
      return out;
    };
    let output = await run(flags);
    // A size that panics ends the binary; the sizes after it run in a fresh binary run, so one
    // failing size does not take the rest of the sweep with it.
    for (let pass = 0; sweepVars?.length === 1 && !ctx.signal.aborted && pass < MAX_SWEEP_RERUNS; pass++) {
      const rest = unmeasured(output, selected, sweepVars[0]);
      if (rest.length === 0 || (output.failures.length === 0 && !error)) break;
      const more = await run(withBenchPattern(flags, `^(${selected.join("|")})$/^(${rest.map((v) => `${sweepVars[0].name}=${v}`).join("|")})$`));
      output = mergeOutputs(output, more);
    }
    reports.push(buildReport(output, raw, version, flags, ctx.signal.aborted));
    failures.push(...output.failures);
    // The count stays until the report replaces it (below), so no stale "done" line is left above the table.
    ctx.sink.update(displayId, { "text/plain": `${label}${ctx.signal.aborted ? `interrupted after ${done}/${total} runs` : `finished ${done} runs`}` });
    if (ctx.signal.aborted || error) break;
  }
  const report = reports[reports.length - 1];
  report.failures = failures;
  report.notes.push(...new Set(notes));
  const shows = displayNote(staged.decls, selected, generated);
  if (shows) report.notes.push(shows);
  const sweep = buildSweep(report.benchmarks, failures, sweepVars?.map((v) => v.name));
  if (sweep) report.sweep = sweep;
  clearTimeout(load.timer);
  noise.before = noiseBefore({ ...machine, ...(load.busyCpus !== undefined ? { busyCpus: load.busyCpus } : {}) });
  noise.after = noiseAfter(report.benchmarks.map((b) => ({ name: b.name, spreadPct: b.summary.ns_per_op.spreadPct })));
  if (noise.before.length || noise.after.length) report.noise = noise;
  // The configuration keys (the machine's name among them) go only where they are asked for: into a
  // saving and a comparison with one, not into every report a notebook keeps.
  const config = benchConfig(report, parsed);
  if (saveAs !== undefined || baseline) report.config = config;
  if (reports.length === 2) report.comparison = compareReports(reports[0], reports[1], reports[0].go_version, reports[1].go_version);
  if (baseline) {
    report.comparison = compareReports(baseline.report, report, compareTo!, saveAs ?? "current");
    const differ = configDiffers(baseline.report.config ?? {}, config);
    if (differ.length) report.comparison.config_differs = differ;
    if (baseline.path) report.comparison.baseline_file = baseline.path;
  }
  if (saveAs) {
    ctx.state.set(`bench:${saveAs}`, report);
    try {
      report.saved = saveRun(saveAs, report.raw, config);
    } catch (e) {
      report.notes.push(`--save ${saveAs}: kept in this session only; the file could not be written: ${(e as Error).message}`);
    }
  }
  ctx.state.set("bench:last", report);
  const bundle = report.benchmarks.length || report.failures.length ? renderBench(report) : undefined;
  // Earlier releases' counts (--go A,B) give way to nothing; the last one becomes the report.
  for (const id of progressIds.slice(0, -1)) ctx.sink.update(id, { "text/plain": "" });
  if (bundle && progressIds.length) ctx.sink.update(progressIds[progressIds.length - 1], bundle);
  else if (bundle) ctx.sink.display(bundle);
  if (ctx.signal.aborted) return error;
  const kinds = [parsed.options.profile as "mem" | "cpu" | undefined, parsed.options.gc ? ("gc" as const) : undefined].filter((k) => k !== undefined);
  if (kinds.length && !error && !report.failures.length) {
    // Loaded only when asked for: the profiler's modules are not on %bench's path otherwise.
    const { profileEach } = await import("./profile.js");
    const targets = shorthands.length ? shorthands.map((s) => s.expr) : selected.map((n) => `^${n}$`);
    for (const kind of kinds) {
      const failed = await profileEach(ctx, targets, { kind, benchtime: parsed.options.benchtime as string | undefined, go: parsed.options.go as string | undefined, noLock: Boolean(parsed.options["no-lock"]) });
      if (failed) return failed;
    }
  }
  if (report.failures.length) {
    const text = `${report.failures.map((f) => f.name).join(", ")} failed`;
    return { ename: "BenchmarkFailed", evalue: text, traceback: report.failures.flatMap((f) => [`--- FAIL: ${f.name}`, ...f.output]) };
  }
  return error;
}

export { countSummary };

/** "30s", "1m30s", "500ms" → milliseconds; undefined for an iteration count or nonsense. */
export function durationMs(text: string): number | undefined {
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6 };
  if (!/^(\d+(\.\d+)?(ns|us|\u00b5s|ms|s|m|h))+$/.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|\u00b5s|ms|s|m|h)/g)) ms += Number(m[1]) * unit[m[2]];
  return ms;
}

/** Fresh binary runs after sizes that crashed it: each run loses at least the size that failed. */
const MAX_SWEEP_RERUNS = 8;

/** How long other work's load is sampled beside the first run (at /proc's 100 ticks a second). */
const LOAD_SAMPLE_MS = 250;

/** The first sub-benchmark, in the order testing runs them, with fewer results than `runs` and no failure. */
function firstShort(output: BenchOutput, selected: readonly string[], v: SweepVar, runs: number): string | undefined {
  const done = new Map<string, number>();
  for (const r of output.results) done.set(r.name, (done.get(r.name) ?? 0) + 1);
  const failed = new Set(output.failures.map((f) => f.name));
  for (const b of selected)
    for (const x of v.values) {
      const name = `${b}/${v.name}=${x}`;
      if (!failed.has(name) && (done.get(name) ?? 0) < runs) return name;
    }
  return undefined;
}

/** Values of the swept variable that neither finished nor failed in some selected benchmark. */
function unmeasured(output: BenchOutput, selected: readonly string[], v: SweepVar): number[] {
  const seen = new Set([...output.results.map((r) => r.name), ...output.failures.map((f) => f.name)]);
  return v.values.filter((x) => selected.some((b) => !seen.has(`${b}/${v.name}=${x}`)));
}

function withBenchPattern(flags: readonly string[], pattern: string): string[] {
  const out = [...flags];
  out[out.indexOf("-test.bench") + 1] = pattern;
  return out;
}

function mergeOutputs(a: BenchOutput, b: BenchOutput): BenchOutput {
  return {
    config: { ...a.config, ...b.config },
    results: [...a.results, ...b.results],
    failures: [...a.failures, ...b.failures],
    status: a.status === "ok" && b.status === "ok" ? "ok" : "fail",
    other: [...a.other, ...b.other],
  };
}

/** The --sweep variables, checked against the calls; undefined without --sweep. */
function sweepOf(parsed: Parsed, calls: readonly string[]): SweepVar[] | undefined {
  const spec = parsed.options.sweep as string | undefined;
  if (spec === undefined) return undefined;
  if (calls.length === 0)
    throw new UsageError("%bench --sweep: give the calls to sweep, using the variable: %bench F(n) G(n) --sweep n=1,8,64 (a cell's own b.Run(\"n=64\", …) sub-benchmarks are charted without --sweep)", bench);
  let vars: SweepVar[];
  try {
    vars = parseSweep(spec);
  } catch (e) {
    throw new UsageError(`%bench ${(e as Error).message}`, bench);
  }
  for (const v of vars)
    if (!calls.some((c) => usesVar(c, v.name)))
      throw new UsageError(`%bench --sweep: no call uses ${v.name}; write it where the size goes: ${calls.map((c) => c.replace(/\((.*)\)$/s, `(${v.name})`)).join(" ")}`, bench);
  return vars;
}

/** "variant=pooled,host=ci" → {variant: "pooled", host: "ci"}; undefined when malformed. */
export function labelsOf(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const part of text.split(",")) {
    const m = /^([a-z][a-z0-9_.-]*)=(.*)$/.exec(part.trim());
    if (!m) return undefined;
    out[m[1]] = m[2];
  }
  return out;
}

/** benchstat configuration keys for this run: where and with what it was measured. */
function benchConfig(r: BenchReport, parsed: Parsed): Record<string, string> {
  const labels = parsed.options.label ? (labelsOf(String(parsed.options.label)) ?? {}) : {};
  return { goos: r.goos, goarch: r.goarch, cpu: r.cpu, go: r.go_version, machine: machineName(), ...labels };
}

function configDiffers(before: Record<string, string>, after: Record<string, string>): { key: string; before: string; after: string }[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => k !== "pkg");
  return keys.filter((k) => (before[k] ?? "") !== (after[k] ?? "")).map((k) => ({ key: k, before: before[k] ?? "", after: after[k] ?? "" }));
}

/** The run --compare NAME means: this session's saving first, then a file saved on another day or machine. */
function savedBaseline(ctx: MagicContext, name: string): { report: BenchReport; path?: string } {
  const inSession = ctx.state.get(`bench:${name}`) as BenchReport | undefined;
  if (inSession) return { report: inSession };
  const file = loadRun(name);
  if (file) {
    const output = parseBenchOutput(file.text);
    const report = buildReport(output, file.text, output.config.go ?? "", [], false);
    report.config = { ...output.config };
    delete report.config.pkg;
    return { report, path: file.path };
  }
  const session = [...ctx.state.keys()].filter((k) => k.startsWith("bench:") && k !== "bench:last").map((k) => k.slice(6));
  const files = listSaved();
  throw new UsageError(
    `%bench: --compare ${name}: no result saved under that name; in this session: ${session.join(", ") || "none"}; saved in ${benchDataDir()}: ${files.join(", ") || "none"} (use --save NAME first)`,
    bench,
  );
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

/** The benchmarks a shorthand wrote into a test file's generated code. */
function generatedNames(code: string): string[] {
  return [...code.matchAll(/^func (Benchmark\w*)\(b \*testing\.B\) \{$/gm)].map((m) => m[1]);
}

/** The generated benchmarks for call shorthands on the magic's line (%bench, %profile), at each size with --sweep. */
export function shorthandsOf(ctx: MagicContext, calls: readonly string[], sweepVars?: SweepVar[]): { shorthands: Shorthand[]; generated: string } {
  const taken = new Set(ctx.session.declarations().flatMap((d) => d.names));
  const shorthands = calls.map((expr) => ({ expr, name: benchmarkName(expr, taken) }));
  const magicLine = ctx.cell.source.split("\n")[ctx.line - 1] ?? "";
  const generated = shorthands
    .map((s) => {
      const at = { cell: ctx.cell.count, line: ctx.line, col: magicLine.indexOf(s.expr) + 1 };
      return sweepVars ? generateSweepBenchmark(s.name, s.expr, sweepVars, at.cell, at.line, at.col) : shorthandBenchmark(s, at);
    })
    .join("\n");
  return { shorthands, generated };
}

/**
 * The benchmarks to run: the shorthands' own, those matching the patterns, the cell's, or else all
 * of the session's (its own and the shorthands it keeps); none is an error that says which exist.
 */
export function selectBenchmarks(staged: Candidate, shorthands: readonly Shorthand[], patterns: readonly string[], what: string): string[] | CellError {
  const defined = staged.decls.filter((d) => d.test && d.names[0]?.startsWith("Benchmark")).map((d) => d.names[0]);
  const inCell = staged.units.filter((u) => u.kind === "func" && u.names[0]?.startsWith("Benchmark")).map((u) => u.names[0]);
  const available = [...defined, ...generatedNames(staged.generatedTests)];
  const selected = shorthands.length ? shorthands.map((s) => s.name) : patterns.length ? available.filter((n) => matches(patterns.join("|"), n)) : inCell.length ? inCell : available;
  if (selected.length === 0) {
    const text = patterns.length
      ? `${what} ${patterns.join(" ")}: no benchmark matches; the benchmarks are: ${defined.join(", ") || "none"}`
      : `${what}: the session defines no benchmarks. Define func BenchmarkX(b *testing.B) in a cell, or measure calls directly: ${what} F(1<<20)`;
    return { ename: "UsageError", evalue: text, traceback: [text] };
  }
  return selected;
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

export function withOldGoHint(error: CellError, version: string | undefined, shorthands = false): CellError {
  if (!error.traceback.some((l) => /b\.Loop undefined/.test(l))) return error;
  const hint =
    `testing.B.Loop needs Go 1.24 or newer; this build used ${version ?? "an older Go"}: ` +
    (shorthands
      ? "%bench F(x) generates b.Loop benchmarks, so for this release define one with a b.N loop: func BenchmarkF(b *testing.B) { for i := 0; i < b.N; i++ { F(x) } }"
      : "write the benchmark's loop as for i := 0; i < b.N; i++ { ... } to measure with this release");
  return { ...error, traceback: [...error.traceback, hint] };
}
