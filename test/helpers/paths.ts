// Paths from compiled tests (dist/test/...) back to the package's source tree.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root: the directory holding package.json. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export function fixture(name: string): string {
  return join(ROOT, "test", "fixtures", name);
}

/** A fixture's text ("compiler/ch01-m2.go1.26.8.txt"). */
export function readFixture(name: string): string {
  return readFileSync(fixture(name), "utf8");
}
