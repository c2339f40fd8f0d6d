// A kernel session: the scratch module, the declarations cells have committed, and the one way
// code gets in — stage (parse + compose: an immutable candidate), build the candidate, and only
// then commit it. A cell whose build fails leaves the declarations exactly as they were.
// The pieces: session/candidate.ts (composition), session/builds.ts (compiler, go command, test
// binary cache), session/run.ts (running a program).

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { CellParser, type LayoutResult, type SplitResult, type Unit } from "./go/parse.js";
import type { Decl } from "./go/compose.js";
import type { CellRef } from "./go/declarations.js";
import { Workspace, cacheDir, goLineFor, goMod, privateDir, privateGoBuildCache, privateRoot, removeStale } from "./go/workspace.js";
import { formatRecord, recordOf } from "./go/processes.js";
import { prepareLauncher } from "./go/guard.js";
import { detectToolchain, type Detection, type RunResult, type ToolchainInfo } from "./go/toolchain.js";
import { goEnv } from "./go/env.js";
import { stdlibNames } from "./go/stdlib.js";
import { usesDisplay } from "./go/displaymodule.js";
import { ReleaseSyntaxError, parseRelease, resolveRelease, type Resolution } from "./go/releases.js";
import { committedFrom, composeCandidate, composePreview, emptyState, importSites, withModules, type Candidate, type CellSource, type Committed, type Composer } from "./session/candidate.js";
import { getModules, initialModules, requirements, resolveImports, unresolved, useModule, type ModuleAnswer, type ModuleHost, type ModuleState, type Requirement } from "./go/modules.js";
import { Builds, type BinaryResult, type BuildResult, type GoUse } from "./session/builds.js";
import { runProgram, type OutputCallbacks } from "./session/run.js";
import type { CellError } from "./session/errors.js";

export type { CellRef, Candidate, CellSource, CellError, GoUse, BuildResult, BinaryResult, OutputCallbacks, ModuleState, ModuleAnswer };

/** How a stage or module change reports the go command's progress (fetches), and stops it. */
export interface ModuleProgress {
  progress?: (text: string) => void;
  signal?: AbortSignal;
}
export { interrupted } from "./session/errors.js";
export { OUTPUT_CAP } from "./session/run.js";

/** A failed module operation as the cell's error: what was asked, then the go command's words. */
export function moduleError(answer: Extract<ModuleAnswer, { ok: false }>, what: string): CellError {
  if (answer.interrupted) return { ename: "Interrupted", evalue: "the cell was interrupted", traceback: ["Interrupted: the go command was stopped; the requirements are as they were"] };
  const lines = answer.message.split("\n").filter((l) => l.trim() !== "");
  const evalue = `${what}: ${lines[0] ?? "the go command failed"}`;
  return { ename: "ModuleError", evalue, traceback: [evalue, ...lines.slice(1), "the session's go.mod and go.sum are as they were"] };
}

export class Session {
  /** What cells have committed: replaced whole by commit(), never changed in place. */
  private state: Committed;
  private cells = new Map<number, CellSource>();
  private stdlibNames: Record<string, string> = {};
  private readonly builds: Builds;

  private constructor(
    readonly toolchain: Detection,
    readonly workspace: Workspace,
    /** Starts in the background: kernel_info is answered before the parser is needed. */
    private readonly parserReady: Promise<CellParser | null>,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.builds = new Builds({
      workspace,
      env,
      go: () => this.go,
      localGo: () => this.localGo,
      track: (start) => this.track(start),
      // The scratch module's one package is its module's root: the module path is the import path.
      testMain: async (source, importPath) => (await this.parser()).testMain(source, importPath, importPath),
    });
    this.state = emptyState(initialModules(goMod(goLineFor(toolchain.ok ? toolchain.info.version : "go1.24"))));
  }

