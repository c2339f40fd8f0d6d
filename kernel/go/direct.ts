// The fast path: the compiler and linker run directly, as the go command would run them, with an
// import config computed once per set of imports. The go command's planning (package loading,
// hashing, the action graph) costs more than compiling a cell; this skips it, and keeps the
// go command's promise of not compiling the same code twice with an output cache of its own.
//
// Used for the session's own toolchain and pure-Go dependencies; anything else (cgo packages,
// another release, GOFLAGS that change a build: see goflags.ts) goes through the go command.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { run, type RunResult, type ToolchainInfo } from "./toolchain.js";
import { displayModule, usesDisplay } from "./displaymodule.js";
import { goLineFor } from "./workspace.js";
import { vet, type VetPackage } from "./vet.js";

export interface DirectResult {
  ok: boolean;
  /** What the compiler or linker printed (diagnostics, errors). */
  output: string;
  result: RunResult;
  /** Replayed from the output cache: nothing ran. */
  cached?: boolean;
}

interface ImportConfig {
  path: string;
  /** A dependency needs cgo: link through the go command instead. */
  cgo: boolean;
  text: string;
}

const MAX_CACHED_OUTPUTS = 256;

/**
 * The release whose `go test` the direct test build follows: its test main (cellparse/testmain.go
 * writes the same file, test/integration/testbuild.test.ts compares them) and its default vet
 * checks (cmd/go/internal/test: defaultVetFlags). Other releases build tests with the go command.
 */
export const TEST_RELEASE = "1.26";
export const TEST_VET_CHECKS = ["-atomic", "-bool", "-buildtags", "-directive", "-errorsas", "-ifaceassert", "-nilfunc", "-printf", "-slog", "-stringintconv", "-tests"];
const TEST_MAIN_IMPORTS = ["os", "reflect", "testing", "testing/internal/testdeps"];
/** In a directory the go command and gopls ignore ("_"). */
const TEST_MAIN_FILE = "_testmain/_testmain.go";

export class DirectBuilder {
  private readonly configs = new Map<string, Promise<ImportConfig | null>>();
  private readonly outputs = new Map<string, { ok: boolean; output: string; result: RunResult }>();
  private readonly buildInfos = new Map<string, Promise<string | null>>();

  constructor(
    private readonly go: ToolchainInfo,
    private readonly env: NodeJS.ProcessEnv,
    private readonly dir: string,
    /** The module's language version, as its go.mod says ("1.26"). */
    private readonly lang: string,
    /** Where import configs are kept across sessions (goperf's cache dir); none: this session only. */
    private readonly keepDir?: string,
  ) {}

  /** The compiler's flags for one package, as the go command passes them (its build ID and -trimpath aside). */
  private compileFlags(pkgPath: string, importConfig: string, archive: string): string[] {
    return ["-p", pkgPath, `-lang=go${this.lang}`, "-complete", "-goversion", this.go.version, "-c=2", "-nolocalimports", "-importcfg", importConfig, "-pack", "-o", archive];
  }

  private tool(name: "compile" | "link"): string {
    return join(this.toolDir(), name);
  }

  private toolDir(): string {
    return join(this.go.goroot, "pkg", "tool", `${this.go.goos}_${this.go.goarch}`);
  }

  /**
   * The import config for a set of imports: every package they depend on, with its compiled
   * archive in the go command's cache (`go list -export` builds what is missing). Null when the
   * go command cannot list them (a path that does not exist): the caller falls back to it, and it
   * reports the error in its own words.
   */
  importConfig(imports: readonly string[], signal?: AbortSignal, modules = ""): Promise<ImportConfig | null> {
    const wanted = [...new Set([...imports, "runtime"])].sort();
    // `modules`: what the module packages' archives depend on (requirements, files of modules on
    // disk); standard-library sets have none, so their configs stay keyed as before.
    const key = modules ? `${wanted.join(" ")}\u0000${modules}` : wanted.join(" ");
    let config = this.configs.get(key);
    if (!config) {
      config = this.listImports(wanted, key, signal);
      this.configs.set(key, config);
      config.then((c) => c ?? this.configs.delete(key), () => this.configs.delete(key));
    }
    return config;
  }

  private async listImports(wanted: string[], key: string, signal?: AbortSignal): Promise<ImportConfig | null> {
    const path = join(this.dir, `importcfg-${hash(key).slice(0, 12)}`);
    const kept = this.keptConfig(key);
    const text = kept ?? (await this.goList(wanted, signal));
    if (text === null) return null;
    await writeFile(path, text);
    if (kept === null) this.keepConfig(key, text);
    return { path, cgo: /^packagefile runtime\/cgo=/m.test(text), text };
  }

