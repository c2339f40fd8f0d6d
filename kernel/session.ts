// A kernel session: the scratch module, the declarations cells have made, and the one way code gets
// in — stage (parse + compose + write), build, and only then commit. A cell whose build fails leaves
// the declarations exactly as they were.

import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { CellParser, type SplitResult, type Unit } from "./go/parse.js";
import {
  composeBodies,
  composeFile,
  importBlock,
  chooseImports,
  defaultName,
  renderImports,
  type DeclaredImport,
  type ImportSpec,
  type Decl,
  type Program,
  type Statement,
} from "./go/compose.js";
import { mergeUnits, showsValue, type CellRef } from "./go/declarations.js";
import { DirectBuilder } from "./go/direct.js";
import { PREDECLARED } from "./go/gotokens.js";
import { reachableDecls } from "./go/reachable.js";
import { Workspace, cacheDir, goLineFor, goMod, removeStale } from "./go/workspace.js";
import { scanUses } from "./go/tolerant.js";
import { detectToolchain, killGroup, run, type Detection, type RunResult, type ToolchainInfo } from "./go/toolchain.js";
import { goEnv } from "./go/env.js";
import { MAX_TRACE, StderrSplitter, describeDeath } from "./go/runoutput.js";
import { QUIT_GRACE_MS, guardCommand, memoryLimitError, whereInCell } from "./go/guard.js";
import { ReleaseSyntaxError, oldestGoLine, parseRelease, resolveRelease, type Resolution } from "./go/releases.js";

export type { CellRef };

export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface CellSource {
  count: number;
  cellId?: string;
  /** The code as the reader sees it, magic lines included. */
  source: string;
}

/** A candidate session state: the cell's code merged in, files written, nothing committed yet. */
export interface Staged {
  ref: CellRef;
  decls: Decl[];
  statements: Statement[];
  mainDecl?: Decl;
  units: Unit[];
  source: CellSource;
  /** Whether the cell gives main something to run. */
  runnable: boolean;
}

/** Which toolchain runs one go command: `toolchain` (default: the session's), and the others whose
 * results will be compared with it (`alongside`): the scratch module's go line is the oldest's. */
export interface GoUse {
  toolchain?: ToolchainInfo;
  alongside?: readonly ToolchainInfo[];
}

export interface OutputCallbacks {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The value of the cell's last expression, when the program reports one. */
  result?(text: string): void;
}

export const OUTPUT_CAP = 1024 * 1024;

export class Session {
  private decls: Decl[] = [];
  private cells = new Map<number, CellSource>();
  private stdlibNames: Record<string, string> = {};

