// Guards around the user's program: nothing it starts outlives it, a memory limit it cannot
// exceed, and the words for how it ended when it hit one of the kernel's limits or was interrupted.
//
// Node can neither set a child's resource limits nor make it a child subreaper, so the program is
// started through goperf's launcher (kernel/go/launcher, argv only, no shell): it holds every
// descendant of the program (setsid and double forks included) and kills what is left when the
// program ends or the kernel dies, and it sets RLIMIT_DATA, the cap on the memory the program can
// map. GOMEMLIMIT makes the Go collector work to stay under the cap before the cap is hit. Should
// the launcher not build, util-linux's `prlimit` applies the cap instead (and the kernel's process
// group kill is all there is).

import { accessSync, constants, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { ensureHelperBinary } from "./helpers.js";

/** The default cap on a cell program's memory; GOPERF_MEMORY_LIMIT_MIB overrides it (0: none). */
export const DEFAULT_MEMORY_LIMIT_MIB = 2048;
/** How long an interrupted program has to print where it was before its group is killed. */
export const QUIT_GRACE_MS = 250;

export interface GuardedCommand {
  binary: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** The cap applied, in MiB; null when none could be (no launcher nor prlimit, or turned off). */
  limitMiB: number | null;
}

/** The launcher's binary once built (null: it could not be); undefined until prepareLauncher. */
let launcher: Promise<string | null> | undefined;

/**
 * Builds the launcher (once per Go release, kept in goperf's cache dir) in the background: the
 * kernel's start does not wait for it, the first program run does. A failure is logged once.
 */
export function prepareLauncher(goBinary: string, cacheDir: string, env: NodeJS.ProcessEnv, log: (line: string) => void = stderrLog): void {
  launcher ??= ensureHelperBinary("launcher", goBinary, cacheDir, env).catch((err: Error) => {
    log(`the program launcher could not be built, so programs run without it: what a program starts with setsid or a double fork may outlive it. ${err.message}`);
    return null;
  });
}

/** The launcher's binary, once prepareLauncher has begun building it (null: it could not be built). */
export function launcherBinary(): Promise<string | null> {
  return launcher ?? Promise.resolve(null);
}

function stderrLog(line: string): void {
  process.stderr.write(`[goperf] ${line}\n`);
}

let prlimitPath: string | null | undefined;

/** util-linux's prlimit on PATH, found once. */
export function findPrlimit(pathVar = process.env.PATH ?? ""): string | null {
  if (prlimitPath !== undefined) return prlimitPath;
  prlimitPath = null;
  for (const dir of pathVar.split(delimiter).concat(["/usr/bin", "/bin"])) {
    if (!dir) continue;
    const candidate = join(dir, "prlimit");
    try {
      accessSync(candidate, constants.X_OK);
      prlimitPath = candidate;
      break;
    } catch {
      // not here
    }
  }
  return prlimitPath;
}

/** The memory cap in MiB from the kernel's environment; null when turned off. */
export function memoryLimitMiB(env: NodeJS.ProcessEnv = process.env): number | null {
  const raw = env.GOPERF_MEMORY_LIMIT_MIB;
  if (raw === undefined || raw.trim() === "") return DEFAULT_MEMORY_LIMIT_MIB;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) return null;
  return Math.max(64, Math.floor(n));
}

/**
 * The program's command: `launcher -data=B -parent=KERNEL -- binary args...`, or without the
 * launcher `prlimit --data=B:B -- binary args...`.
 */
