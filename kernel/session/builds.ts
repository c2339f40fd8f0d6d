// Building a candidate: its files written to the scratch module, then the direct compiler and
// linker (the session's own toolchain), or the go command (another release, cgo), and the test
// binary kept while nothing that goes into it changes. Each result says what it proved, so that
// commit() learns it from the caller, not from state a build left behind.

import { DirectBuilder, type DirectResult } from "../go/direct.js";
import { run, type RunResult, type ToolchainInfo } from "../go/toolchain.js";
import { MODULE_PATH, Workspace, cacheDir, goLineFor } from "../go/workspace.js";
import { oldestGoLine } from "../go/releases.js";
import { buildChangingFlags } from "../go/goflags.js";
import { existsSync } from "node:fs";
import type { Candidate } from "./candidate.js";
import { testBinaryKey } from "./binarykey.js";
import { thirdParty, usedFingerprint, withGoLine } from "../go/modules.js";
import { displayModule, displayRequirement, usesDisplay } from "../go/displaymodule.js";
import { createHash } from "node:crypto";

/** Which toolchain runs one go command: `toolchain` (default: the session's), and the others whose
 * results will be compared with it (`alongside`): the scratch module's go line is the oldest's. */
export interface GoUse {
  toolchain?: ToolchainInfo;
  alongside?: readonly ToolchainInfo[];
  /** Cross-compile for this GOARCH (the go command's own cross-compilation: no other toolchain). */
  goarch?: string;
}

export interface BuildResult {
  ok: boolean;
  output: string;
  result: RunResult;
  /**
   * The build proved the candidate's declarations sound for building less next time: the whole
   * package compiled with the session's own toolchain and go line, or the run's smaller program
   * built on declarations already verified. commit() takes it from here.
   */
  verifies: boolean;
}

export interface BinaryResult extends BuildResult {
  binary: string;
}

/** What builds need of the session. */
export interface BuildHost {
  readonly workspace: Workspace;
  readonly env: NodeJS.ProcessEnv;
  /** The toolchain the session builds with (%go may have chosen one). */
  go(): ToolchainInfo | null;
  /** The toolchain found at start. */
  localGo(): ToolchainInfo | null;
  track(start: (onSpawn: (pid: number) => void) => Promise<RunResult>): Promise<RunResult>;
  /** The main package go test would write for the session's test file (package importPath); null: ask the go command. */
  testMain(testSource: string, importPath: string): Promise<string | null>;
}

/** Where a run's smaller program is written: in a directory the go command and gopls ignore ("_"). */
export const RUN_FILE = "_run/main.go";

export class Builds {
  private direct: DirectBuilder | null = null;
  private readonly testBinaries = new Map<string, { key: string; result: RunResult }>();
  /**
   * Whether a cell has imported goperf/display (displaymodule.ts). Once required it stays: go.mod
   * does not flip (gopls reloads the module on every change), and a requirement no code imports
   * links nothing.
   */
  private needsDisplay = false;

  constructor(private readonly host: BuildHost) {}

  /** Lists the import config of the commonest cell (it uses fmt) while the reader types it. */
  warm(): void {
    void this.directFor({})?.importConfig(["fmt"]).catch(() => undefined);
  }

  /** Compiles (no link): the compiler's diagnostics for these flags, or its errors. */
  async compile(candidate: Candidate, gcflags: string[], signal?: AbortSignal, use: GoUse = {}): Promise<BuildResult> {
    await this.write(candidate, use);
    // The test file too: benchmarks are session code, and their decisions are the reader's.
    const { main, test } = candidate;
    const imports = test ? [...new Set([...main.imports, ...test.imports])] : main.imports;
    const direct = await this.directFor(use)?.compile(
      imports,
      test ? main.source + test.source : main.source,
      gcflags,
      undefined,
      signal,
      test ? ["main.go", "main_test.go"] : ["main.go"],
      await this.moduleKey(candidate, imports),
    );
    if (direct) return this.whole(direct, use);
    const args = ["list", "-export", "-f", "{{.Export}}"];
    if (gcflags.length) args.push(`-gcflags=${gcflags.join(" ")}`);
    const result = await this.runGo(candidate, args.concat("."), signal, use);
    return this.whole({ ok: result.code === 0, output: result.stderr, result }, use);
  }

  /**
   * Compiles one package of the session's requirements (not the session's own) with these gc flags,
   * through the go command (it replays a cached compile's output): the compiler's words about that
   * package's files, their paths relative to the scratch module's dir.
   */
  async compilePackage(candidate: Candidate, importPath: string, gcflags: string[], signal?: AbortSignal, use: GoUse = {}): Promise<BuildResult> {
    const result = await this.runGo(candidate, ["build", `-gcflags=${importPath}=${gcflags.join(" ")}`, importPath], signal, use);
    return { ok: result.code === 0, output: result.stderr, result, verifies: false };
  }