  /** `detection`: the toolchain found already (the kernel looks before its session starts), made
   * with `goEnv` of the same `env`. */
  static async start(options: { goBinary?: string; env?: NodeJS.ProcessEnv; scratchRoot?: string; detection?: Promise<Detection> } = {}): Promise<Session> {
    const env: NodeJS.ProcessEnv = goEnv(options.env ?? process.env);
    // This user's private root (refused with a clear error when another user could reach into it).
    const root = options.scratchRoot === undefined ? privateRoot(env) : privateDir(options.scratchRoot, "TMPDIR");
    await removeStale(root);
    privateGoBuildCache(env);
    const goBinary = options.goBinary ?? "go";
    prepareLauncher(goBinary, cacheDir(env), env);
    // The parser starts beside the detection (both run the same go binary); without a usable
    // toolchain it is closed again.
    const parserStart = CellParser.start({ goBinary, cacheDir: cacheDir(env), env });
    parserStart.catch(() => undefined); // a parser that cannot start is the first cell's error
    const [toolchain, workspace] = await Promise.all([options.detection ?? detectToolchain(goBinary, env), Workspace.create(root)]);
    if (toolchain.ok) await workspace.write({ "go.mod": goMod(goLineFor(toolchain.info.version)) });
    // The go command's work dirs go inside the scratch dir: one it was killed before removing (an
    // interrupted build, a shutdown) goes with the scratch dir instead of staying in /tmp.
    env.GOTMPDIR = workspace.path("gotmp");
    mkdirSync(env.GOTMPDIR, { mode: 0o700 });
    const parserReady = toolchain.ok ? parserStart : parserStart.then((p) => p.close(), () => undefined).then(() => null);
    const session = new Session(toolchain, workspace, parserReady, env);
    if (toolchain.ok) {
      const goroot = toolchain.info.goroot;
      session.stdlibReady = stdlibNames(goroot, toolchain.info.version, cacheDir(env), parserReady).then((names) => (session.stdlibNames = names));
      session.stdlibReady.catch(() => undefined); // reported by the first cell that needs it
    }
    if (toolchain.ok) session.builds.warm();
    return session;
  }

  private stdlibReady: Promise<unknown> = Promise.resolve();

  /** The parser, once started (and the standard-library names with it). */
  private async parser(): Promise<CellParser> {
    const parser = await this.parserReady;
    await this.stdlibReady;
    if (!parser) throw new Error("no Go toolchain");
    return parser;
  }

  private composer(parser: CellParser): Composer {
    return { uses: (source) => parser.uses(source), stdlib: this.stdlibNames };
  }

  get go(): ToolchainInfo | null {
    return this.chosen ?? (this.toolchain.ok ? this.toolchain.info : null);
  }

  /** Sources of the cells whose declarations are live, in execution order. */
  liveCells(): CellSource[] {
    const live = new Set(this.state.decls.map((d) => d.cell));
    return [...this.cells.values()].filter((c) => live.has(c.count)).sort((a, b) => a.count - b.count);
  }

  declarations(): readonly Decl[] {
    return this.state.decls;
  }

  /** The error every cell answers when there is no usable toolchain. */
  toolchainError(): CellError | null {
    if (this.toolchain.ok) return null;
    return { ename: "GoToolchainError", evalue: this.toolchain.problem, traceback: [this.toolchain.problem] };
  }

  async isComplete(code: string): Promise<"complete" | "incomplete" | "invalid" | "unknown"> {
    if (!this.toolchain.ok) return "unknown";
    return (await this.parser()).isComplete(code);
  }

  /**
   * Parses the cell (magic lines already blanked by the caller, so lines keep their numbers) and
   * composes it with the committed declarations: a candidate to build. Nothing is written.
   */
  async stage(code: string, source: CellSource, extra: { generatedTests?: string; show?: boolean; modules?: ModuleState } & ModuleProgress = {}): Promise<Candidate | CellError> {
    const problem = this.toolchainError();
    if (problem) return problem;
    const parser = await this.parser();
    const split = await parser.split(code);
    if (!split.ok) {
      const { line, col, msg } = split.error;
      const text = `cell[${source.count}]:${line}:${col}: ${msg}`;
      return { ename: "SyntaxError", evalue: text, traceback: [text] };
    }
    const composed = await composeCandidate(this.state, split.units, source, extra, this.composer(parser));
    const candidate = extra.modules ? withModules(composed, extra.modules) : composed;
    // A third-party import seen for the first time: the go command finds its module (once).
    const missing = unresolved(candidate.modules, importSites(candidate));
    if (missing.length === 0) return candidate;
    const answer = await resolveImports(candidate.modules, missing, this.moduleHost(extra));
    if (!answer.ok) return moduleError(answer, `cannot import ${missing.map((m) => m.path).join(", ")}`);
    return withModules(candidate, answer.state);
  }

