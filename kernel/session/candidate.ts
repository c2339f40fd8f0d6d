// A staged cell: the committed declarations with the cell's code merged in, composed into the
// scratch package's files. A candidate is a frozen value: nothing is written or committed by
// making one; builds write its files and build them, and commit() makes it the session's.

import type { Unit } from "../go/parse.js";
import {
  composeBodies,
  composeFile,
  importBlock,
  chooseImports,
  defaultName,
  renderImports,
  type DeclaredImport,
  type ImportSpec,
  type Decl,
  type Program,
  type Statement,
} from "../go/compose.js";
import { mergeUnits, showsValue, type CellRef } from "../go/declarations.js";
import { PREDECLARED } from "../go/gotokens.js";
import { reachableDecls } from "../go/reachable.js";
import { scanUses } from "../go/tolerant.js";
import { thirdParty, type ImportSite, type ModuleState } from "../go/modules.js";

export interface CellSource {
  count: number;
  cellId?: string;
  /** The code as the reader sees it, magic lines included. */
  source: string;
}

/** What the session has committed; a candidate is composed against one of these. */
export interface Committed {
  readonly decls: readonly Decl[];
  /**
   * The declarations compiled as a whole with the session's toolchain (or extended safely since):
   * a cell that only adds to them may build less than the whole package (see `additions`).
   */
  readonly verified: boolean;
  /** The package names main.go's code uses: a new name equal to one of them breaks earlier code. */
  readonly packagesInUse: readonly string[];
  /** The test code %bench generated for the last committed cell (its call shorthands). */
  readonly generatedTests: string;
  /** go.mod and go.sum: the module requirements cells and %get/%use have committed. */
  readonly modules: ModuleState;
}

/** One composed Go file and the import paths it names (what the direct compiler needs). */
export interface GoFile {
  readonly source: string;
  readonly imports: readonly string[];
}

export interface Candidate {
  readonly ref: CellRef;
  readonly source: CellSource;
  /** The session's declarations with the cell's merged in. */
  readonly decls: readonly Decl[];
  readonly statements: readonly Statement[];
  readonly mainDecl?: Decl;
  readonly units: readonly Unit[];
  /** Whether the cell gives main something to run. */
  readonly runnable: boolean;
  readonly main: GoFile;
  /** main_test.go; null when the package has no test code. */
  readonly test: GoFile | null;
  /** The run's smaller program (only what it reaches), when the cell only adds to verified code. */
  readonly run: GoFile | null;
  /** The package names main.go uses (committed as `packagesInUse`). */
  readonly packages: readonly string[];
  readonly generatedTests: string;
  /** go.mod and go.sum the candidate builds with: the base's, plus what its new imports needed. */
  readonly modules: ModuleState;
  /** The committed state it was composed against: commit() refuses a candidate of another. */
  readonly base: Committed;
}

/** What composing needs from the parser: the package names a file's code uses. */
export interface Composer {
  uses(source: string): Promise<string[]>;
  stdlib: Readonly<Record<string, string>>;
}

export function emptyState(modules: ModuleState): Committed {
  return Object.freeze({ decls: [], verified: true, packagesInUse: [], generatedTests: "", modules });
}

/**
 * The candidate for a cell's units (magic lines already blanked, so lines keep their numbers).
 * A cell without Go code and without generated tests of its own (%expect, %escape alone, a plain
 * %bench) keeps the tests %bench generated for the last committed cell: staging nothing changes
 * nothing, so the files and the test binary built from them stay as they are. A cell with code
 * drops them: they belonged to that %bench, and a name of theirs could clash with the new code's.
 */
export async function composeCandidate(
  base: Committed,
  units: readonly Unit[],
  source: CellSource,
  extra: { generatedTests?: string; show?: boolean },
  composer: Composer,
): Promise<Candidate> {
  const ref = { count: source.count, cellId: source.cellId };
  const { decls, statements, mainDecl } = mergeUnits(base.decls, units, ref);
  const last = units[units.length - 1];
  const shown = extra.show && last?.kind === "stmt" && last.expr && showsValue(last.expr, decls) ? last.expr : undefined;
  if (shown) statements.pop();
  const generatedTests = extra.generatedTests ?? (units.length === 0 ? base.generatedTests : "");
  const runnable = statements.length > 0 || mainDecl !== undefined || shown !== undefined;
  const program: Program = {
    decls,
    statements,
    mainDecl,
    generatedTests,
    shown: shown && { cell: ref.count, line: shown.line, col: shown.col, text: shown.text },
  };
  const fresh = runnable ? additions(base, decls) : null;
  const bodies = composeBodies(program);
  const imports = declaredImports(decls);
  const runBody = fresh && neededBody(base, program, fresh, imports, composer.stdlib);
  const [usedMain, usedTest, usedRun] = await Promise.all([
    composer.uses(composeFile("", bodies.main)),
    bodies.test ? composer.uses(composeFile("", bodies.test)) : Promise.resolve([]),
    runBody ? composer.uses(composeFile("", runBody)) : Promise.resolve([]),
  ]);
  const file = (body: string, used: string[]): GoFile => {
    const chosen = chooseImports(imports, used, composer.stdlib);
    return Object.freeze({ source: composeFile(renderImports(chosen), body), imports: Object.freeze(chosen.map((i) => i.path)) });
  };
  return Object.freeze({
    ref,
    source,
    decls: Object.freeze(decls),
    statements: Object.freeze(statements),
    mainDecl,
    units: Object.freeze([...units]),
    runnable,
    main: file(bodies.main, usedMain),
    test: bodies.test ? file(bodies.test, usedTest) : null,
    run: runBody ? file(runBody, usedRun) : null,
    packages: Object.freeze(usedMain),
    generatedTests,
    modules: base.modules,
    base,
  });
}

