// The user's GOFLAGS, kept: goperf adds only -buildvcs=false (the scratch module is in no
// repository, and stamping VCS data costs a git/hg lookup per build), and only when the user did
// not choose -buildvcs themselves.

/** GOFLAGS split as the go command splits it: on spaces, a quoted value kept whole. */
export function splitGoFlags(goflags: string | undefined): string[] {
  const flags: string[] = [];
  for (const m of (goflags ?? "").matchAll(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g)) flags.push(m[0]);
  return flags;
}

function flagName(flag: string): string {
  return flag.replace(/^--?/, "").replace(/=.*$/s, "");
}

/** The session's GOFLAGS: the user's, with -buildvcs=false appended unless they set -buildvcs. */
export function sessionGoFlags(user: string | undefined): string {
  const flags = splitGoFlags(user);
  if (!flags.some((f) => flagName(f) === "buildvcs")) flags.push("-buildvcs=false");
  return flags.join(" ");
}

/**
 * Flags that leave what the compiler and linker are asked to do unchanged (module mode, cache
 * permissions, parallelism, VCS stamping, which the direct path never does).
 */
const NEUTRAL = new Set(["buildvcs", "mod", "modcacherw", "p"]);

/**
 * The GOFLAGS that change a build (-tags, -gcflags, -ldflags, -race, -trimpath, -pgo, ...). The
 * direct compiler path does not emulate them: it would have to repeat how the go command turns
 * each into compiler and linker arguments (package patterns, instrumentation, profiles), and drift
 * from it; with any of them set, builds go through the go command, which applies them itself.
 */
export function buildChangingFlags(goflags: string | undefined): string[] {
  return splitGoFlags(goflags).filter((f) => !NEUTRAL.has(flagName(f)));
}
