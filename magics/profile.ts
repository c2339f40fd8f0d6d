// %profile: one benchmark under the runtime's profilers, its costs put on the cell's own source
// beside the compiler's decisions. The test binary is the one %bench builds (for --mem, its
// profiling build: see kernel/go/tinyoverlay.ts), run with -test.memprofile/-test.cpuprofile/
// -test.blockprofile/-test.mutexprofile; the profile is decoded in TypeScript (kernel/go/pprof.ts)
// and every location in it already names cell lines (the kernel's //line directives).
//
// Allocations per iteration are counted as the testing package counts allocs/op: every allocation
// over the N measured iterations (MemProfileRate=1), divided by N and rounded down, so per-line
// counts add up to %bench's allocs/op; the exact totals are in the report beside them.

import { readFileSync, rmSync } from "node:fs";
import { BenchStreamParser } from "../kernel/go/benchfmt.js";
import { parseGcTrace } from "../kernel/profiles/gctrace.js";
import { TINY_COMBINED_SIZE, tinyProfilingOverlay } from "../kernel/go/tinyoverlay.js";
import { MODULE_PATH, cacheDir } from "../kernel/go/workspace.js";
import { PROFILE_MIME, type ProfileKind, type ProfileReport, type ProfileRun } from "../kernel/reports/profile.js";
import type { BuildResult, CellError } from "../kernel/session.js";
import { renderProfile } from "../renderers/profile.js";
import { UsageError, type Parsed } from "./args.js";
import { isCall } from "../kernel/go/shorthand.js";
import { benchPattern, selectBenchmarks, shorthandsOf, withOldGoHint } from "./bench.js";
import { compileError } from "./dispatcher.js";
import { decisionsIn } from "./escape.js";
import { GO_OPTION, builtWith, resolveReleases } from "./go.js";
import { NO_LOCK_OPTION, underBenchLock } from "./benchlock.js";
import { assembleRun, markDifferences, omissions, type RunCosts } from "./profilereport.js";
import type { Magic, MagicContext } from "./types.js";

export { PROFILE_MIME };

const KINDS = ["mem", "cpu", "block", "mutex", "gc"] as const;
type Kind = (typeof KINDS)[number];

/** --mem's default -benchtime: enough iterations that one-time allocations round away, as in %bench. */
const DEFAULT_MEM_ITERATIONS = 2000;

export const profile: Magic = {
  name: "profile",
  summary: "Profile one benchmark: allocations (default), CPU, blocking or lock waits per line of the cell's source, beside the compiler's decisions.",
  usage:
    "%profile SquareLogged            the benchmark whose name matches (one benchmark per profile)\n" +
    "%profile SquareLogged(1<<20)     a call, measured as %bench measures it (a generated b.Loop benchmark)\n" +
    "%profile --cpu Sum               where the time goes: flame graph, top functions, per-line %\n" +
    "%profile --gc Sum                GODEBUG=gctrace=1: heap size, heap goal and pauses over the run",
  args: [{ name: "REGEXP|CALL", description: "a benchmark name pattern matching one benchmark, or one call expression", variadic: true }],
  options: [
    { name: "mem", type: "flag", description: "allocations per line and function, per iteration (the default)" },
    { name: "cpu", type: "flag", description: "CPU time: flame graph, top table (flat and cumulative), per-line percentages" },
    { name: "block", type: "flag", description: "time blocked on channels and sync primitives (-test.blockprofile)" },
    { name: "mutex", type: "flag", description: "time waiting for contended locks (-test.mutexprofile)" },
    { name: "gc", type: "flag", description: "garbage collections over the run (GODEBUG=gctrace=1): heap, goal, pauses, GCs per op" },
    { name: "benchtime", type: "duration", value: "D|Nx", description: "time or iterations (--mem: iterations only, Nx; default 2000x)" },
    { ...GO_OPTION, description: "profile under release A; A,B: under both, per-line figures marked where they differ (before = A)" },
    NO_LOCK_OPTION,
  ],
  details:
    "--mem records every allocation (MemProfileRate=1) with a profiling build of the runtime that also records what the\n" +
    "tiny allocator combines into a 16-byte block (the stock profiler misses those). Costs in fmt, runtime or other\n" +
    "packages land on the cell line that called into them; the functions table names them. The raw profile is linked\n" +
    "in the output (a data: URL) for go tool pprof.",
  takesCode: true,
  run: async (ctx, parsed) =>
    profileEach(ctx, parsed.args, {
      kind: kindOf(parsed),
      benchtime: parsed.options.benchtime as string | undefined,
      go: parsed.options.go as string | undefined,
      asOne: true,
      noLock: Boolean(parsed.options["no-lock"]),
    }),
};