export async function guardCommand(binary: string, args: string[], env: NodeJS.ProcessEnv): Promise<GuardedCommand> {
  const limit = memoryLimitMiB(env);
  const launcherPath = (await launcher) ?? null;
  const prlimit = limit === null || launcherPath ? null : findPrlimit(env.PATH);
  // Never above the hard limit the kernel already has (it could not be raised, the start would fail).
  const bytes = limit === null ? 0 : Math.min(limit * 1024 * 1024, hardDataLimit());
  const capped = bytes > 0 && (launcherPath !== null || prlimit !== null);
  const guardedEnv = { ...env };
  // The collector's soft goal, below the hard cap so that garbage is collected before the cap bites.
  if (capped && !guardedEnv.GOMEMLIMIT) guardedEnv.GOMEMLIMIT = `${Math.floor((bytes * 0.9) / 1024 / 1024)}MiB`;
  const limitMiB = capped ? Math.floor(bytes / 1024 / 1024) : null;
  if (launcherPath) {
    const options = [...(capped ? [`-data=${bytes}`] : []), `-parent=${process.pid}`];
    return { binary: launcherPath, args: [...options, "--", binary, ...args], env: guardedEnv, limitMiB };
  }
  if (!prlimit || !capped) return { binary, args, env, limitMiB: null };
  return { binary: prlimit, args: [`--data=${bytes}:${bytes}`, "--", binary, ...args], env: guardedEnv, limitMiB };
}

let hardLimit: number | undefined;

/** The kernel's own hard RLIMIT_DATA, from /proc/self/limits, read once (Infinity when unlimited or unknown). */
function hardDataLimit(): number {
  hardLimit ??= readHardDataLimit();
  return hardLimit;
}

function readHardDataLimit(): number {
  try {
    const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max data size"));
    const hard = line?.trim().split(/\s{2,}/)[2];
    return hard && /^\d+$/.test(hard) ? Number(hard) : Infinity;
  } catch {
    return Infinity;
  }
}

const OUT_OF_MEMORY = /^fatal error: (?:runtime: )?out of memory|^runtime: out of memory|^fatal error: .*cannot allocate memory/m;

/** A death trace that says the program ran out of memory under the cap -> the cell's error. */
export function memoryLimitError(trace: string, limitMiB: number | null): { ename: string; evalue: string; traceback: string[] } | null {
  if (limitMiB === null || !OUT_OF_MEMORY.test(trace)) return null;
  const at = whereInCell(trace);
  const evalue = `the program exceeded the memory limit of ${limitMiB} MiB${at ? ` at ${at}` : ""}`;
  return {
    ename: "MemoryLimitExceeded",
    evalue,
    traceback: [evalue, "(the limit is GOPERF_MEMORY_LIMIT_MIB in the kernel's environment)", ...trace.replace(/\n+$/, "").split("\n")],
  };
}

// A tight empty loop (`for {}`) is one jump the compiler places at the function's entry, which a
// //line directive can turn into a line before the cell's first: such a line is not shown.
const CELL_POSITION = /^\s+(cell\[\d+\]):(-?\d+)/;

/**
 * Where in the cells a goroutine dump (a fatal error, or the SIGQUIT dump of an interrupted
 * program) says the program was: the innermost cell frame of the first goroutine that is running
 * or runnable, else of the first goroutine with a cell frame. "cell[5]:3 (in Loop)", or null.
 */
export function whereInCell(trace: string | null): string | null {
  if (!trace) return null;
  const blocks = trace.split(/\n(?=goroutine \d+)/);
  const withCell = blocks.filter((b) => b.split("\n").some((l) => CELL_POSITION.test(l)));
  const block = withCell.find((b) => /^goroutine \d+ .*\[(running|runnable)/.test(b)) ?? withCell[0];
  if (!block) return null;
  const lines = block.split("\n");
  const i = lines.findIndex((l) => CELL_POSITION.test(l));
  const [, cell, line] = CELL_POSITION.exec(lines[i])!;
  const position = Number(line) >= 1 ? `${cell}:${line}` : cell;
  const func = /^([\w.*()\[\]/-]+)\(/.exec(lines[i - 1] ?? "")?.[1];
  const name = func?.replace(/^main\./, "").replace(/\.func\d+(\.\d+)*$/, " (a func literal)");
  return name ? `${position} (in ${name})` : position;
}
