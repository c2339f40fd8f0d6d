// The scratch module's requirements: third-party modules (found by the go command through the
// user's GOPROXY, GONOSUMDB, GOPRIVATE, GOFLAGS) and modules on disk (%use). The state is a value:
// go.mod and go.sum as text, carried by a candidate and committed with it, so a cell that fails
// leaves them exactly as they were. The go command edits them in a private dir of its own
// (never the scratch module's files), and only its answer becomes a new state.
//
// Why `-mod=mod` loading and not `go get` for a cell's imports: `go get PKG` means PKG@upgrade,
// which would move a module the session pinned to its latest version; loading with -mod=mod adds
// only what is missing (at its latest version) and the go.sum lines the build needs, and keeps
// every pinned version. `%get` is `go get` itself: it pins, upgrades and downgrades as go get does.
//
// Why `replace` and not a go.work for %use: the scratch module's one go.mod then says everything a
// build depends on (the candidate carries it, %mod shows it, the test-binary key covers it), and
// the kernel keeps GOWORK=off, so a user's own go.work never changes a session's builds.

import { mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { isAbsolute, join, resolve } from "node:path";
import { run, type RunResult, type ToolchainInfo } from "./toolchain.js";

export interface UsedModule {
  /** The module path its go.mod declares. */
  path: string;
  /** Its directory, absolute. */
  dir: string;
}

export interface ModuleState {
  /** go.mod as the go command last wrote it (its go line may be raised by a requirement). */
  readonly goMod: string;
  readonly goSum: string;
  /** Non-standard import paths already resolved: a cell importing only these costs no go command. */
  readonly known: readonly string[];
  /** Modules on disk made importable with %use (a replace each). */
  readonly uses: readonly UsedModule[];
}

/** An import a cell declares, where it declares it (so the go command's error points there). */
export interface ImportSite {
  path: string;
  cell: number;
  line: number;
  col: number;
}

/** Where and how the go command runs for module work. */
export interface ModuleHost {
  go: ToolchainInfo;
  env: NodeJS.ProcessEnv;
  /** A private dir for the go command to edit go.mod/go.sum in. */
  dir: string;
  /** The go command's progress lines (finding, downloading, added), as they come. */
  progress?: (line: string) => void;
  signal?: AbortSignal;
}

export type ModuleAnswer = { ok: true; state: ModuleState; output: string } | { ok: false; message: string; interrupted: boolean };

export function initialModules(goMod: string): ModuleState {
  return Object.freeze({ goMod, goSum: "", known: Object.freeze([]), uses: Object.freeze([]) });
}

/**
 * Import paths outside the standard library: Go reserves paths whose first element has no dot for
 * it (a %use module with such a path is still found, through its replace).
 */
export function thirdParty(path: string): boolean {
  return path.split("/")[0].includes(".");
}

/** The imports that the state does not resolve yet. */
export function unresolved(state: ModuleState, imports: readonly ImportSite[]): ImportSite[] {
  const known = new Set(state.known);
  const seen = new Set<string>();
  return imports.filter((i) => thirdParty(i.path) && !known.has(i.path) && !seen.has(i.path) && (seen.add(i.path), true));
}

const PROGRESS = /^go: (finding|downloading|found|extracting|added|upgraded|downgraded|removed|upgrading|downgrading)\b/;

/** Runs the go command on the state's go.mod/go.sum in the module dir; the state it leaves there. */
async function goOnState(host: ModuleHost, state: ModuleState, args: string[], files: Record<string, string> = {}): Promise<{ result: RunResult; goMod: string; goSum: string; errors: string }> {
  await rm(host.dir, { recursive: true, force: true });
  await mkdir(host.dir, { recursive: true, mode: 0o700 });
  await writeFile(join(host.dir, "go.mod"), state.goMod);
  await writeFile(join(host.dir, "go.sum"), state.goSum);
  for (const [name, text] of Object.entries(files)) await writeFile(join(host.dir, name), text);
  let pending = "";
  const errors: string[] = [];
  const onStderr = (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      if (PROGRESS.test(line)) host.progress?.(line + "\n");
      else if (line.trim()) errors.push(line);
    }
  };
  const env = { ...host.env, GOTOOLCHAIN: host.go.gotoolchain ?? "local" };
  const result = await run(host.go.binary, args, { cwd: host.dir, env, capture: true, signal: host.signal, onStderr });
  if (pending.trim()) (PROGRESS.test(pending) ? host.progress?.(pending + "\n") : errors.push(pending));
  const read = (name: string) => readFile(join(host.dir, name), "utf8").catch(() => "");
  return { result, goMod: await read("go.mod"), goSum: await read("go.sum"), errors: errors.join("\n") };
}

