// The session's scratch module on disk: a private temp dir (0700), written only when a file changes
// (so the go command's cache keys stay stable), removed on shutdown, and cleaned up by the next
// kernel when a kernel died without removing its own.

import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { killGroup } from "./toolchain.js";

export const SCRATCH_PREFIX = "goperf-session-";
export const MODULE_PATH = "goperf.session";

export class Workspace {
  private readonly written = new Map<string, string>();
  private removed = false;

  private constructor(readonly dir: string) {}

  static async create(root = tmpdir()): Promise<Workspace> {
    const dir = await mkdtemp(join(root, SCRATCH_PREFIX));
    await chmod(dir, 0o700);
    await writeFile(join(dir, "kernel.pid"), String(process.pid));
    return new Workspace(dir);
  }

  /** Writes each file whose content changed; deletes files set to null. */
  async write(files: Record<string, string | null>): Promise<void> {
    for (const [name, content] of Object.entries(files)) {
      if (this.written.get(name) === content) continue;
      const path = join(this.dir, name);
      if (content === null) await rm(path, { force: true });
      else {
        if (name.includes("/")) await mkdir(dirname(path), { recursive: true, mode: 0o700 });
        await writeFile(path, content);
      }
      if (content === null) this.written.delete(name);
      else this.written.set(name, content);
    }
  }

  async read(name: string): Promise<string> {
    return readFile(join(this.dir, name), "utf8");
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** Synchronous so it also works from an exit handler. Idempotent. */
  removeSync(): void {
    if (this.removed) return;
    this.removed = true;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `extra`: more go.mod lines (goperf/display's require and replace, displaymodule.ts). */
export function goMod(goLine: string, extra = ""): string {
  return `module ${MODULE_PATH}\n\ngo ${goLine}\n${extra}`;
}

/** goperf's cache dir ($XDG_CACHE_HOME/goperf): the parser helper and kept import configs live there. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "goperf");
}

/** "go1.26.8" -> "1.26": the language version the scratch module asks for. */
export function goLineFor(version: string): string {
  const m = /go(\d+)\.(\d+)/.exec(version);
  return m ? `${m[1]}.${m[2]}` : "1.24";
}

/**
 * Removes scratch dirs left by kernels that no longer run (kill -9, a crash), after killing any
 * process group they recorded as running. Returns the dirs removed.
 */
export async function removeStale(root = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(SCRATCH_PREFIX)) continue;
    const dir = join(root, name);
    const pid = Number(readIfExists(join(dir, "kernel.pid")));
    if (pid && isAlive(pid)) continue;
    const group = Number(readIfExists(join(dir, "running.pgid")));
    if (group) killGroup(group);
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

function readIfExists(path: string): string {
  try {
    return existsSync(path) ? readFileSync(path, "utf8").trim() : "";
  } catch {
    return "";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