/** The candidate with other module requirements (its new imports resolved, or %get/%use's). */
export function withModules(candidate: Candidate, modules: ModuleState): Candidate {
  return Object.freeze({ ...candidate, modules });
}

/** The third-party imports the candidate's files name, each where a cell declares it. */
export function importSites(candidate: Candidate): ImportSite[] {
  const paths = new Set([...candidate.main.imports, ...(candidate.test?.imports ?? []), ...(candidate.run?.imports ?? [])].filter(thirdParty));
  const sites: ImportSite[] = [];
  for (const d of candidate.decls) {
    if (d.kind !== "import") continue;
    for (const spec of d.imports ?? []) {
      if (!paths.has(spec.path)) continue;
      paths.delete(spec.path);
      // The spec's own line in the declaration (a grouped import spans several).
      const lines = d.text.split("\n");
      const k = Math.max(0, lines.findIndex((l) => l.includes(JSON.stringify(spec.path))));
      const col = lines[k].indexOf(JSON.stringify(spec.path)) + 1;
      sites.push({ path: spec.path, cell: d.cell, line: d.line + k, col: k === 0 ? d.col + Math.max(0, col - 1) : Math.max(1, col) });
    }
  }
  return sites;
}

/** The committed state a candidate becomes; `verified`: a build of it proved it (see `additions`). */
export function committedFrom(candidate: Candidate, verified: boolean): Committed {
  return Object.freeze({ decls: candidate.decls, verified, packagesInUse: candidate.packages, generatedTests: candidate.generatedTests, modules: candidate.modules });
}

/**
 * What main.go and main_test.go would hold with these units as cell `count`; for completion and
 * inspection (gopls overlays). The units may come from a best-effort split of a cell that does not
 * parse: imports are then found by scanning the text. `alsoImport`: package names imported even
 * when unused. `test` is "" when there is no test code; `packages` are the names the files used.
 */
export async function composePreview(
  base: Committed,
  units: readonly Unit[],
  count: number,
  alsoImport: readonly string[],
  composer: Composer,
): Promise<{ main: string; test: string; packages: string[] }> {
  const { decls, statements, mainDecl } = mergeUnits(base.decls, units, { count });
  const bodies = composeBodies({ decls, statements, mainDecl });
  const imports = declaredImports(decls);
  const uses = (body: string) => composer.uses(composeFile("", body)).catch(() => scanUses(body, composer.stdlib));
  const [usedMain, usedTest] = await Promise.all([uses(bodies.main), bodies.test ? uses(bodies.test) : Promise.resolve([])]);
  const block = (used: string[]) => importBlock(imports, [...new Set([...used, ...alsoImport])], composer.stdlib);
  return {
    main: composeFile(block(usedMain), bodies.main),
    test: bodies.test ? composeFile(block(usedTest), bodies.test) : "",
    packages: [...new Set([...usedMain, ...usedTest])],
  };
}

function declaredImports(decls: readonly Decl[]): DeclaredImport[] {
  return decls.filter((d) => d.kind === "import").flatMap((d) => (d.imports ?? []).map((i: ImportSpec) => ({ ...i, cell: d.cell, line: d.line })));
}

// ---- Building less than the whole package (reachable.ts): when it is safe.
//
// Every cell used to compile the whole package, so that a cell breaking an earlier declaration
// fails with the compiler's own errors. The committed declarations are `verified` when they
// compiled as a whole with the session's toolchain (or were extended safely since). A cell that
// only adds declarations cannot break the ones before it, as long as it replaces none, adds no
// method (a promoted method can make a selector ambiguous), no import, no test code, no name
// from the universe scope (`len`, `error`, ... would change what earlier code means) and no name
// that earlier code uses as a package: its run then builds only its own code, what it reaches,
// and what every run keeps (vars, init). Anything else compiles the whole package.

/** The cell's new declarations, when they only add to verified declarations; null otherwise. */
function additions(base: Committed, decls: readonly Decl[]): Decl[] | null {
  if (!base.verified) return null;
  const now = new Set(decls);
  if (base.decls.some((d) => !now.has(d))) return null;
  const before = new Set(base.decls);
  const fresh = decls.filter((d) => !before.has(d));
  const unsafe = (d: Decl) => d.test || d.kind === "import" || d.kind === "method" || d.names.some((n) => PREDECLARED.has(n));
  return fresh.some(unsafe) ? null : fresh;
}

/**
 * main.go's body with only what the run needs: the cell's new declarations, what they and main
 * reach, and what every run keeps. Null when that is everything, or when a new name is one
 * that earlier code knows as a package (the whole package would not compile; see `verified`).
 */
function neededBody(base: Committed, program: Program, fresh: readonly Decl[], imports: readonly DeclaredImport[], stdlib: Readonly<Record<string, string>>): string | null {
  if (imports.some((i) => i.name === ".")) return null;
  // As the committed code uses them: the new code's own names hide a package from the parser.
  const packages = new Set([...base.packagesInUse, ...imports.map((i) => i.name || defaultName(i.path, stdlib as Record<string, string>))]);
  if (fresh.some((d) => d.names.some((n) => packages.has(n)))) return null;
  const roots = [...program.statements.map((s) => s.text), program.shown?.text ?? "", program.mainDecl?.text ?? ""];
  const needed = reachableDecls(program.decls, roots, fresh);
  if (needed.length === program.decls.filter((d) => !d.test).length) return null;
  return composeBodies({ ...program, decls: needed }).main;
}
