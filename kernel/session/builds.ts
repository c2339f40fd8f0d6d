// Building a candidate: its files written to the scratch module, then the direct compiler and
// linker (the session's own toolchain), or the go command (another release, cgo), and the test
// binary kept while nothing that goes into it changes. Each result says what it proved, so that
// commit() learns it from the caller, not from state a build left behind.

import { DirectBuilder } from "../go/direct.js";
import { run, type RunResult, type ToolchainInfo } from "../go/toolchain.js";
import { Workspace, cacheDir, goLineFor, goMod } from "../go/workspace.js";
import { oldestGoLine } from "../go/releases.js";
import { buildChangingFlags } from "../go/goflags.js";
import { existsSync } from "node:fs";
import type { Candidate } from "./candidate.js";
import { testBinaryKey } from "./binarykey.js";

/** Which toolchain runs one go command: `toolchain` (default: the session's), and the others whose
 * results will be compared with it (`alongside`): the scratch module's go line is the oldest's. */
export interface GoUse {
  toolchain?: ToolchainInfo;
  alongside?: readonly ToolchainInfo[];
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
}

/** Where a run's smaller program is written: in a directory the go command and gopls ignore ("_"). */
export const RUN_FILE = "_run/main.go";

export class Builds {
  private direct: DirectBuilder | null = null;
  private readonly testBinaries = new Map<string, { key: string; result: RunResult }>();

  constructor(private readonly host: BuildHost) {}

  /** Lists the import config of the commonest cell (it uses fmt) while the reader types it. */
  warm(): void {
    void this.directFor({})?.importConfig(["fmt"]).catch(() => undefined);
  }

  /** Compiles (no link): the compiler's diagnostics for these flags, or its errors. */
  async compile(candidate: Candidate, gcflags: string[], signal?: AbortSignal, use: GoUse = {}): Promise<BuildResult> {
    await this.write(candidate);
    // The test file too: benchmarks are session code, and their decisions are the reader's.
    const { main, test } = candidate;
    const direct = await this.directFor(use)?.compile(
      test ? [...new Set([...main.imports, ...test.imports])] : main.imports,
      test ? main.source + test.source : main.source,
      gcflags,
      undefined,
      signal,
      test ? ["main.go", "main_test.go"] : ["main.go"],
    );
    if (direct) return this.whole(direct, use);
    const args = ["list", "-export", "-f", "{{.Export}}"];
    if (gcflags.length) args.push(`-gcflags=${gcflags.join(" ")}`);
    const result = await this.runGo(args.concat("."), signal, use);
    return this.whole({ ok: result.code === 0, output: result.stderr, result }, use);
  }

  /** Builds the program binary. */
  async build(candidate: Candidate, signal?: AbortSignal, use: GoUse = {}): Promise<BinaryResult> {
    await this.write(candidate);
    const binary = this.host.workspace.path("cell.bin");
    const builder = this.directFor(use);
    if (builder && candidate.run) {
      // Only what the run needs (see candidate.ts); should it fail, the whole package says why.
      const needed = await builder.build(candidate.run.imports, candidate.run.source, binary, signal, RUN_FILE);
      if (needed?.ok) return { ...needed, binary, verifies: true };
    }
    const direct = await builder?.build(candidate.main.imports, candidate.main.source, binary, signal);
    if (direct) return { ...this.whole(direct, use), binary };
    // Without DWARF and symbol table, as go run links: the program runs the same, it links faster.
    const result = await this.runGo(["build", "-ldflags=-s -w", "-o", binary, "."], signal, use);
    return { ...this.whole({ ok: result.code === 0, output: result.stderr, result }, use), binary };
  }