  private async goList(wanted: string[], signal?: AbortSignal): Promise<string | null> {
    const format = "{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}";
    const listed = await run(this.go.binary, ["list", "-export", "-deps", "-f", format, ...wanted], { cwd: this.dir, env: this.env, capture: true, signal });
    return listed.code === 0 ? listed.stdout : null;
  }

  /**
   * An import config kept by an earlier session, when every archive it names is still in the
   * build cache (archives are content-addressed: present means valid for the same toolchain and
   * build settings, which the key covers).
   */
  private keptConfig(key: string): string | null {
    if (!this.keepDir) return null;
    try {
      const text = readFileSync(this.keptPath(key), "utf8");
      const files = Object.values(packageFiles(text));
      return files.length > 0 && files.every((f) => existsSync(f)) ? text : null;
    } catch {
      return null;
    }
  }

  private keepConfig(key: string, text: string): void {
    if (!this.keepDir) return;
    try {
      mkdirSync(dirname(this.keptPath(key)), { recursive: true });
      writeFileSync(this.keptPath(key), text);
    } catch {
      // only a cache
    }
  }

  private keptPath(key: string): string {
    const settings = [this.go.version, this.go.goroot, this.go.goos, this.go.goarch, this.env.GOCACHE, this.env.GOFLAGS, this.env.GOAMD64, this.env.CGO_ENABLED];
    // goperf/display's sources: its archives are keyed by content, a kept config by this.
    if (usesDisplay(key.split(" "))) settings.push(displayModule()?.hash);
    return join(this.keepDir!, "importcfg", hash([...settings, key].join("\u0000")).slice(0, 24));
  }

  /**
   * Compiles main.go (and only it) into an archive, with the gc flags given. Without an output
   * path (diagnostics only), output the cache has seen is replayed. Never /dev/null as the
   * output: the compiler removes its output file when it fails.
   */
  async compile(
    imports: readonly string[],
    source: string,
    gcflags: readonly string[],
    archive?: string,
    signal?: AbortSignal,
    files: readonly string[] = ["main.go"],
    modules = "",
    /** The package's path in the binary: a test binary imports the package under test by it. */
    pkgPath = "main",
  ): Promise<DirectResult | null> {
    const config = await this.importConfig(imports, signal, modules);
    if (!config) return null;
    const key = hash([this.go.version, this.lang, gcflags.join(" "), config.text, files.join(" "), pkgPath, source].join("\u0000"));
    const seen = this.outputs.get(key);
    if (seen && !archive) return { ...seen, cached: true };
    const out = archive ?? join(this.dir, "diagnostics.a");
    const args = [...this.compileFlags(pkgPath, config.path, out), ...gcflags, ...files];
    const result = await run(this.tool("compile"), args, { cwd: this.dir, env: this.env, capture: true, signal });
    const compiled = { ok: result.code === 0, output: result.stdout + result.stderr, result };
    if (!result.interrupted) this.remember(key, compiled);
    return compiled;
  }

  /**
   * Compiles and links main.go (or `file`) into a program, linked as go run links (-s -w: no symbol table or
   * DWARF; panics keep their file:line). Null: use the go command (cgo, unknown imports).
   */
  async build(imports: readonly string[], source: string, binary: string, signal?: AbortSignal, file = "main.go", modules = ""): Promise<DirectResult | null> {
    const config = await this.importConfig(imports, signal, modules);
    if (!config || config.cgo) return null;
    const archive = join(this.dir, "main.a");
    const compiled = await this.compile(imports, source, [], archive, signal, [file], modules);
    if (!compiled || !compiled.ok) return compiled;
    const result = await run(this.tool("link"), ["-o", binary, "-importcfg", config.path, "-s", "-w", "-buildmode=exe", archive], {
      cwd: this.dir,
      env: this.env,
      capture: true,
      signal,
    });
    return { ok: result.code === 0, output: result.stdout + result.stderr, result };
  }

  /** Whether test binaries can be built here as `go test -c` builds them: TEST_RELEASE's test main and vet checks. */
  buildsTests(): boolean {
    return goLineFor(this.go.version) === TEST_RELEASE;
  }

