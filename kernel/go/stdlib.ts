// The standard library's package names by package name (cellparse's stdlib op walks GOROOT/src,
// about 30 ms), kept in goperf's private cache dir per GOROOT and release: the first cell after a
// start needs them to add the imports it leaves out, and would otherwise wait for the walk. Read
// back only from a file and dir this user owns that nobody else can write, and only names of
// standard-library paths (a planted `fmt` -> "example.com/evil" would import a module).

import { createHash } from "node:crypto";
import { lstatSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { CellParser } from "./parse.js";

export async function stdlibNames(goroot: string, version: string, cacheDir: string, parser: Promise<CellParser | null>): Promise<Record<string, string>> {
  const file = join(cacheDir, "stdlib", `${createHash("sha256").update(`${goroot}\u0000${version}`).digest("hex").slice(0, 24)}.json`);
  const kept = ownedByUs(dirname(file)) && ownedByUs(file) ? await readFile(file, "utf8").then(names, () => null) : null;
  if (kept) return kept;
  const p = await parser;
  if (!p) return {};
  const walked = await p.stdlib(goroot);
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, JSON.stringify(walked), { mode: 0o600 });
  } catch {
    // only a cache
  }
  return walked;
}

/** Ours and writable by nobody else: a file someone else could have written is never read. */
function ownedByUs(path: string): boolean {
  try {
    const st = lstatSync(path);
    return !st.isSymbolicLink() && st.uid === process.getuid?.() && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** A kept file's names, or null when it is not the object the walk writes (standard-library paths only). */
function names(text: string): Record<string, string> | null {
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return null;
    const entries = Object.entries(parsed);
    const standard = (v: unknown) => typeof v === "string" && /^[a-z0-9_]+(\/[a-zA-Z0-9_.-]+)*$/.test(v) && !v.split("/")[0].includes(".");
    return entries.length > 0 && entries.every(([, v]) => standard(v)) ? (parsed as Record<string, string>) : null;
  } catch {
    return null;
  }
}
