// A cell's units -> declarations, merged into the session's: the rules of what replaces what.
// A later declaration of a name replaces the earlier one; a re-executed cell (same cellId)
// replaces everything it declared before; methods are keyed by receiver and name; init and
// blank declarations never replace each other. Pure.

import type { Decl, Statement } from "./compose.js";
import type { Unit } from "./parse.js";

/** The cell being merged: its execution count and the front end's id for it. */
export interface CellRef {
  count: number;
  cellId?: string;
}

/** What merging reads of a unit (the export's parser results carry no more). */
export type UnitLike = Pick<Unit, "kind" | "names" | "line" | "col" | "text" | "imports" | "results"> & Pick<Partial<Unit>, "define">;

const TEST_FUNC = /^(Benchmark|Test|Example|Fuzz)($|[^a-z])/;

/**
 * The session's declarations with a cell's units merged in, as stage() merges them (a name the
 * cell declares replaces the older declaration), and the cell's statements and func main.
 */
export function mergeUnits(current: readonly Decl[], units: readonly UnitLike[], ref: CellRef): { decls: Decl[]; statements: Statement[]; mainDecl?: Decl } {
  const fresh: Decl[] = [];
  const statements: Statement[] = [];
  let mainDecl: Decl | undefined;
  for (const unit of units) {
    if (unit.kind === "stmt") {
      statements.push({ cell: ref.count, line: unit.line, col: unit.col, text: unit.text });
      continue;
    }
    for (const decl of toDecls(unit, ref)) {
      if (decl.kind === "func" && decl.names[0] === "main") mainDecl = decl;
      else fresh.push(decl);
    }
  }
  const keys = new Set(fresh.map((d) => d.key));
  // init and _ may be declared any number of times: they never replace one another.
  const names = new Set(fresh.flatMap((d) => (d.kind === "import" ? [] : d.names.filter((n) => n !== "_" && n !== "init"))));
  const kept = current.filter(
    (d) =>
      !(ref.cellId !== undefined && d.cellId === ref.cellId) &&
      !keys.has(d.key) &&
      !(d.kind !== "import" && d.kind !== "method" && d.names.some((n) => names.has(n))),
  );
  return { decls: [...kept, ...fresh], statements, mainDecl };
}

export function toDecls(unit: UnitLike, ref: CellRef): Decl[] {
  const base = { kind: unit.kind, cell: ref.count, cellId: ref.cellId, line: unit.line, col: unit.col, text: unit.text, results: unit.results, ...(unit.define === undefined ? {} : { define: unit.define }) };
  if (unit.kind === "import") {
    return (unit.imports ?? []).length === 0
      ? []
      : [{ ...base, key: `import ${unit.imports!.map((i) => `${i.name} ${i.path}`).join(",")}`, names: [], test: false, imports: unit.imports }];
  }
  const names = unit.names;
  const first = names[0] ?? "_";
  const key =
    unit.kind === "method" ? `method ${first}` : first === "init" || first === "_" ? `${first}@${ref.count}:${unit.line}` : `name ${names.join(",")}`;
  const test = unit.kind === "func" && TEST_FUNC.test(first);
  return [{ ...base, key, names, test }];
}

/**
 * Whether a cell's last expression has a value to show: any expression that is not a call (as a
 * statement it would not even compile), or a call of a session function that declares results.
 * Calls into packages (fmt.Println's byte count) and methods are left alone.
 */
export function showsValue(expr: NonNullable<Unit["expr"]>, decls: readonly Decl[]): boolean {
  if (!expr.call) return true;
  return decls.some((d) => d.kind === "func" && d.names[0] === expr.callee && (d.results ?? 0) > 0);
}
