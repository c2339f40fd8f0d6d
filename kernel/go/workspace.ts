// The session's scratch module on disk, written only when a file changes (so the go command's cache
// keys stay stable), removed on shutdown, and cleaned up by the next kernel when a kernel died
// without removing its own.
//
// A shared machine is a hostile one: every user can write to the temp dir, plant names there and
// pids in files. So the scratch dirs live in one private root per user (0700, owned by the user,
// checked with lstat before every start; refused with a clear error otherwise), a session dir is
// made with mkdtemp inside it, and clean-up touches only dirs in that root that the user owns. A
// recorded process group is killed only when it is provably the one goperf started (processes.ts).

import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, type Stats } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { killGroup } from "./toolchain.js";
import { formatRecord, parseRecord, recordOf, whyNotOurs } from "./processes.js";

export const SCRATCH_PREFIX = "goperf-session-";
export const MODULE_PATH = "goperf.session";
/** A session dir without its kernel.pid yet is being created, unless it is older than this. */
export const FRESH_MS = 60_000;

/** Where clean-up failures and refusals go: the kernel's stderr. */
export type Log = (line: string) => void;
const stderrLog: Log = (line) => process.stderr.write(`[goperf] ${line}\n`);

export class Workspace {
  private readonly written = new Map<string, string>();
  private removed = false;

  private constructor(readonly dir: string) {}

  /** A fresh session dir inside `root`, a private root (see privateRoot). */
  static async create(root: string): Promise<Workspace> {
    const dir = await mkdtemp(join(root, SCRATCH_PREFIX));
    await chmod(dir, 0o700);
    // Written whole or not at all (a concurrent start reads it to tell a live session from a stale one).
    const marker = join(dir, "kernel.pid");
    await writeFile(`${marker}.new`, formatRecord(recordOf(process.pid) ?? { pid: process.pid, start: 0, boot: "" }));
    await rename(`${marker}.new`, marker);
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

  /**
   * Synchronous so it also works from an exit handler. Idempotent. A go command still writing into
   * the dir (a shutdown while the session warms up) can make a pass fail with ENOTEMPTY: retried,
   * and if it still fails the dir counts as not removed, so the exit handler tries again after it
   * has killed the children.
   */
  removeSync(): void {
    if (this.removed) return;
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
    this.removed = true;
  }
}

/** `extra`: more go.mod lines (goperf/display's require and replace, displaymodule.ts). */
export function goMod(goLine: string, extra = ""): string {
  return `module ${MODULE_PATH}\n\ngo ${goLine}\n${extra}`;
}

/**
 * goperf's cache dir ($XDG_CACHE_HOME/goperf): the helper binaries (which the kernel executes) and
 * kept import configs live there. Created 0700; see privateDir for what is refused.
 */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "goperf");
}

/** The cache dir, created or checked: a binary in a dir another user can write could be anything. */
export function privateCacheDir(env: NodeJS.ProcessEnv): string {
  return privateDir(cacheDir(env), "XDG_CACHE_HOME", { readableByOthers: true });
}

/**
 * Makes the go command's default build cache ($XDG_CACHE_HOME or ~/.cache, then go-build) 0700 when
 * it does not exist yet, on Linux, before goperf's first build. The go command makes it with the
 * user's umask (0755 under the usual 022), and it holds the compiled archives of the reader's cells:
 * on a shared machine (a hub's users) another user could read them (test:hub found it). An existing
 * cache, or one GOCACHE names, is the user's own choice and is left as it is. Returns the dir made.
 */
export function privateGoBuildCache(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | null {
  if (platform !== "linux" || env.GOCACHE) return null;
  // os.UserCacheDir's rule on Linux, which the go command uses for its default.
  const base = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, ".cache") : "");
  if (!isAbsolute(base)) return null;
  const dir = join(base, "go-build");
  if (existsSync(dir)) return null;
  try {
    mkdirSync(base, { recursive: true, mode: 0o700 });
    mkdirSync(dir, { mode: 0o700 });
    return dir;
  } catch {
    return null; // made meanwhile by another kernel or go command, or not ours to make: the go command decides
  }
}

/** "go1.26.8" -> "1.26": the language version the scratch module asks for. */
export function goLineFor(version: string): string {
  const m = /go(\d+)\.(\d+)/.exec(version);
  return m ? `${m[1]}.${m[2]}` : "1.24";
}

// ---- the private root ------------------------------------------------------------------------

export class PrivateDirError extends Error {
  override name = "PrivateDirError";
}

/** The temp dir as os.tmpdir() finds it, for a given environment. */
export function tempDirOf(env: NodeJS.ProcessEnv): string {
  const dir = env.TMPDIR || env.TMP || env.TEMP || "/tmp";
  return dir.length > 1 && dir.endsWith("/") ? dir.slice(0, -1) : dir;
}

function ourUid(): number {
  return process.getuid?.() ?? -1;
}

/**
 * Where this user's scratch dirs live: $XDG_RUNTIME_DIR/goperf when that dir is set and is ours
 * alone (systemd's /run/user/UID), else <temp dir>/goperf-UID. Only the path: privateRoot makes it.
 */
export function privateRootPath(env: NodeJS.ProcessEnv, uid = ourUid()): string {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && isAbsolute(runtime)) {
    try {
      const st = lstatSync(runtime);
      if (st.isDirectory() && st.uid === uid && (st.mode & 0o077) === 0) return join(runtime, "goperf");
    } catch {
      // not there: the temp dir then
    }
  }
  return join(tempDirOf(env), `goperf-${uid}`);
}