/**
 * Profiles and shows each target in turn (%bench --profile passes one per benchmark it ran;
 * %profile passes its arguments as one target). The first error stops there.
 */
export interface ProfileOptions {
  kind: Kind;
  benchtime?: string;
  go?: string;
  /** %profile's arguments are one target; %bench passes one target per benchmark. */
  asOne?: boolean;
  /** Run without the machine-wide benchmark lock. */
  noLock?: boolean;
}

export async function profileEach(ctx: MagicContext, targets: string[], { kind, benchtime, go, asOne = false, noLock = false }: ProfileOptions): Promise<CellError | null> {
  // %bench's -benchtime is a duration as often as not; allocation counts take the default count.
  const bt = kind === "mem" && benchtime !== undefined && !/^\d+x$/.test(benchtime) && !asOne ? undefined : benchtime;
  for (const args of asOne ? [targets] : targets.map((t) => [t])) {
    const report = await profileReport(ctx, args, kind, bt, go, noLock);
    if ("ename" in report) return report;
    ctx.state.set("profile:last", report);
    if (kind === "mem") {
      // Re-inserted, so the state's order is newest last (claims read it newest first).
      ctx.state.delete(`profile:mem:${report.benchmark}`);
      ctx.state.set(`profile:mem:${report.benchmark}`, report);
    }
    ctx.sink.display(renderProfile(report));
  }
  return null;
}

function kindOf(parsed: Parsed): Kind {
  const chosen = KINDS.filter((k) => parsed.options[k]);
  if (chosen.length > 1) throw new UsageError(`%profile: choose one of --${chosen.join(", --")}`, profile);
  return chosen[0] ?? "mem";
}

