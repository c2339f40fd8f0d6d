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

export class DirectBuilder {
  private readonly configs = new Map<string, Promise<ImportConfig | null>>();
  private readonly outputs = new Map<string, { ok: boolean; output: string; result: RunResult }>();

  constructor(
    private readonly go: ToolchainInfo,
    private readonly env: NodeJS.ProcessEnv,
    private readonly dir: string,
    /** The module's language version, as its go.mod says ("1.26"). */
    private readonly lang: string,
    /** Where import configs are kept across sessions (goperf's cache dir); none: this session only. */
    private readonly keepDir?: string,
  ) {}

  private tool(name: "compile" | "link"): string {
    return join(this.go.goroot, "pkg", "tool", `${this.go.goos}_${this.go.goarch}`, name);
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
      const files = [...text.matchAll(/^packagefile [^=]+=(.+)$/gm)].map((m) => m[1]);
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
  ): Promise<DirectResult | null> {
    const config = await this.importConfig(imports, signal, modules);
    if (!config) return null;
    const key = hash([this.go.version, this.lang, gcflags.join(" "), config.text, files.join(" "), source].join("\u0000"));
    const seen = this.outputs.get(key);
    if (seen && !archive) return { ...seen, cached: true };
    const out = archive ?? join(this.dir, "diagnostics.a");
    const args = ["-p", "main", `-lang=go${this.lang}`, "-complete", "-goversion", this.go.version, "-c=2", "-nolocalimports", "-importcfg", config.path, "-pack", "-o", out, ...gcflags, ...files];
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

  private remember(key: string, value: { ok: boolean; output: string; result: RunResult }): void {
    if (this.outputs.size >= MAX_CACHED_OUTPUTS) this.outputs.delete(this.outputs.keys().next().value!);
    this.outputs.set(key, value);
  }
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