  /** Builds the program binary. */
  async build(candidate: Candidate, signal?: AbortSignal, use: GoUse = {}): Promise<BinaryResult> {
    await this.write(candidate, use);
    const binary = this.host.workspace.path("cell.bin");
    const builder = this.directFor(use);
    if (builder && candidate.run) {
      // Only what the run needs (see candidate.ts); should it fail, the whole package says why.
      const modules = await this.moduleKey(candidate, candidate.run.imports);
      const needed = await builder.build(candidate.run.imports, candidate.run.source, binary, signal, RUN_FILE, modules);
      if (needed?.ok) return { ...needed, binary, verifies: true };
    }
    const modules = builder ? await this.moduleKey(candidate, candidate.main.imports) : "";
    const direct = await builder?.build(candidate.main.imports, candidate.main.source, binary, signal, "main.go", modules);
    if (direct) return { ...this.whole(direct, use), binary };
    // Without DWARF and symbol table, as go run links: the program runs the same, it links faster.
    const result = await this.runGo(candidate, ["build", "-ldflags=-s -w", "-o", binary, "."], signal, use);
    return { ...this.whole({ ok: result.code === 0, output: result.stderr, result }, use), binary };
  }

  /**
   * Builds the test binary (benchmarks and tests beside the session's code). `buildFlags`: more go
   * build flags (the profiling build's -overlay, %test's -race); such a binary is kept apart from
   * the plain one.
   */
  async buildTest(candidate: Candidate, signal?: AbortSignal, use: GoUse = {}, buildFlags: readonly string[] = []): Promise<BinaryResult> {
    await this.write(candidate, use);
    const { go, env } = this.toolchainFor(use);
    const variant = buildFlags.length ? `-${createHash("sha256").update(buildFlags.join("\u0000")).digest("hex").slice(0, 12)}` : "";
    const binary = this.host.workspace.path(`session-${go.version}${variant}.test`);
    // Linked as go test links its test binaries (-s -w): what runs is the same, the link is shorter.
    const args = ["test", "-c", "-ldflags=-s -w", ...buildFlags, "-o", binary, "."];
    // Once per change of what goes into it (see binarykey.ts): an unchanged %bench runs the binary it has.
    const goMod = await this.read("go.mod");
    const key = testBinaryKey({
      toolchain: go,
      files: { "main.go": candidate.main.source, "main_test.go": candidate.test?.source ?? null },
      goMod,
      goSum: await this.read("go.sum"),
      // The files of modules on disk (%use): an edit there changes the binary, go.mod does not.
      modules: await usedFingerprint(candidate.modules.uses),
      env,
      args,
    });
    const built = this.testBinaries.get(binary);
    if (built?.key === key && existsSync(binary)) return { ...this.whole({ ok: true, output: "", result: built.result }, use), binary };
    const direct = buildFlags.length ? null : await this.directTest(candidate, binary, use, goMod ?? "", signal);
    const result = direct && (direct.ok || direct.result.interrupted) ? direct.result : await this.goCommand(go, env, args, signal);
    if (result.code === 0) this.testBinaries.set(binary, { key, result });
    else this.testBinaries.delete(binary);
    return { ...this.whole({ ok: result.code === 0, output: result.stderr + result.stdout, result }, use), binary };
  }

  /**
   * The test binary built as plain cells are, by the compiler and linker directly (direct.ts),
   * when its code imports only the standard library. Null, or a failure: the go command builds
   * it, and its words are the cell's.
   */
  private async directTest(candidate: Candidate, binary: string, use: GoUse, goMod: string, signal?: AbortSignal): Promise<DirectResult | null> {
    const builder = this.directFor(use);
    const { main, test } = candidate;
    if (!builder?.buildsTests() || !test || /(^|\s)--?vet\b/.test(this.host.env.GOFLAGS ?? "")) return null;
    const imports = [...new Set([...main.imports, ...test.imports])];
    if (imports.some(thirdParty) || usesDisplay(imports) || candidate.modules.uses.length) return null;
    const testMain = await this.host.testMain(test.source, MODULE_PATH);
    if (!testMain) return null;
    const files = ["main.go", "main_test.go"];
    return builder.buildTest({ imports, source: main.source + test.source, files, pkgPath: MODULE_PATH, main: testMain, goMod }, binary, signal);
  }

  /** A whole-package build's result: it verifies the declarations when it used the session's own toolchain. */
  private whole(built: { ok: boolean; output: string; result: RunResult }, use: GoUse): BuildResult {
    const own = (!use.toolchain || use.toolchain === this.host.go()) && !use.alongside?.length && (!use.goarch || use.goarch === this.host.go()?.goarch);
    return { ...built, verifies: built.ok && own };
  }