  private constructor(
    readonly toolchain: Detection,
    readonly workspace: Workspace,
    /** Starts in the background: kernel_info is answered before the parser is needed. */
    private readonly parserReady: Promise<CellParser | null>,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** `detection`: the toolchain found already (the kernel looks before its session starts), made
   * with `goEnv` of the same `env`. */
  static async start(options: { goBinary?: string; env?: NodeJS.ProcessEnv; scratchRoot?: string; detection?: Promise<Detection> } = {}): Promise<Session> {
    const env: NodeJS.ProcessEnv = goEnv(options.env ?? process.env);
    await removeStale(options.scratchRoot);
    const [toolchain, workspace] = await Promise.all([options.detection ?? detectToolchain(options.goBinary ?? "go", env), Workspace.create(options.scratchRoot)]);
    if (toolchain.ok) await workspace.write({ "go.mod": goMod(goLineFor(toolchain.info.version)) });
    // The go command's work dirs go inside the scratch dir: one it was killed before removing (an
    // interrupted build, a shutdown) goes with the scratch dir instead of staying in /tmp.
    env.GOTMPDIR = workspace.path("gotmp");
    mkdirSync(env.GOTMPDIR, { mode: 0o700 });
    const parserReady = toolchain.ok ? CellParser.start({ goBinary: toolchain.info.binary, cacheDir: cacheDir(env), env }) : Promise.resolve(null);
    const session = new Session(toolchain, workspace, parserReady, env);
    if (toolchain.ok) {
      const goroot = toolchain.info.goroot;
      session.stdlibReady = parserReady.then(async (p) => (session.stdlibNames = p ? await p.stdlib(goroot) : {}));
      session.stdlibReady.catch(() => undefined); // reported by the first cell that needs it
    }
    // Lists the import config of the commonest cell (it uses fmt) while the reader types it.
    if (toolchain.ok) void session.directFor({})?.importConfig(["fmt"]).catch(() => undefined);
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

  get go(): ToolchainInfo | null {
    return this.chosen ?? (this.toolchain.ok ? this.toolchain.info : null);
  }

  /** Sources of the cells whose declarations are live, in execution order. */
  liveCells(): CellSource[] {
    const live = new Set(this.decls.map((d) => d.cell));
    return [...this.cells.values()].filter((c) => live.has(c.count)).sort((a, b) => a.count - b.count);
  }

  declarations(): readonly Decl[] {
    return this.decls;
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
   * Parses the cell (magic lines already blanked by the caller, so lines keep their numbers),
   * merges it into a copy of the declarations and writes the scratch files.
   */
  async stage(code: string, source: CellSource, extra: { generatedTests?: string; show?: boolean } = {}): Promise<Staged | CellError> {
    const problem = this.toolchainError();
    if (problem) return problem;
    const ref = { count: source.count, cellId: source.cellId };
    const split = await (await this.parser()).split(code);
    if (!split.ok) {
      const { line, col, msg } = split.error;
      const text = `cell[${ref.count}]:${line}:${col}: ${msg}`;
      return { ename: "SyntaxError", evalue: text, traceback: [text] };
    }
    const { decls, statements, mainDecl } = mergeUnits(this.decls, split.units, ref);
    this.wholeCompiled = this.neededBuilt = false;
    const last = split.units[split.units.length - 1];
    const shown = extra.show && last?.kind === "stmt" && last.expr && showsValue(last.expr, decls) ? last.expr : undefined;
    if (shown) statements.pop();
    const staged: Staged = {
      ref,
      decls,
      statements,
      mainDecl,
      units: split.units,
      source,
      runnable: statements.length > 0 || mainDecl !== undefined || shown !== undefined,
    };
    await this.writeProgram(
      {
        decls: staged.decls,
        statements,
        mainDecl,
        generatedTests: extra.generatedTests,
        shown: shown && { cell: ref.count, line: shown.line, col: shown.col, text: shown.text },
      },
      staged.runnable ? this.additions(decls) : null,
    );
    return staged;
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
   * What main.go and main_test.go would hold with these units as cell `count`, composed as stage()
   * composes a cell; nothing is written or committed (completion and inspection give it to gopls
   * as overlay content). The units may come from a best-effort split of a cell that does not
   * parse: the imports are then found by scanning the text. `alsoImport`: package names imported
   * even when unused (gopls reloads a package whose imports change; keeping them stable is fast).
   * `test` is "" when there is no test code; `packages` are the names the two files used.
   */
  async candidate(units: readonly Unit[], count: number, alsoImport: readonly string[] = []): Promise<{ main: string; test: string; packages: string[] }> {
    const { decls, statements, mainDecl } = mergeUnits(this.decls, units, { count });
    const bodies = composeBodies({ decls, statements, mainDecl });
    const imports: DeclaredImport[] = decls
      .filter((d) => d.kind === "import")
      .flatMap((d) => (d.imports ?? []).map((i: ImportSpec) => ({ ...i, cell: d.cell, line: d.line })));
    const parser = await this.parser();
    const uses = (body: string) => parser.uses(composeFile("", body)).catch(() => scanUses(body, this.stdlibNames));
    const [usedMain, usedTest] = await Promise.all([uses(bodies.main), bodies.test ? uses(bodies.test) : Promise.resolve([])]);
    const block = (used: string[]) => importBlock(imports, [...new Set([...used, ...alsoImport])], this.stdlibNames);
    return {
      main: composeFile(block(usedMain), bodies.main),
      test: bodies.test ? composeFile(block(usedTest), bodies.test) : "",
      packages: [...new Set([...usedMain, ...usedTest])],
    };
  }

  /** Makes a staged cell's declarations the session's. */
  commit(staged: Staged): void {
    this.decls = staged.decls;
    this.cells.set(staged.ref.count, staged.source);
    this.verified = this.wholeCompiled || this.neededBuilt;
    this.packagesInUse = this.stagedPackages;
  }

  // ---- Building less than the whole package (reachable.ts): when it is safe.
  //
  // Every cell used to compile the whole package, so that a cell breaking an earlier declaration
  // fails with the compiler's own errors. The committed declarations are `verified` when they
  // compiled as a whole with the session's toolchain (or were extended safely since). A cell that
  // only adds declarations cannot break the ones before it, as long as it replaces none, adds no
  // method (a promoted method can make a selector ambiguous), no import, no test code, no name
  // from the universe scope (`len`, `error`, ... would change what earlier code means) and no name
  // that earlier code uses as a package: its run then builds only its own code, what it reaches,
  // and what every run keeps (vars, init). Anything else compiles the whole package.

  private verified = true;
  /** Since stage(): the whole staged package compiled with the session's toolchain. */
  private wholeCompiled = false;
  /** Since stage(): the run's smaller program built (only ever for a verified session). */
  private neededBuilt = false;
  /** The package names main.go's code uses: as staged, and as committed. */
  private stagedPackages: readonly string[] = [];
  private packagesInUse: readonly string[] = [];

  /** The cell's new declarations, when they only add to a verified session; null otherwise. */
  private additions(decls: readonly Decl[]): Decl[] | null {
    if (!this.verified) return null;
    const now = new Set(decls);
    if (this.decls.some((d) => !now.has(d))) return null;
    const before = new Set(this.decls);
    const fresh = decls.filter((d) => !before.has(d));
    const unsafe = (d: Decl) => d.test || d.kind === "import" || d.kind === "method" || d.names.some((n) => PREDECLARED.has(n));
    return fresh.some(unsafe) ? null : fresh;
  }

  /** Whether a build with `use` compiles with the session's own toolchain and go line. */
  private ownBuild(use: GoUse): boolean {
    return (!use.toolchain || use.toolchain === this.go) && !use.alongside?.length;
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
    this.verified = false;
  }

  /** Compiles (no link): the compiler's diagnostics for these flags, or its errors. */
  async compile(gcflags: string[] = [], signal?: AbortSignal, use: GoUse = {}): Promise<{ ok: boolean; output: string; result: RunResult }> {
    // The test file too: benchmarks are session code, and their decisions are the reader's.
    const withTests = this.testSource !== null;
    const direct = await this.directFor(use)?.compile(
      withTests ? [...new Set([...this.mainImports, ...this.testImports])] : this.mainImports,
      withTests ? this.mainSource + this.testSource : this.mainSource,
      gcflags,
      undefined,
      signal,
      withTests ? ["main.go", "main_test.go"] : ["main.go"],
    );
    if (direct) return this.compiledWhole(direct, use);
    const args = ["list", "-export", "-f", "{{.Export}}"];
    if (gcflags.length) args.push(`-gcflags=${gcflags.join(" ")}`);
    const result = await this.runGo(args.concat("."), signal, use);
    return this.compiledWhole({ ok: result.code === 0, output: result.stderr, result }, use);
  }

  /** Notes a whole-package build's success (see `verified`) and passes its result on. */
  private compiledWhole<T extends { ok: boolean }>(built: T, use: GoUse): T {
    if (built.ok && this.ownBuild(use)) this.wholeCompiled = true;
    return built;
  }

  /** Builds the program binary. */
  async build(signal?: AbortSignal, use: GoUse = {}): Promise<{ ok: boolean; output: string; binary: string; result: RunResult }> {
    const binary = this.workspace.path("cell.bin");
    const builder = this.directFor(use);
    if (builder && this.runSource !== null) {
      // Only what the run needs (see `verified`); should it fail, the whole package says why.
      const needed = await builder.build(this.runImports, this.runSource, binary, signal, RUN_FILE);
      if (needed?.ok) {
        this.neededBuilt = true;
        return { ...needed, binary };
      }
    }
    const direct = await builder?.build(this.mainImports, this.mainSource, binary, signal);
    if (direct) return this.compiledWhole({ ...direct, binary }, use);
    // Without DWARF and symbol table, as go run links: the program runs the same, it links faster.
    const result = await this.runGo(["build", "-ldflags=-s -w", "-o", binary, "."], signal, use);
    return this.compiledWhole({ ok: result.code === 0, output: result.stderr, binary, result }, use);
  }

  /** Builds the test binary (benchmarks and tests beside the session's code). */
  async buildTest(signal?: AbortSignal, use: GoUse = {}): Promise<{ ok: boolean; output: string; binary: string; result: RunResult }> {
    const go = use.toolchain ?? this.go!;
    const binary = this.workspace.path(`session-${go.version}.test`);
    // Once per change of code: the same sources and toolchain reuse the binary already built.
    const key = [go.version, go.binary, go.gotoolchain ?? "", this.mainSource, this.testSource].join("\u0000");
    const built = this.testBinaries.get(binary);
    if (built?.key === key && existsSync(binary)) return this.compiledWhole({ ok: true, output: "", binary, result: built.result }, use);
    // Linked as go test links its test binaries (-s -w): what runs is the same, the link is shorter.
    const result = await this.runGo(["test", "-c", "-ldflags=-s -w", "-o", binary, "."], signal, use);
    if (result.code === 0) this.testBinaries.set(binary, { key, result });
    return this.compiledWhole({ ok: result.code === 0, output: result.stderr + result.stdout, binary, result }, use);
  }

  private readonly testBinaries = new Map<string, { key: string; result: RunResult }>();

  /** Runs a built program, streaming its output; the death of the program becomes a CellError. */
  async runProgram(binary: string, args: string[], out: OutputCallbacks, signal?: AbortSignal): Promise<CellError | null> {
    const splitter = new StderrSplitter();
    let resultText = "";
    let budget = OUTPUT_CAP;
    let noticed = false;
    const capped = (emit: (text: string) => void) => (text: string) => {
      if (!text) return;
      if (budget <= 0) {
        if (!noticed) {
          noticed = true;
          out.stderr(`\n[goperf: output beyond ${OUTPUT_CAP / 1024} KiB was dropped; the program kept running]\n`);
        }
        return;
      }
      emit(text.slice(0, budget));
      budget -= text.length;
    };
    const stdout = capped(out.stdout);
    const stderr = capped(out.stderr);
    // Under a memory cap (prlimit + GOMEMLIMIT); stdin is /dev/null, so a read gets EOF at once.
    const guarded = guardCommand(binary, args, this.env);
    let pgid = 0;
    const result = await this.track((onSpawn) =>
      run(guarded.binary, guarded.args, {
        cwd: this.workspace.dir,
        env: guarded.env,
        signal,
        onSpawn: (pid) => onSpawn((pgid = pid)),
        quitFirstMs: QUIT_GRACE_MS,
        onFd3: out.result ? (text) => (resultText += text) : undefined,
        onStdout: stdout,
        onStderr: (chunk) => {
          stderr(splitter.push(chunk));
          // A dying program past the trace cap is only listing goroutines (a million take minutes).
          if ((splitter.deathTrace?.length ?? 0) >= MAX_TRACE && pgid) killGroup(pgid);
        },
      }),
    );
    stderr(splitter.flush());
    if (result.interrupted) return interrupted(whereInCell(splitter.deathTrace));
    const trace = splitter.deathTrace;
    if (trace !== null && result.code !== 0) return memoryLimitError(trace, guarded.limitMiB) ?? describeDeath(trace);
    if (result.killedBy) {
      const text = `the program was killed by ${result.killedBy}`;
      return { ename: "Killed", evalue: text, traceback: [text] };
    }
    if (result.code !== 0) {
      if (trace) stderr(trace);
      const text = `exit status ${result.code}`;
      return { ename: "ExitError", evalue: text, traceback: [text] };
    }
    if (resultText) out.result?.(resultText);
    return null;
  }

  async close(): Promise<void> {
    await (await this.parserReady.catch(() => null))?.close();
    this.workspace.removeSync();
  }

  /** main.go as last written, and the packages it imports: what the direct builder compiles. */
  private mainSource = "";
  private testSource: string | null = null;
  private testImports: string[] = [];
  private mainImports: string[] = [];
  /** The program a run builds when it may build less than the whole package (see `verified`). */
  private runSource: string | null = null;
  private runImports: string[] = [];
  private direct: DirectBuilder | null = null;

  /** The direct compiler and linker, for the session's own toolchain only. */
  private directFor(use: GoUse): DirectBuilder | null {
    const go = this.go;
    if (!go || use.toolchain || use.alongside?.length || (go.gotoolchain ?? "local") !== "local" || go !== this.localGo) return null;
    this.direct ??= new DirectBuilder(go, this.env, this.workspace.dir, goLineFor(go.version), cacheDir(this.env));
    return this.direct;
  }

  /** Writes main.go and main_test.go, and the run's smaller program when `fresh` allows one. */
  private async writeProgram(program: Program, fresh: Decl[] | null): Promise<void> {
    const bodies = composeBodies(program);
    const imports: DeclaredImport[] = program.decls
      .filter((d) => d.kind === "import")
      .flatMap((d) => (d.imports ?? []).map((i: ImportSpec) => ({ ...i, cell: d.cell, line: d.line })));
    const parser = await this.parser();
    const runBody = fresh && this.neededBody(program, fresh, imports);
    const [usedMain, usedTest, usedRun] = await Promise.all([
      parser.uses(composeFile("", bodies.main)),
      bodies.test ? parser.uses(composeFile("", bodies.test)) : Promise.resolve([]),
      runBody ? parser.uses(composeFile("", runBody)) : Promise.resolve([]),
    ]);
    const mainImports = chooseImports(imports, usedMain, this.stdlibNames);
    this.mainImports = mainImports.map((i) => i.path);
    this.mainSource = composeFile(renderImports(mainImports), bodies.main);
    const testImports = chooseImports(imports, usedTest, this.stdlibNames);
    this.testImports = testImports.map((i) => i.path);
    this.stagedPackages = usedMain;
    const runImports = runBody ? chooseImports(imports, usedRun, this.stdlibNames) : [];
    this.runImports = runImports.map((i) => i.path);
    this.runSource = runBody ? composeFile(renderImports(runImports), runBody) : null;
    await this.workspace.write({
      "main.go": this.mainSource,
      "main_test.go": (this.testSource = bodies.test ? composeFile(renderImports(testImports), bodies.test) : null),
      [RUN_FILE]: this.runSource,
    });
  }

  /**
   * main.go's body with only what the run needs: the cell's new declarations, what they and main
   * reach, and what every run keeps. Null when that is everything, or when a new name is one
   * that earlier code knows as a package (the whole package would not compile; see `verified`).
   */
  private neededBody(program: Program, fresh: readonly Decl[], imports: readonly DeclaredImport[]): string | null {
    if (imports.some((i) => i.name === ".")) return null;
    // As the committed code uses them: the new code's own names hide a package from the parser.
    const packages = new Set([...this.packagesInUse, ...imports.map((i) => i.name || defaultName(i.path, this.stdlibNames))]);
    if (fresh.some((d) => d.names.some((n) => packages.has(n)))) return null;
    const roots = [...program.statements.map((s) => s.text), program.shown?.text ?? "", program.mainDecl?.text ?? ""];
    const needed = reachableDecls(program.decls, roots, fresh);
    if (needed.length === program.decls.filter((d) => !d.test).length) return null;
    return composeBodies({ ...program, decls: needed }).main;
  }

  private async runGo(args: string[], signal?: AbortSignal, use: GoUse = {}): Promise<RunResult> {
    const go = use.toolchain ?? this.go!;
    // One go line every toolchain involved accepts (an older go refuses a newer go.mod), so results
    // compared across releases differ by compiler, never by language version.
    const goLine = oldestGoLine([this.go!, go, ...(use.alongside ?? [])].map((t) => t.version));
    await this.workspace.write({ "go.mod": goMod(goLine) });
    const env = { ...this.env, GOTOOLCHAIN: go.gotoolchain ?? "local" };
    return this.track((onSpawn) => run(go.binary, args, { cwd: this.workspace.dir, env, capture: true, signal, onSpawn }));
  }

  /** Records the running child's process group, so that a new kernel can kill it if this one dies. */
  private async track(start: (onSpawn: (pid: number) => void) => Promise<RunResult>): Promise<RunResult> {
    const marker = this.workspace.path("running.pgid");
    try {
      return await start((pid) => writeFileSync(marker, String(pid)));
    } finally {
      rmSync(marker, { force: true });
    }
  }
}

/** `at`: where the program was, when it could say (`cell[5]:3 (in Loop)`). */
export function interrupted(at?: string | null): CellError {
  const evalue = at ? `the cell was interrupted at ${at}` : "the cell was interrupted";
  return { ename: "Interrupted", evalue, traceback: [`Interrupted: ${evalue}`] };
}

/** Where a run's smaller program is written: in a directory the go command and gopls ignore ("_"). */
const RUN_FILE = "_run/main.go";