  /** Builds the test binary (benchmarks and tests beside the session's code); `race`: its own binary, with the race detector. */
  async buildTest(candidate: Candidate, signal?: AbortSignal, use: GoUse = {}, mode: { race?: boolean } = {}): Promise<BinaryResult> {
    await this.write(candidate);
    const { go, env } = await this.module(use);
    const binary = this.host.workspace.path(`session-${go.version}${mode.race ? "-race" : ""}.test`);
    // Linked as go test links its test binaries (-s -w): what runs is the same, the link is shorter.
    const args = ["test", "-c", ...(mode.race ? ["-race"] : []), "-ldflags=-s -w", "-o", binary, "."];
    // Once per change of what goes into it (see binarykey.ts): an unchanged %bench runs the binary it has.
    const key = testBinaryKey({
      toolchain: go,
      files: { "main.go": candidate.main.source, "main_test.go": candidate.test?.source ?? null },
      goMod: await this.read("go.mod"),
      goSum: await this.read("go.sum"),
      env,
      args,
    });
    const built = this.testBinaries.get(binary);
    if (built?.key === key && existsSync(binary)) return { ...this.whole({ ok: true, output: "", result: built.result }, use), binary };
    const result = await this.goCommand(go, env, args, signal);
    if (result.code === 0) this.testBinaries.set(binary, { key, result });
    else this.testBinaries.delete(binary);
    return { ...this.whole({ ok: result.code === 0, output: result.stderr + result.stdout, result }, use), binary };
  }

  /** A whole-package build's result: it verifies the declarations when it used the session's own toolchain. */
  private whole(built: { ok: boolean; output: string; result: RunResult }, use: GoUse): BuildResult {
    const own = (!use.toolchain || use.toolchain === this.host.go()) && !use.alongside?.length;
    return { ...built, verifies: built.ok && own };
  }

  /** The candidate's files in the scratch module (unchanged files are not rewritten). */
  private write(candidate: Candidate): Promise<void> {
    return this.host.workspace.write({
      "main.go": candidate.main.source,
      "main_test.go": candidate.test?.source ?? null,
      [RUN_FILE]: candidate.run?.source ?? null,
    });
  }

  /** The direct compiler and linker: for the session's own toolchain, and GOFLAGS that change no build. */
  private directFor(use: GoUse): DirectBuilder | null {
    const go = this.host.go();
    if (!go || use.toolchain || use.alongside?.length || (go.gotoolchain ?? "local") !== "local" || go !== this.host.localGo()) return null;
    if (buildChangingFlags(this.host.env.GOFLAGS).length) return null;
    this.direct ??= new DirectBuilder(go, this.host.env, this.host.workspace.dir, goLineFor(go.version), cacheDir(this.host.env));
    return this.direct;
  }

  private async runGo(args: string[], signal?: AbortSignal, use: GoUse = {}): Promise<RunResult> {
    const { go, env } = await this.module(use);
    return this.goCommand(go, env, args, signal);
  }

  /** The scratch module's go.mod for a build with `use`, written; the toolchain and env to build with. */
  private async module(use: GoUse): Promise<{ go: ToolchainInfo; env: NodeJS.ProcessEnv }> {
    const go = use.toolchain ?? this.host.go()!;
    // One go line every toolchain involved accepts (an older go refuses a newer go.mod), so results
    // compared across releases differ by compiler, never by language version.
    const goLine = oldestGoLine([this.host.go()!, go, ...(use.alongside ?? [])].map((t) => t.version));
    await this.host.workspace.write({ "go.mod": goMod(goLine) });
    return { go, env: { ...this.host.env, GOTOOLCHAIN: go.gotoolchain ?? "local" } };
  }

  private goCommand(go: ToolchainInfo, env: NodeJS.ProcessEnv, args: string[], signal?: AbortSignal): Promise<RunResult> {
    return this.host.track((onSpawn) => run(go.binary, args, { cwd: this.host.workspace.dir, env, capture: true, signal, onSpawn }));
  }

  /** A scratch-module file as the go command will read it; null when there is none. */
  private async read(name: string): Promise<string | null> {
    return this.host.workspace.read(name).catch(() => null);
  }
}
