// The release of the go command on PATH, read from its GOROOT's VERSION file without running it.
// kernel_info says this while the toolchain detection (`go env`, a child process, and Node's
// child_process module with it: about a fifth of the kernel's start-up work) waits until after the
// first reply. With GOTOOLCHAIN=local (goEnv) the go command reports the release it was built from,
// which is that file's first line. Null whenever it cannot be read this way (no go on PATH, a shim
// or wrapper script, a development build without VERSION): the kernel then waits for the detection.

import { accessSync, constants, readFileSync, realpathSync } from "node:fs";
import { delimiter, dirname, isAbsolute, join } from "node:path";

export function releaseOnPath(env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!isAbsolute(dir)) continue; // the kernel's spawn would look there; this shortcut does not
    const candidate = join(dir, "go");
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    try {
      const line = readFileSync(join(dirname(dirname(realpathSync(candidate))), "VERSION"), "utf8").split("\n")[0].trim();
      return /^go\d+\.\d+(\.\d+)?$/.test(line) ? line : null;
    } catch {
      return null;
    }
  }
  return null;
}