  // ---- Module requirements (%get, %use, %mod): changed as values, committed with a candidate.

  /** The committed module requirements (go.mod, go.sum, the modules %use made importable). */
  get modules(): ModuleState {
    return this.state.modules;
  }

  /** `go get ARGS` on the committed requirements; nothing is committed (see stageModules). */
  get(args: readonly string[], how: ModuleProgress = {}): Promise<ModuleAnswer> {
    return getModules(this.state.modules, args, this.moduleHost(how));
  }

  /** The module in `dir` (relative to the kernel's working directory) made importable; nothing is committed. */
  use(dir: string, how: ModuleProgress = {}): Promise<ModuleAnswer> {
    return useModule(this.state.modules, dir, process.cwd(), this.moduleHost(how));
  }

  /**
   * The session's code with other requirements: a candidate to compile (the session's code must
   * still build with them) and commit.
   */
  stageModules(modules: ModuleState, source: CellSource, how: ModuleProgress = {}): Promise<Candidate | CellError> {
    return this.stage("", { ...source, cellId: undefined }, { ...how, modules });
  }

  /** The requirements a go.mod states, as the go command reads them. */
  requirements(goMod: string, signal?: AbortSignal): Promise<{ goLine: string; requires: Requirement[] }> {
    return requirements(goMod, this.moduleHost({ signal }));
  }

  private moduleHost(how: ModuleProgress): ModuleHost {
    // The kernel's own go command: which modules a build needs does not depend on the compiler
    // release %go chose, and an older go would refuse the go line the requirements were written under.
    return { go: this.localGo!, env: this.env, dir: this.workspace.path("modwork"), progress: how.progress, signal: how.signal };
  }

  /** Parses a cell into units without staging anything (completion and inspection). */
  async split(code: string): Promise<SplitResult> {
    return (await this.parser()).split(code);
  }

  /** Standard-library package names and their import paths: what a cell may use without importing. */
  stdlibPackages(): Readonly<Record<string, string>> {
    return this.stdlibNames;
  }

  /** The environment the session runs go commands in (gopls runs in it too). */
  get goEnv(): NodeJS.ProcessEnv {
    return this.env;
  }

  /**
   * What main.go and main_test.go would hold with these units as cell `count`; nothing is
   * written or committed (completion and inspection give it to gopls as overlay content).
   * See composePreview.
   */
  async preview(units: readonly Unit[], count: number, alsoImport: readonly string[] = []): Promise<{ main: string; test: string; packages: string[] }> {
    // A cell being typed that imports goperf/display: gopls must find it to complete `display.`.
    if (usesDisplay(units.flatMap((u) => (u.imports ?? []).map((i) => i.path)))) await this.builds.requireDisplay(this.state);
    return composePreview(this.state, units, count, alsoImport, this.composer(await this.parser()));
  }

  /** The functions declared around file:line positions of the session's toolchain's GOROOT (or absolute files). */
  async funcsAt(positions: readonly string[]): Promise<Record<string, string>> {
    if (positions.length === 0) return {};
    return (await this.parser()).funcsAt(this.go!.goroot, positions);
  }

  /** The layout of the named structs in the session with the candidate's cell, for `goarch` (the Go helper's type checker). */
  async layout(candidate: Candidate, goarch: string, types: readonly string[]): Promise<LayoutResult> {
    return (await this.parser()).layout(candidate.main.source, this.go!.goroot, goarch, types, await this.buildTags(goarch));
  }

