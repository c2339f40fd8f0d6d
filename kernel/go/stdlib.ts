// The standard library's package names by package name (cellparse's stdlib op walks GOROOT/src,
// about 30 ms), kept in goperf's private cache dir per GOROOT and release: the first cell after a
// start needs them to add the imports it leaves out, and would otherwise wait for the walk.

import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { CellParser } from "./parse.js";

export async function stdlibNames(goroot: string, version: string, cacheDir: string, parser: Promise<CellParser | null>): Promise<Record<string, string>> {
  const file = join(cacheDir, "stdlib", `${createHash("sha256").update(`${goroot}\u0000${version}`).digest("hex").slice(0, 24)}.json`);
  const kept = await readFile(file, "utf8").then(names, () => null);
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

/** A kept file's names, or null when it is not the object the walk writes. */
function names(text: string): Record<string, string> | null {
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return null;
    const entries = Object.entries(parsed);
    return entries.length > 0 && entries.every(([, v]) => typeof v === "string") ? (parsed as Record<string, string>) : null;
  } catch {
    return null;
  }
}
