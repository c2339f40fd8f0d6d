// goperf/display (kernel/go/display, a module of its own) in the scratch module: required and
// replaced by the directory goperf ships, so a cell imports it without network access. From the
// first cell that imports it on (session.ts keeps it then); before, go.mod stays as it was. Only
// code that imports it links it.

import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const DISPLAY_MODULE = "goperf/display";

/** Whether a list of import paths uses the package or one of its subpackages (chart). */
export function usesDisplay(imports: Iterable<string>): boolean {
  for (const p of imports) if (p === DISPLAY_MODULE || p.startsWith(DISPLAY_MODULE + "/")) return true;
  return false;
}

/** The go.mod lines that make the module available from `dir`. */
export function displayRequirement(dir: string): string {
  return `\nrequire ${DISPLAY_MODULE} v0.0.0\n\nreplace ${DISPLAY_MODULE} => ${JSON.stringify(dir)}\n`;
}

let found: { dir: string; hash: string } | null | undefined;

/**
 * The module's directory under the package root, and a hash of its sources: compiled archives are
 * content-addressed, so an import config kept from an older goperf would name the old archive.
 */
export function displayModule(): { dir: string; hash: string } | null {
  if (found !== undefined) return found;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, "kernel", "go", "display");
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(candidate, "go.mod"))) {
      return (found = { dir: candidate, hash: sourceHash(candidate) });
    }
    const up = path.dirname(dir);
    if (up === dir) return (found = null);
    dir = up;
  }
}

function sourceHash(dir: string): string {
  const hash = createHash("sha256");
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "go.mod" || (entry.name.endsWith(".go") && !entry.name.endsWith("_test.go"))) {
        hash.update(path.relative(dir, full)).update("\0").update(readFileSync(full)).update("\0");
      }
    }
  };
  walk(dir);
  return hash.digest("hex").slice(0, 16);
}