  /**
   * The build context's tool and release tags for `goarch` as the go command computes them (the
   * helper was built for the host: a GOEXPERIMENT tag of amd64 is wrong for 386). Asked once per arch.
   */
  private buildTags(goarch: string): Promise<{ tool: string[]; release: string[] }> {
    const key = `${this.go!.binary}\u0000${this.go!.version}\u0000${goarch}`;
    let tags = this.tagsByArch.get(key);
    if (!tags) {
      tags = this.builds.tool(["list", "-f", "{{join context.ToolTags \" \"}}|{{join context.ReleaseTags \" \"}}", "runtime"], { goarch }).then((r) => {
        const [tool = "", release = ""] = r.stdout.trim().split("|");
        return { tool: tool.split(" ").filter(Boolean), release: release.split(" ").filter(Boolean) };
      });
      this.tagsByArch.set(key, tags);
    }
    return tags;
  }

  private readonly tagsByArch = new Map<string, Promise<{ tool: string[]; release: string[] }>>();

  /**
   * Makes a candidate's declarations the session's. `builds`: the results of the builds that
   * accepted it; the session counts as verified (see candidate.ts) when one of them says so.
   */
  commit(candidate: Candidate, ...builds: readonly Pick<BuildResult, "verifies">[]): void {
    if (candidate.base !== this.state) throw new Error("commit: the candidate was staged against an earlier session state; stage it again");
    this.state = committedFrom(candidate, builds.some((b) => b.verifies));
    this.cells.set(candidate.ref.count, candidate.source);
  }

  // ---- Go releases (%go, --go): the toolchain the session builds with, and others for one build.

  /** Set by %go; null: the toolchain found at start. */
  private chosen: ToolchainInfo | null = null;
  private readonly resolved = new Map<string, ToolchainInfo>();

  /** The toolchain found at start (GOTOOLCHAIN=local): what `%go local` returns to. */
  get localGo(): ToolchainInfo | null {
    return this.toolchain.ok ? this.toolchain.info : null;
  }

  /**
   * Finds and checks a toolchain by running it: a release ("1.22.12", "go1.22.12"; the go command
   * fetches it into the module cache), "local", or a path to a go binary. The session is not changed.
   */
  async resolveToolchain(text: string, signal?: AbortSignal): Promise<Resolution> {
    if (!this.toolchain.ok) return { ok: false, cause: "failed", problem: this.toolchain.problem };
    let spec: ReturnType<typeof parseRelease>;
    try {
      spec = parseRelease(text);
    } catch (err) {
      if (err instanceof ReleaseSyntaxError) return { ok: false, cause: "usage", problem: err.message };
      throw err;
    }
    if (spec.kind === "local") return { ok: true, info: this.toolchain.info };
    const key = spec.kind === "release" ? spec.name : spec.path;
    const known = this.resolved.get(key);
    if (known) return { ok: true, info: known };
    const found = await resolveRelease(spec, { localBinary: this.toolchain.info.binary, env: this.env, signal });
    if (found.ok) this.resolved.set(key, found.info);
    return found;
  }

  /** Every later build uses this toolchain (one that resolveToolchain returned). */
  useToolchain(info: ToolchainInfo): void {
    this.chosen = this.toolchain.ok && info === this.toolchain.info ? null : info;
    this.state = Object.freeze({ ...this.state, verified: false });
  }

  /** Compiles the candidate (no link): the compiler's diagnostics for these flags, or its errors. */
  compile(candidate: Candidate, gcflags: string[] = [], signal?: AbortSignal, use: GoUse = {}): Promise<BuildResult> {
    return this.builds.compile(candidate, gcflags, signal, use);
  }

  /** Compiles a package the session imports (%escape --pkg): the compiler's output about its files. */
  compilePackage(candidate: Candidate, importPath: string, gcflags: string[], signal?: AbortSignal, use: GoUse = {}): Promise<BuildResult> {
    return this.builds.compilePackage(candidate, importPath, gcflags, signal, use);
  }

