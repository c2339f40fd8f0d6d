// A module proxy on disk (GOPROXY=file:///DIR), built by the test from module sources it writes:
// tests of third-party modules then need no network. Its module cache is private to the test.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fixture } from "./paths.js";

export interface LocalProxy {
  dir: string;
  /** GOPROXY, GONOSUMDB and a private GOMODCACHE: the kernel's environment for these modules. */
  env: NodeJS.ProcessEnv;
  /** Adds MODULE@VERSION with these files (go.mod included). */
  add(module: string, version: string, files: Record<string, string>): void;
  remove(): void;
}

export function localProxy(): LocalProxy {
  const root = mkdtempSync(join(tmpdir(), "goperf-modproxy-"));
  const dir = join(root, "proxy");
  const cache = join(root, "modcache");
  mkdirSync(dir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GOPROXY: `file://${dir}`,
    // These modules are in no checksum database: the user's way of saying so.
    GONOSUMDB: "example.com",
    GOMODCACHE: cache,
  };
  return {
    dir,
    env,
    add(module, version, files) {
      const src = join(root, "src", `${module.replace(/\//g, "_")}@${version}`);
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(dirname(join(src, name)), { recursive: true });
        writeFileSync(join(src, name), text);
      }
      execFileSync("go", ["run", fixture("modproxy/main.go"), dir, module, version, src], { stdio: "pipe" });
    },
    remove() {
      // The go command makes its module cache read-only; it knows how to remove it.
      execFileSync("go", ["clean", "-modcache"], { env, stdio: "ignore" });
      rmSync(root, { recursive: true, force: true });
    },
  };
}