  /**
   * Compiles and links a test binary as `go test -c` does: the package with its test file as
   * `test.pkgPath`, then the test main (`test.main`, cellparse's), then the link, with vet's
   * checks beside it (go test refuses a package vet complains about). `test.goMod`: the module's
   * go.mod, on which the build info the go command would link depends. Not ok, or null: the go
   * command should build it, and say in its own words what is wrong.
   */
  async buildTest(
    test: { imports: readonly string[]; source: string; files: readonly string[]; pkgPath: string; main: string; goMod: string },
    binary: string,
    signal?: AbortSignal,
  ): Promise<DirectResult | null> {
    // A //go:debug line changes the binary's GODEBUG defaults, which only the go command works out.
    if (/^\/\/go:debug /m.test(test.source)) return null;
    // One import config for the package and its test main: one `go list` for a new set of imports.
    const imports = [...test.imports, ...TEST_MAIN_IMPORTS];
    const [config, buildInfo] = await Promise.all([this.importConfig(imports, signal), this.testBuildInfo(test.goMod, signal)]);
    if (!config || config.cgo || !buildInfo) return null;
    const archive = join(this.dir, "test.a");
    const compiled = await this.compile(imports, test.source, [], archive, signal, test.files, "", test.pkgPath);
    if (!compiled?.ok) return compiled;
    const [vetted, linked] = await Promise.all([this.vet(test, config, signal), this.linkTest(test.main, `${config.text}packagefile ${test.pkgPath}=${archive}\n`, buildInfo, binary, signal)]);
    return vetted.ok ? linked : vetted;
  }

  /**
   * The build info `go test -c` links into a test binary of this module (its importcfg's modinfo
   * line: module path, build settings), read from the go command's plan (-n) once per go.mod.
   * Null when the plan links more than the direct build does (GODEBUG defaults of an older go
   * line): the go command builds those.
   */
  private testBuildInfo(goMod: string, signal?: AbortSignal): Promise<string | null> {
    let info = this.buildInfos.get(goMod);
    if (!info) {
      info = run(this.go.binary, ["test", "-c", "-n", "-ldflags=-s -w", "-o", join(this.dir, "plan.test"), "."], { cwd: this.dir, env: this.env, capture: true, signal }).then((plan) => {
        const modinfo = /^modinfo ".*"$/m.exec(plan.stderr)?.[0];
        const link = plan.stderr.split("\n").find((line) => /\/link -o /.test(line)) ?? "";
        return plan.code === 0 && modinfo && !/-X=|godebugDefault/.test(link) ? modinfo : null;
      });
      this.buildInfos.set(goMod, info);
      info.then((i) => i ?? this.buildInfos.delete(goMod), () => this.buildInfos.delete(goMod));
    }
    return info;
  }

  /** The test main compiled against the package under test (`config`), then linked with the build info (the linker's config only). */
  private async linkTest(main: string, config: string, buildInfo: string, binary: string, signal?: AbortSignal): Promise<DirectResult> {
    const mainFile = join(this.dir, TEST_MAIN_FILE);
    mkdirSync(dirname(mainFile), { recursive: true });
    const configFile = join(this.dir, "importcfg-test");
    const linkFile = join(this.dir, "importcfg-test.link");
    await Promise.all([writeFile(mainFile, main), writeFile(configFile, config), writeFile(linkFile, `${config}${buildInfo}\n`)]);
    const mainArchive = join(this.dir, "testmain.a");
    const tool = { cwd: this.dir, env: this.env, capture: true, signal } as const;
    const compiled = await run(this.tool("compile"), [...this.compileFlags("main", configFile, mainArchive), mainFile], tool);
    if (compiled.code !== 0) return { ok: false, output: compiled.stdout + compiled.stderr, result: compiled };
    // -s -w as goperf links every test binary; -X testing.testBinary=1 as go test links one.
    const result = await run(this.tool("link"), ["-o", binary, "-importcfg", linkFile, "-s", "-w", "-buildmode=exe", "-X", "testing.testBinary=1", mainArchive], tool);
    return { ok: result.code === 0, output: result.stdout + result.stderr, result };
  }

  /** go vet's verdict on the package with go test's checks (vet.ts), remembered for the same code. */
  private async vet(test: VetPackage, config: ImportConfig, signal?: AbortSignal): Promise<DirectResult> {
    const key = hash(["vet", this.go.version, config.text, test.files.join(" "), test.source].join("\u0000"));
    const seen = this.outputs.get(key);
    if (seen) return { ...seen, cached: true };
    const result = await vet(test, { tools: this.toolDir(), dir: this.dir, env: this.env, lang: this.lang, packageFiles: packageFiles(config.text), checks: TEST_VET_CHECKS, signal });
    const vetted = { ok: result.code === 0, output: result.stdout + result.stderr, result };
    if (!result.interrupted) this.remember(key, vetted);
    return vetted;
  }

  private remember(key: string, value: { ok: boolean; output: string; result: RunResult }): void {
    if (this.outputs.size >= MAX_CACHED_OUTPUTS) this.outputs.delete(this.outputs.keys().next().value!);
    this.outputs.set(key, value);
  }
}

/** An import config's archives by import path (its `packagefile PATH=ARCHIVE` lines). */
function packageFiles(config: string): Record<string, string> {
  return Object.fromEntries([...config.matchAll(/^packagefile ([^=]+)=(.+)$/gm)].map((m) => [m[1], m[2]]));
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
