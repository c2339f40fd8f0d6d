// The package's own facts, read from package.json, their one source: the version (kernel_info's
// implementation_version, goperf --version) and the Node flags the kernel runs with (install.js
// writes them into the kernelspec; KernelClient and the tests launch the kernel with them).

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

interface PackageJson {
  name: string;
  version: string;
  goperf: {
    /**
     * A small young generation keeps a long session's memory flat: with V8's default (16 MiB
     * semi-spaces) a burst of cells grows the kernel's resident memory by a third for good.
     */
    kernelNodeFlags: string[];
  };
}

/** goperf's package.json, found upwards from this module (dist/kernel/ compiled, or wherever a bundle lies). */
function read(): PackageJson {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    try {
      const json = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;
      if (json.name === "goperf") return json;
    } catch {
      // none here (or not JSON): look further up
    }
    if (dirname(dir) === dir) throw new Error(`goperf's package.json is not in ${start} nor above it`);
  }
}

const pkg = read();

export const VERSION: string = pkg.version;
export const KERNEL_NODE_FLAGS: readonly string[] = pkg.goperf.kernelNodeFlags;
