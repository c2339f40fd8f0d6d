// Paths from compiled tests (dist/test/...) back to the package's source tree.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root: the directory holding package.json. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export function fixture(name: string): string {
  return join(ROOT, "test", "fixtures", name);
}
