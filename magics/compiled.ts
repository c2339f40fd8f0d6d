// What %asm, %bce and %inline share: the cell joins the session as %escape's does, and the
// session's code is compiled (not linked) with the magic's gc flags, under one release or two
// (--go A,B) and for one GOARCH (--arch: the go command cross-compiles, no other toolchain). The
// session calls of these magics are all here, in one place.

import type { Decl } from "../kernel/go/compose.js";
import { run, type ToolchainInfo } from "../kernel/go/toolchain.js";
import type { CellError } from "../kernel/session.js";
import { UsageError, type OptionSpec, type Parsed } from "./args.js";
import { compileError } from "./dispatcher.js";
import { enclosingFunc } from "./escape.js";
import { builtWith, resolveReleases } from "./go.js";
import type { Magic, MagicContext } from "./types.js";

export const ARCH_OPTION: OptionSpec = {
  name: "arch",
  type: "string",
  value: "GOARCH",
  description: "compile for this GOARCH (amd64, arm64, 386, riscv64, …): the go command cross-compiles",
};

/** %asm's --arch: one GOARCH, or two compared side by side. */
export const ARCHES_OPTION: OptionSpec = {
  ...ARCH_OPTION,
  value: "A[,B]",
  description: "compile for GOARCH A (amd64, arm64, 386, riscv64, …; the go command cross-compiles); A,B: both, side by side",
  check: (v) => (/^[^,\s]+(,[^,\s]+)?$/.test(String(v)) ? undefined : "give one GOARCH or two separated by a comma, e.g. amd64,arm64"),
};

export interface Build {
  version: string;
  goarch: string;
  /** What the compiler printed. */
  output: string;
}

export interface Compiled {
  builds: Build[];
  decls: readonly Decl[];
  cells: { cell: number; source: string }[];
  /** The declaration a cell line is in (the reader's name for it). */
  funcAt(cell: number, line: number): string | undefined;
  /** Every function and method the shown cells declare. */
  funcs: string[];
}

const archLists = new Map<string, Promise<Map<string, string[]>>>();

/** GOARCH → the GOOS values the toolchain supports it on (`go tool dist list`, asked once per toolchain). */
function knownArches(go: ToolchainInfo, env: NodeJS.ProcessEnv): Promise<Map<string, string[]>> {
  const key = `${go.binary}\u0000${go.version}`;
  let archList = archLists.get(key);
  if (archList) return archList;
  archList = run(go.binary, ["tool", "dist", "list"], { env: { ...env, GOTOOLCHAIN: go.gotoolchain ?? "local" }, capture: true }).then((r) => {
    const m = new Map<string, string[]>();
    for (const pair of r.stdout.split("\n")) {
      const [os, arch] = pair.trim().split("/");
      if (os && arch) m.set(arch, [...(m.get(arch) ?? []), os]);
    }
    return m;
  });
  archLists.set(key, archList);
  return archList;
}

/** The GOARCH to compile for, checked against the toolchain's own list; a usage error names the valid ones. */
export async function checkArch(ctx: MagicContext, magic: Magic, arch: string | undefined): Promise<string | undefined> {
  const go = ctx.session.go;
  if (arch === undefined || !go || arch === go.goarch) return arch === undefined ? undefined : arch;
  const known = await knownArches(go, ctx.session.goEnv);
  const oses = known.get(arch);
  if (!oses || !oses.includes(go.goos)) {
    const valid = [...known].filter(([, o]) => o.includes(go.goos)).map(([a]) => a).sort();
    throw new UsageError(`%${magic.name}: --arch ${arch}: not a GOARCH ${go.version} compiles for on ${go.goos}; it compiles for: ${valid.join(", ")}`, magic);
  }
  return arch;
}

/**
 * Stages the cell, compiles the session's code with `gcflags` (per release with --go), commits
 * the cell when it has code. The cells shown: this one when it has code, else every live cell.
 */
export async function compileSession(ctx: MagicContext, parsed: Parsed, magic: Magic, gcflags: string[], goarch?: string | readonly string[]): Promise<Compiled | CellError> {
  const arches: (string | undefined)[] = goarch === undefined ? [undefined] : typeof goarch === "string" ? [goarch] : [...goarch];
  const { session } = ctx;
  const onlyThisCell = ctx.code.trim() !== "";
  const staged = await session.stage(ctx.code, ctx.cell);
  if ("ename" in staged) return staged;
  const releases = parsed.options.go === undefined ? undefined : await resolveReleases(ctx, String(parsed.options.go), `%${magic.name} --go`);
  if (releases && !Array.isArray(releases)) return releases;
  if (releases && releases.length > 1 && arches.length > 1) throw new UsageError(`%${magic.name}: compare two releases (--go A,B) or two architectures (--arch A,B), not both at once`, magic);
  const builds: Build[] = [];
  for (const toolchain of releases ?? [undefined]) {
    for (const arch of arches) {
      const compiled = await session.compile(gcflags, ctx.signal, { toolchain, alongside: releases, goarch: arch });
      const version = toolchain?.version ?? session.go!.version;
      if (!compiled.ok) return releases ? builtWith(compileError(compiled.output), version) : compileError(compiled.output);
      builds.push({ version, goarch: arch ?? session.go!.goarch, output: compiled.output });
    }
  }
  if (onlyThisCell) session.commit(staged);
  const cells = onlyThisCell ? [{ cell: ctx.cell.count, source: ctx.cell.source }] : session.liveCells().map((c) => ({ cell: c.count, source: c.source }));
  const decls = staged.decls;
  const shown = new Set(cells.map((c) => c.cell));
  const funcs = decls.filter((d) => (d.kind === "func" || d.kind === "method") && shown.has(d.cell)).map((d) => d.names[0]);
  return { builds, decls, cells, funcAt: (cell, line) => enclosingFunc(decls, cell, line), funcs };
}

/** --func NAME that names no function: a usage error naming the ones there are. */
export function noSuchFunc(magic: Magic, func: string, funcs: readonly string[], where: string): UsageError {
  return new UsageError(`%${magic.name}: --func ${func}: no such function in ${where}; the functions are: ${funcs.length ? funcs.join(", ") : "none"}`, magic);
}