/** This user's private root, created 0700 or checked; throws PrivateDirError saying what to do. */
export function privateRoot(env: NodeJS.ProcessEnv): string {
  return privateDir(privateRootPath(env), "TMPDIR");
}

/** What lstat says of a dir, as the checks need it. */
export interface DirFacts {
  symlink: boolean;
  directory: boolean;
  uid: number;
  mode: number;
}

function factsOf(st: Stats): DirFacts {
  return { symlink: st.isSymbolicLink(), directory: st.isDirectory(), uid: st.uid, mode: st.mode & 0o7777 };
}

const octal = (mode: number) => `0${(mode & 0o7777).toString(8)}`;

/**
 * Why goperf must not use `path` as a private dir (null when it may): it must be a real dir (not a
 * symlink), owned by `uid`, and writable by no one else (nor readable, unless `readableByOthers`).
 * `variable` is the environment variable that moves it elsewhere. Pure.
 */
export function privateDirProblem(path: string, facts: DirFacts, uid: number, variable: string, readableByOthers = false): string | null {
  const elsewhere = `or set ${variable} to a directory of your own`;
  if (facts.symlink) {
    return `${path} is a symbolic link, not a directory goperf made: another user may have planted it. goperf will not use it; remove it (${facts.uid === uid ? "it is yours" : `as its owner, uid ${facts.uid}, or as root`}), ${elsewhere}.`;
  }
  if (!facts.directory) return `${path} is not a directory. goperf will not use it; remove it, ${elsewhere}.`;
  if (facts.uid !== uid) {
    return `${path} belongs to uid ${facts.uid}, not to you (uid ${uid}): another user made it, so goperf will not use it (it could read or replace what goperf keeps there). Remove it (as its owner or as root), ${elsewhere}.`;
  }
  const forbidden = readableByOthers ? 0o022 : 0o077;
  if (facts.mode & forbidden) {
    return `${path} has mode ${octal(facts.mode)}: other users may ${readableByOthers ? "write to" : "read or write"} it, so goperf will not use it (someone may already have put files there). Check what is in it, then run \`chmod ${readableByOthers ? "go-w" : "700"} ${path}\`, ${elsewhere}.`;
  }
  return null;
}

/**
 * Why the dir that holds a private dir does not keep it safe (null when it does): its owner, and
 * anyone who may write to it without the sticky bit, can rename the private dir away and put
 * another in its place. Pure.
 */
export function parentProblem(path: string, facts: DirFacts, uid: number, variable: string): string | null {
  if (facts.uid !== uid && facts.uid !== 0) {
    return `${path} belongs to uid ${facts.uid}, who could replace goperf's directory in it. Set ${variable} to a directory of your own.`;
  }
  if (facts.mode & 0o022 && !(facts.mode & 0o1000)) {
    return `${path} (mode ${octal(facts.mode)}) lets other users rename what is in it, without the sticky bit that /tmp has: goperf's directory there could be replaced. Set ${variable} to a directory of your own, or run \`chmod +t ${path}\`.`;
  }
  return null;
}

/** Creates `path` 0700 (its parents as needed) or checks the one there; throws PrivateDirError. */
export function privateDir(path: string, variable: string, options: { readableByOthers?: boolean } = {}): string {
  const uid = ourUid();
  const parent = dirname(path);
  mkdirSync(parent, { recursive: true, mode: 0o700 });
  const parentFacts = factsOf(statSync(parent));
  const parentWrong = parentProblem(parent, parentFacts, uid, variable);
  if (parentWrong) throw new PrivateDirError(parentWrong);
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const wrong = privateDirProblem(path, factsOf(lstatSync(path)), uid, variable, options.readableByOthers);
  if (wrong) throw new PrivateDirError(wrong);
  return path;
}

// ---- stale session dirs --------------------------------------------------------------------------

/**
 * Removes the session dirs in `root` (a private root) left by kernels that no longer run (kill -9,
 * a crash), after killing the process group one recorded as running when that group is still the
 * one it started. Dirs of other users are left alone. Failures are logged, never thrown. Returns
 * the dirs removed.
 */
export async function removeStale(root: string, log: Log = stderrLog): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(root);
  } catch (err) {
    log(`could not list ${root} for stale session dirs: ${(err as Error).message}`);
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(SCRATCH_PREFIX)) continue;
    const dir = join(root, name);
    try {
      const st = lstatSync(dir);
      if (!st.isDirectory() || st.uid !== ourUid()) {
        log(`left ${dir} alone: ${st.isDirectory() ? `it belongs to uid ${st.uid}` : "it is not a directory"}`);
        continue;
      }
      const kernel = parseRecord(readIfExists(join(dir, "kernel.pid")));
      // No record yet: a kernel starting now (its mkdtemp done, its kernel.pid not yet written).
      if (!kernel && Date.now() - st.mtimeMs < FRESH_MS) continue;
      if (kernel && whyNotOurs(kernel) === null) continue; // its kernel runs
      const group = parseRecord(readIfExists(join(dir, "running.pgid")));
      if (group) {
        const why = whyNotOurs(group);
        if (why === null) killGroup(group.pid, group);
        else if (recordOf(group.pid)) log(`did not kill process group ${group.pid} recorded in ${dir}: ${why}`);
      }
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch (err) {
      log(`could not remove stale session dir ${dir}: ${(err as Error).message}`);
    }
  }
  return removed;
}

function readIfExists(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
