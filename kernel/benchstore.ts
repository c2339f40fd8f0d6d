// Saved benchmark runs for %bench --save/--compare across sessions, days and machines: the raw
// `go test -bench` output in the Go benchmark data format, headed by benchstat configuration keys
// (goos, goarch, cpu, go, machine, and the reader's --label keys), so `benchstat saved.txt` and
// `benchstat a.txt b.txt` read the files as they are. They live in the user's goperf data dir
// ($XDG_DATA_HOME/goperf/bench, else ~/.local/share/goperf/bench), created 0700 and refused when
// another user owns it or others can write to it: timings and code names are the user's own.

import { chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export function benchDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "goperf", "bench");
}

/** Names are file names: no path separators, no leading dot. */
export const SAVE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

/** Creates the dir 0700 if needed and checks it is the user's own and private; throws otherwise. */
export function privateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) throw new Error(`${dir} belongs to another user (uid ${st.uid}); goperf keeps saved runs only in a dir you own`);
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  return dir;
}

/** Configuration lines first (benchstat reads keys before the results they apply to), then the raw output. */
export function savedText(raw: string, config: Record<string, string>): string {
  const head = Object.entries(config)
    .filter(([, v]) => v !== "")
    .map(([k, v]) => `${k}: ${v.replace(/\n/g, " ")}\n`)
    .join("");
  // The raw output repeats goos/goarch/pkg/cpu: same values, so benchstat's view is unchanged.
  return head + raw + (raw.endsWith("\n") ? "" : "\n");
}

export function saveRun(name: string, raw: string, config: Record<string, string>, dir = benchDataDir()): string {
  privateDir(dir);
  const path = join(dir, `${name}.txt`);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, savedText(raw, config), { mode: 0o600 });
  renameSync(tmp, path);
  return path;
}

export function loadRun(name: string, dir = benchDataDir()): { path: string; text: string } | undefined {
  const path = join(dir, `${name}.txt`);
  try {
    const st = lstatSync(path);
    const uid = process.getuid?.();
    if (!st.isFile() || (uid !== undefined && st.uid !== uid)) return undefined;
    return { path, text: readFileSync(path, "utf8") };
  } catch {
    return undefined;
  }
}

export function listSaved(dir = benchDataDir()): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(".txt"))
      .map((f) => f.slice(0, -4))
      .sort();
  } catch {
    return [];
  }
}