  /** goperf/display becomes importable (a cell uses it, or is being typed with it for completion). */
  async requireDisplay(candidate: { modules: { goMod: string } }): Promise<void> {
    if (this.needsDisplay) return;
    this.needsDisplay = true;
    await this.host.workspace.write({ "go.mod": this.withDisplay(candidate.modules.goMod) });
  }

  /** go.mod with goperf/display's require and replace, once a cell has imported it. */
  private withDisplay(goMod: string): string {
    const display = this.needsDisplay ? displayModule() : null;
    return display ? goMod + displayRequirement(display.dir) : goMod;
  }

  /** The candidate's files in the scratch module (unchanged files are not rewritten). */
  private write(candidate: Candidate, use: GoUse): Promise<void> {
    const imports = [...candidate.main.imports, ...(candidate.test?.imports ?? []), ...(candidate.run?.imports ?? [])];
    if (usesDisplay(imports)) this.needsDisplay = true;
    return this.host.workspace.write({
      "go.mod": this.withDisplay(this.goModFor(candidate, use)),
      "go.sum": candidate.modules.goSum || null,
      "main.go": candidate.main.source,
      "main_test.go": candidate.test?.source ?? null,
      [RUN_FILE]: candidate.run?.source ?? null,
    });
  }

  /**
   * The candidate's go.mod for a build with `use`: as the go command wrote it, unless an older
   * toolchain takes part; then with that one's go line (an older go refuses a newer go.mod), so
   * results compared across releases differ by compiler, never by language version.
   */
  private goModFor(candidate: Candidate, use: GoUse): string {
    const own = this.host.go()!;
    const line = oldestGoLine([own, use.toolchain ?? own, ...(use.alongside ?? [])].map((t) => t.version));
    // The requirements were written under the local toolchain's line (or a newer one they need).
    const local = this.host.localGo();
    return local && line === goLineFor(local.version) ? candidate.modules.goMod : withGoLine(candidate.modules.goMod, line);
  }

  /**
   * What the archives of the candidate's third-party imports depend on: the requirements and the
   * files of modules on disk. Empty for standard-library imports (their import configs are kept
   * across sessions under the import paths alone).
   */
  private async moduleKey(candidate: Candidate, imports: readonly string[]): Promise<string> {
    if (!imports.some(thirdParty) && candidate.modules.uses.length === 0) return "";
    const { goMod, goSum, uses } = candidate.modules;
    return createHash("sha256").update([goMod, goSum, await usedFingerprint(uses)].join("\u0000")).digest("hex");
  }

  /** The direct compiler and linker: for the session's own toolchain, and GOFLAGS that change no build. */
  private directFor(use: GoUse): DirectBuilder | null {
    const go = this.host.go();
    if (use.goarch && use.goarch !== go?.goarch) return null;
    if (!go || use.toolchain || use.alongside?.length || (go.gotoolchain ?? "local") !== "local" || go !== this.host.localGo()) return null;
    if (buildChangingFlags(this.host.env.GOFLAGS).length) return null;
    this.direct ??= new DirectBuilder(go, this.host.env, this.host.workspace.dir, goLineFor(go.version), cacheDir(this.host.env));
    return this.direct;
  }

  private async runGo(candidate: Candidate, args: string[], signal?: AbortSignal, use: GoUse = {}): Promise<RunResult> {
    await this.write(candidate, use);
    const { go, env } = this.toolchainFor(use);
    return this.goCommand(go, env, args, signal);
  }

  /** A go command in the scratch module as it stands (go list, for a target's build tags). */
  tool(args: string[], use: GoUse = {}): Promise<RunResult> {
    const { go, env } = this.toolchainFor(use);
    return this.goCommand(go, env, args);
  }

  /** The toolchain and env a go command for `use` runs with. */
  private toolchainFor(use: GoUse): { go: ToolchainInfo; env: NodeJS.ProcessEnv } {
    const go = use.toolchain ?? this.host.go()!;
    return { go, env: { ...this.host.env, GOTOOLCHAIN: go.gotoolchain ?? "local", ...(use.goarch ? { GOARCH: use.goarch } : {}) } };
  }

  private goCommand(go: ToolchainInfo, env: NodeJS.ProcessEnv, args: string[], signal?: AbortSignal): Promise<RunResult> {
    return this.host.track((onSpawn) => run(go.binary, args, { cwd: this.host.workspace.dir, env, capture: true, signal, onSpawn }));
  }

  /** A scratch-module file as the go command will read it; null when there is none. */
  private async read(name: string): Promise<string | null> {
    return this.host.workspace.read(name).catch(() => null);
  }
}
