// go vet on one package, run as the go command runs it for `go test`: the vet tool of the toolchain
// with a config file (the package's files, and the compiled archives of what it imports) and the
// checks given. What vet knows of imported packages (its "facts") comes from archives only the go
// command can find, so this vet has none: the standard library's printf-like functions vet knows
// by name, and the direct builder (direct.ts) vets here only packages importing nothing else.

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run, type RunResult } from "./toolchain.js";

export interface VetPackage {
  /** Its import path (the scratch module's path). */
  pkgPath: string;
  /** Its files, relative to `dir`. */
  files: readonly string[];
  /** What its files import (standard library packages). */
  imports: readonly string[];
  /** Its source, for the caller's cache key. */
  source: string;
}

export interface VetOptions {
  /** The toolchain's tool dir ($GOROOT/pkg/tool/GOOS_GOARCH). */
  tools: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The module's language version ("1.26"). */
  lang: string;
  /** The compiled archive of every package it imports, directly or not, by import path. */
  packageFiles: Record<string, string>;
  checks: readonly string[];
  signal?: AbortSignal;
}

export async function vet(pkg: VetPackage, o: VetOptions): Promise<RunResult> {
  const config = {
    ID: pkg.pkgPath,
    Compiler: "gc",
    Dir: o.dir,
    ImportPath: pkg.pkgPath,
    GoFiles: pkg.files.map((f) => join(o.dir, f)),
    NonGoFiles: [],
    IgnoredFiles: [],
    ModulePath: pkg.pkgPath,
    ModuleVersion: "",
    ImportMap: Object.fromEntries(pkg.imports.map((p) => [p, p])),
    PackageFile: o.packageFiles,
    Standard: Object.fromEntries(pkg.imports.map((p) => [p, true])),
    PackageVetx: {},
    VetxOnly: false,
    VetxOutput: join(o.dir, "vet.out"),
    GoVersion: `go${o.lang}`,
    SucceedOnTypecheckFailure: false,
  };
  const path = join(o.dir, "vet.cfg");
  await writeFile(path, JSON.stringify(config));
  return run(join(o.tools, "vet"), [...o.checks, path], { cwd: o.dir, env: o.env, capture: true, signal: o.signal });
}
