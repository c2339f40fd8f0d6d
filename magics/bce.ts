// %bce: the bounds checks (and nil checks) the compiler kept in the cell's code, marked on its
// lines: -d=ssa/check_bce/debug=1 prints each IsInBounds / IsSliceInBounds the SSA backend keeps
// (one kept is one compare-and-branch to a panic), -d=nil each nil check it generates or folds into
// a load. Silence means none were kept.

import { declName } from "../kernel/go/asmlisting.js";
import { cellOf, parseCompilerOutput } from "../kernel/go/diagnostics.js";
import type { BceCheck, BceReport, CheckKind } from "../kernel/reports/bce.js";
import { renderBce } from "../renderers/bce.js";
import type { CellError } from "../kernel/session.js";
import type { Parsed } from "./args.js";
import { ARCH_OPTION, checkArch, compileSession, noSuchFunc, type Compiled } from "./compiled.js";
import type { Magic, MagicContext } from "./types.js";

export const BCE_FLAGS = ["-d=ssa/check_bce/debug=1", "-d=nil"];

const KIND_OF: Record<string, CheckKind> = {
  "Found IsInBounds": "index",
  "Found IsSliceInBounds": "slice",
  "generated nil check": "nil",
  "removed nil check": "nil-implicit",
};

export const bce: Magic = {
  name: "bce",
  summary: "Show the bounds checks and nil checks the compiler kept, on the cell's source (-d=ssa/check_bce/debug=1, -d=nil).",
  usage:
    "Put %bce on the first line of a cell of Go code: the code joins the session and is compiled (not run); each\n" +
    "index or slice bounds check the compiler could not prove away is marked on its line. %bce alone: every cell.",
  options: [
    { name: "func", type: "string", value: "NAME", description: "only the checks inside function NAME" },
    ARCH_OPTION,
  ],
  details:
    "A bounds check costs a compare and a branch to a panic; a hint such as _ = s[n-1] before a loop, or a loop\n" +
    "bound the compiler can relate to len(s), lets it prove the accesses in range. Nil checks: 'nil' is an\n" +
    "explicit test the compiler generated; 'implicit' is a check folded into a memory access (a fault, no instruction).",
  takesCode: true,
  async run(ctx, parsed) {
    const report = await bceReport(ctx, parsed);
    if ("ename" in report) return report;
    ctx.sink.display(renderBce(report));
    return null;
  },
};

export async function bceReport(ctx: MagicContext, parsed: Parsed): Promise<BceReport | CellError> {
  const goarch = await checkArch(ctx, bce, parsed.options.arch as string | undefined);
  const compiled = await compileSession(ctx, parsed, bce, BCE_FLAGS, goarch);
  if ("ename" in compiled) return compiled;
  // As the reader or the compiler writes it: (*T).M and T.M name the same declaration.
  const written = parsed.options.func as string | undefined;
  const func = written === undefined ? undefined : declName(written);
  if (func !== undefined && !compiled.funcs.includes(func)) throw noSuchFunc(bce, written!, compiled.funcs, "the cells shown");
  const build = compiled.builds[compiled.builds.length - 1];
  return {
    go_version: build.version,
    goarch: build.goarch,
    flags: BCE_FLAGS,
    cells: compiled.cells,
    checks: checksIn(build.output, compiled),
    ...(func !== undefined ? { func } : {}),
  };
}

/** The checks the compiler reports about the shown cells, with their functions. */
export function checksIn(output: string, compiled: Pick<Compiled, "cells" | "funcAt">): BceCheck[] {
  const shown = new Set(compiled.cells.map((c) => c.cell));
  const out: BceCheck[] = [];
  for (const d of parseCompilerOutput(output).diagnostics) {
    const cell = cellOf(d.file);
    const kind = KIND_OF[d.message];
    if (cell === undefined || !shown.has(cell) || !kind) continue;
    const func = d.func ?? compiled.funcAt(cell, d.line);
    out.push({ cell, line: d.line, col: d.col, kind, message: d.message, ...(func ? { func } : {}) });
  }
  return out;
}