/**
 * Resolves a cell's new imports: the go command finds the modules that provide them (fetching what
 * the module cache lacks) and the go.sum lines their builds need. Pinned versions stay.
 */
export async function resolveImports(state: ModuleState, imports: readonly ImportSite[], host: ModuleHost): Promise<ModuleAnswer> {
  // Each import under a //line directive: the go command's error then names the cell's own line.
  const specs = imports.map((i) => `//line cell[${i.cell}]:${i.line}:${i.col}\n${JSON.stringify(i.path)}\n`).join("");
  const file = `package main\n\nimport (\n${specs})\n`;
  const { result, goMod, goSum, errors } = await goOnState(host, state, ["list", "-mod=mod", "-deps", "-f", "{{.ImportPath}}", "."], { "imports.go": file });
  if (result.code !== 0) return { ok: false, message: errors || `the go command failed (${result.killedBy ?? `exit status ${result.code}`})`, interrupted: result.interrupted };
  const known = [...new Set([...state.known, ...imports.map((i) => i.path)])].sort();
  return { ok: true, state: Object.freeze({ ...state, goMod, goSum, known: Object.freeze(known) }), output: errors };
}

/** `go get ARGS...` on the state: pins, upgrades or downgrades as go get does. */
export async function getModules(state: ModuleState, args: readonly string[], host: ModuleHost): Promise<ModuleAnswer> {
  const { result, goMod, goSum, errors } = await goOnState(host, state, ["get", ...args]);
  if (result.code !== 0) return { ok: false, message: errors || `go get failed (exit status ${result.code})`, interrupted: result.interrupted };
  // A changed version may no longer provide what was resolved: the next cell resolves again.
  return { ok: true, state: Object.freeze({ ...state, goMod, goSum, known: Object.freeze([]) }), output: errors };
}

/**
 * %use DIR: the module in DIR, required and replaced by its directory, with all of its packages
 * built (so a module that does not compile is refused here, naming its files).
 */
export async function useModule(state: ModuleState, dirGiven: string, base: string, host: ModuleHost): Promise<ModuleAnswer & { used?: UsedModule }> {
  const dir = isAbsolute(dirGiven) ? dirGiven : resolve(base, dirGiven);
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) return { ok: false, message: `${dirGiven}: no such directory (looked for ${dir})`, interrupted: false };
  const hasMod = await stat(join(dir, "go.mod")).catch(() => null);
  if (!hasMod) return { ok: false, message: `${dirGiven} is not a module: ${join(dir, "go.mod")} does not exist (go mod init MODULEPATH there makes it one)`, interrupted: false };
  const edit = await run(host.go.binary, ["mod", "edit", "-json", join(dir, "go.mod")], { env: host.env, capture: true, signal: host.signal });
  if (edit.code !== 0) return { ok: false, message: `${dirGiven}: its go.mod does not parse: ${edit.stderr.trim()}`, interrupted: edit.interrupted };
  const path = (JSON.parse(edit.stdout) as { Module?: { Path?: string } }).Module?.Path;
  if (!path) return { ok: false, message: `${dirGiven}: its go.mod declares no module path`, interrupted: false };
  const required = new RegExp(`^\\s*(require\\s+)?${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s+v`, "m").test(state.goMod);
  const editArgs = [...(required ? [] : [`-require=${path}@v0.0.0`]), `-replace=${path}=${dir}`];
  const edited = await goOnState(host, state, ["mod", "edit", ...editArgs]);
  if (edited.result.code !== 0) return { ok: false, message: `${dirGiven} (module ${path}): ${edited.errors}`, interrupted: edited.result.interrupted };
  const withReplace: ModuleState = { ...state, goMod: edited.goMod, goSum: edited.goSum };
  const built = await goOnState(host, withReplace, ["build", "-mod=mod", `${path}/...`]);
  if (built.result.code !== 0) {
    return { ok: false, message: `${dirGiven} (module ${path}) does not build:\n${built.errors}`, interrupted: built.result.interrupted };
  }
  const used = { path, dir };
  const uses = [...state.uses.filter((u) => u.path !== path), used];
  return { ok: true, used, state: Object.freeze({ ...withReplace, goMod: built.goMod, goSum: built.goSum, uses: Object.freeze(uses) }), output: built.errors };
}