/** Stages the cell, builds, profiles the one benchmark the arguments name and returns the report. */
async function profileReport(ctx: MagicContext, args: string[], kind: Kind, benchtime: string | undefined, go: string | undefined, noLock: boolean): Promise<ProfileReport | CellError> {
  const { session } = ctx;
  const calls = args.filter(isCall);
  const patterns = args.filter((a) => !isCall(a)).map(benchPattern);
  if (calls.length && patterns.length) throw new UsageError("%profile: give either a name pattern or a call expression, not both", profile);
  if (calls.length > 1) throw new UsageError(`%profile: one benchmark per profile; ${calls.length} calls given (profile them one by one)`, profile);
  const memIterations = kind === "mem" ? memIterationsOf(benchtime) : 0;
  const releases = go === undefined ? undefined : await resolveReleases(ctx, go, "%profile --go");
  if (releases && !Array.isArray(releases)) return releases;

  // ---- the session: stage, build (each release), decisions, commit: the one place it is called.
  const { shorthands, generated } = shorthandsOf(ctx, calls);
  const staged = await session.stage(ctx.code, ctx.cell, { generatedTests: generated });
  if ("ename" in staged) return staged;
  const selected = selectBenchmarks(staged, shorthands, patterns, "%profile");
  if (!Array.isArray(selected)) return selected;
  if (selected.length > 1) {
    const text = `%profile: one benchmark per profile; ${patterns.length ? `${patterns.join(" ")} matches` : "the session has"} ${selected.join(", ")}: name one (e.g. %profile ${selected[0].replace(/^Benchmark/, "")}$)`;
    return { ename: "UsageError", evalue: text, traceback: [text] };
  }
  const benchmark = selected[0];
  const builds: { version: string; binary: string; tinyVisible: boolean }[] = [];
  const results: BuildResult[] = [];
  for (const toolchain of releases ?? [undefined]) {
    const info = (toolchain ?? session.go)!;
    const overlay = kind === "mem" ? tinyProfilingOverlay(info.goroot, `${cacheDir(session.goEnv)}/profile-runtime`, TINY_COMBINED_SIZE) : null;
    const built = await session.buildTest(staged, ctx.signal, { toolchain, alongside: releases }, overlay ? [`-overlay=${overlay}`] : []);
    results.push(built);
    if (!built.ok) {
      const error = withOldGoHint(compileError(built.output), info.version, shorthands.length > 0);
      return releases ? builtWith(error, info.version) : error;
    }
    builds.push({ version: info.version, binary: built.binary, tinyVisible: overlay !== null });
  }
  const decisionsBy: ReturnType<typeof decisionsIn>[] = [];
  for (const toolchain of releases ?? [undefined]) {
    const compiled = await session.compile(staged, ["-m=2"], ctx.signal, { toolchain, alongside: releases });
    decisionsBy.push(compiled.ok ? decisionsIn(compiled.output, staged.decls) : []);
  }
  session.commit(staged, ...results);

  // ---- the runs
  const runs: ProfileRun[] = [];
  const notes: string[] = [];
  const left: string[] = [];
  for (const [i, b] of builds.entries()) {
    const measured = await measure(ctx, b.binary, benchmark, kind, benchtime, memIterations, { skip: noLock, notes });
    if ("ename" in measured) return releases ? builtWith(measured, b.version) : measured;
    if (kind === "mem" && !b.tinyVisible) notes.push(`${b.version}: its runtime source has no tiny-allocator hook to patch, so objects the tiny allocator combines are not counted per line (unattributed_allocs_per_op)`);
    runs.push(assembleRun(measured, { kind, version: b.version, decls: staged.decls, decisions: decisionsBy[i] }));
    left.push(...omissions(measured).map((o) => (builds.length > 1 ? `${b.version}: ${o}` : o)));
  }
  const cells = [...new Set(runs.flatMap((r) => r.lines.map((l) => l.cell)))].sort((a, b) => a - b);
  const sources = cells.map((cell) => ({ cell, source: cell === ctx.cell.count ? ctx.cell.source : session.liveCells().find((c) => c.count === cell)?.source ?? "" }));
  const last = runs[runs.length - 1];
  const report: ProfileReport = { ...last, kind, benchmark, cells: sources, truncated: left.length > 0, notes: [...notes, ...left.map((o) => `Truncated: ${o}.`)] };
  if (runs.length === 2) {
    report.before = runs[0];
    markDifferences(report);
  }
  return report;
}

function memIterationsOf(benchtime: string | undefined): number {
  if (benchtime === undefined) return DEFAULT_MEM_ITERATIONS;
  const m = /^(\d+)x$/.exec(benchtime);
  if (!m || Number(m[1]) < 1) {
    throw new UsageError(`%profile --mem: -benchtime ${benchtime}: give an iteration count (like 1000x): allocations per iteration are counted over a fixed number of iterations`, profile);
  }
  return Number(m[1]);
}

/** What the run of one release measured, and what the testing package printed for it. */
export interface Measured extends RunCosts {
  kind: Kind;
}