  /** Builds the candidate's program binary. */
  build(candidate: Candidate, signal?: AbortSignal, use: GoUse = {}): Promise<BinaryResult> {
    return this.builds.build(candidate, signal, use);
  }

  /** Builds the candidate's test binary (benchmarks and tests beside the session's code). */
  buildTest(candidate: Candidate, signal?: AbortSignal, use: GoUse = {}, buildFlags: readonly string[] = []): Promise<BinaryResult> {
    return this.builds.buildTest(candidate, signal, use, buildFlags);
  }

  /**
   * Runs a built program, streaming its output; the death of the program becomes a CellError.
   * The program gets the arguments and environment %args and %env set; a test binary's own flags
   * come first and `--` ends them, so an argument starting with "-" stays the program's.
   * `opts.env`: variables of this run only (%profile --gc's GODEBUG), over %env's.
   */
  runProgram(binary: string, args: string[], out: OutputCallbacks, signal?: AbortSignal, opts: { testBinary?: boolean; env?: Record<string, string> } = {}): Promise<CellError | null> {
    const extra = this.programArgs.length && opts.testBinary ? ["--", ...this.programArgs] : this.programArgs;
    const env = { ...this.env, ...this.programEnv, ...opts.env };
    return runProgram({ cwd: this.workspace.dir, env, track: (start) => this.track(start) }, binary, [...args, ...extra], out, signal);
  }

  // ---- REPL state (%args, %env, %remove, %reset)

  private programArgs: string[] = [];
  private programEnv: Record<string, string> = {};

  /** The arguments every program and benchmark run gets (%args). */
  get args(): readonly string[] {
    return this.programArgs;
  }

  setArgs(args: readonly string[]): void {
    this.programArgs = [...args];
  }

  /** The variables %env set, on top of the kernel's environment. */
  get envVars(): Readonly<Record<string, string>> {
    return this.programEnv;
  }

  setEnv(vars: Readonly<Record<string, string>>): void {
    this.programEnv = { ...this.programEnv, ...vars };
  }

  /**
   * A candidate without the declarations that declare any of `names`: build it to see that the
   * rest still compiles, then commit() it. Staging changes nothing.
   */
  async stageRemoval(names: readonly string[], source: CellSource): Promise<Candidate | CellError> {
    const problem = this.toolchainError();
    if (problem) return problem;
    const parser = await this.parser();
    const gone = new Set(names);
    const kept = this.state.decls.filter((d) => d.kind === "import" || !d.names.some((n) => gone.has(n)));
    // Removing code can break what is left: the whole package is compiled (not verified).
    const base: Committed = Object.freeze({ ...this.state, decls: Object.freeze(kept), verified: false });
    const candidate = await composeCandidate(base, [], source, {}, this.composer(parser));
    return Object.freeze({ ...candidate, base: this.state });
  }

  /**
   * Forgets every declaration (%reset); the toolchain, arguments and environment stay, and the
   * module requirements (%get, %use, fetched imports) unless `modules` (%reset --modules).
   */
  reset(options: { modules?: boolean } = {}): void {
    const modules = options.modules ? initialModules(goMod(goLineFor(this.localGo?.version ?? "go1.24"))) : this.state.modules;
    this.state = emptyState(modules);
    this.cells.clear();
  }

  async close(): Promise<void> {
    await (await this.parserReady.catch(() => null))?.close();
    this.workspace.removeSync();
  }

  /**
   * Records the running child's process group, so that a new kernel can kill it if this one dies:
   * with its leader's start time and boot, so that it is killed only while it is this one.
   */
  private async track(start: (onSpawn: (pid: number) => void) => Promise<RunResult>): Promise<RunResult> {
    const marker = this.workspace.path("running.pgid");
    try {
      return await start((pid) => {
        const leader = recordOf(pid);
        if (leader) writeFileSync(marker, formatRecord(leader));
      });
    } finally {
      rmSync(marker, { force: true });
    }
  }
}