/** go.mod with its go line set to `line` (a build with an older toolchain alongside). */
export function withGoLine(goMod: string, line: string): string {
  return goMod.replace(/^go[ \t]+\S+[ \t]*$/m, `go ${line}`).replace(/^toolchain[ \t]+\S+[ \t]*\n\n?/m, "");
}

/** The go line go.mod declares ("1.26.0"). */
export function goLineOf(goMod: string): string | undefined {
  return /^go[ \t]+(\S+)[ \t]*$/m.exec(goMod)?.[1];
}

/**
 * A fingerprint of the files of the modules on disk: what the go command would find changed. By
 * size and modification time (what make does): hashing a real project's every file at each cell
 * would cost more than the build it saves. Dirs the go command ignores (., _, testdata) are skipped.
 */
export async function usedFingerprint(uses: readonly UsedModule[]): Promise<string> {
  if (uses.length === 0) return "";
  const h = createHash("sha256");
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (/^[._]/.test(e.name) || e.name === "testdata") continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        const s = await stat(p, { bigint: true }).catch(() => null);
        if (s) h.update(`${p}\u0000${s.size}\u0000${s.mtimeNs}\n`);
      }
    }
  };
  for (const u of uses) await walk(u.dir);
  return h.digest("hex");
}

export interface Requirement {
  path: string;
  version: string;
  indirect: boolean;
  /** A replace: a directory (%use) or another module version. */
  replace?: { path: string; version?: string };
}

/** The requirements go.mod states, as the go command reads them (go mod edit -json). */
export async function requirements(goMod: string, host: Pick<ModuleHost, "go" | "env" | "dir" | "signal">): Promise<{ goLine: string; requires: Requirement[] }> {
  await mkdir(host.dir, { recursive: true, mode: 0o700 });
  const file = join(host.dir, "shown.mod");
  await writeFile(file, goMod);
  const r = await run(host.go.binary, ["mod", "edit", "-json", file], { env: host.env, capture: true, signal: host.signal });
  if (r.code !== 0) throw new Error(`go mod edit -json: ${r.stderr.trim()}`);
  const j = JSON.parse(r.stdout) as {
    Go?: string;
    Require?: { Path: string; Version: string; Indirect?: boolean }[] | null;
    Replace?: { Old: { Path: string; Version?: string }; New: { Path: string; Version?: string } }[] | null;
  };
  const replaces = new Map((j.Replace ?? []).map((r) => [r.Old.Path, r.New]));
  const requires = (j.Require ?? []).map((q) => {
    const rep = replaces.get(q.Path);
    return { path: q.Path, version: q.Version, indirect: Boolean(q.Indirect), ...(rep ? { replace: rep.Version ? { path: rep.Path, version: rep.Version } : { path: rep.Path } } : {}) };
  });
  return { goLine: j.Go ?? "", requires };
}