/** Runs the benchmark under the profiler, reads and removes the profile. An interrupt or a failing benchmark discards it. */
async function measure(
  ctx: MagicContext,
  binary: string,
  benchmark: string,
  kind: Kind,
  benchtime: string | undefined,
  memN: number,
  lock: { skip: boolean; notes: string[] },
): Promise<Measured | CellError> {
  const { session } = ctx;
  const file = session.workspace.path(`profile-${process.pid}-${Date.now()}.pb.gz`);
  const flags = ["-test.run", "^$", "-test.bench", `^${benchmark}$`, "-test.benchmem", "-test.count", "1"];
  const bt = kind === "mem" ? `${memN}x` : benchtime;
  if (bt) flags.push("-test.benchtime", bt);
  if (kind === "mem") flags.push("-test.memprofile", file, "-test.memprofilerate", "1");
  if (kind === "cpu") flags.push("-test.cpuprofile", file);
  if (kind === "block") flags.push("-test.blockprofile", file);
  if (kind === "mutex") flags.push("-test.mutexprofile", file);
  const displayId = `goperf-profile-${ctx.cell.count}-${Date.now()}`;
  ctx.sink.display({ "text/plain": `profiling ${benchmark} (${kind})…` }, { displayId });
  try {
    const parser = new BenchStreamParser();
    let stderr = "";
    const waiting = (holder: string) => ctx.sink.update(displayId, { "text/plain": `waiting for the machine-wide benchmark lock, held by ${holder}` });
    const error = await underBenchLock(ctx, lock.skip, lock.notes, waiting, () => {
      ctx.sink.update(displayId, { "text/plain": `profiling ${benchmark} (${kind})…` });
      return session.runProgram(
        binary,
        flags,
        {
          stdout: (t) => void parser.push(t),
          stderr: (t) => {
            stderr += t;
            if (kind !== "gc") ctx.sink.stream("stderr", t);
          },
        },
        ctx.signal,
        { testBinary: true, env: kind === "gc" ? { GODEBUG: [session.envVars.GODEBUG ?? session.goEnv.GODEBUG, "gctrace=1"].filter(Boolean).join(",") } : {} },
      );
    }).catch((err: Error) => {
      if (err.name !== "AbortError") throw err;
      const evalue = "the cell was interrupted while it waited for the machine-wide benchmark lock";
      return { ename: "Interrupted", evalue, traceback: [`Interrupted: ${evalue}`] };
    });
    const output = parser.end();
    // The program's own stderr still reaches the reader; the trace lines become the chart.
    const trace = kind === "gc" ? parseGcTrace(stderr) : null;
    if (trace?.rest.trim()) ctx.sink.stream("stderr", trace.rest.replace(/^\n+/, ""));
    if (ctx.signal.aborted) return error ?? { ename: "Interrupted", evalue: "the cell was interrupted", traceback: ["Interrupted: the cell was interrupted"] };
    // A panic reaches stderr (the session reads it as the program's death) and may end the binary
    // before testing's "--- FAIL" line is read: a profile runs one benchmark, so it is the one that
    // failed when it gave no result (as %bench names the benchmark it was in).
    if (error && output.failures.length === 0 && !output.results.some((r) => r.name === benchmark)) {
      output.failures.push({ name: benchmark, output: error.traceback.length ? error.traceback : [`${error.ename}: ${error.evalue}`] });
    }
    if (output.failures.length) {
      const text = `${output.failures.map((f) => f.name).join(", ")} failed`;
      return { ename: "BenchmarkFailed", evalue: text, traceback: output.failures.flatMap((f) => [`--- FAIL: ${f.name}`, ...f.output]) };
    }
    if (error) return error;
    const result = output.results.find((r) => r.name === benchmark);
    if (!result) {
      const text = `%profile: ${benchmark} printed no result`;
      return { ename: "BenchmarkFailed", evalue: text, traceback: [text] };
    }
    const { iterations, allocs_per_op, bytes_per_op } = result.run;
    const raw = kind === "gc" ? null : readFileSync(file);
    // The decoder loads when a profile is read, not when the kernel starts (pprof-format: ~45 ms).
    const [{ decodeProfile }, { costs }] = await Promise.all([import("../kernel/profiles/pprof.js"), import("../kernel/profiles/profilecost.js")]);
    return {
      kind,
      iterations,
      costs: raw && kind !== "gc" ? costs(decodeProfile(raw), { kind, benchmark, packagePath: MODULE_PATH, iterations }) : null,
      raw,
      gc: trace?.cycles,
      reported: { allocs_per_op, bytes_per_op },
    };
  } finally {
    rmSync(file, { force: true });
    ctx.sink.update(displayId, { "text/plain": ctx.signal.aborted ? `profiling ${benchmark}: interrupted, nothing kept` : `profiled ${benchmark} (${kind})` });
  }
}

export type { ProfileKind };
