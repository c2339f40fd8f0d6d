// %asm: the generated code of the cell's functions, grouped under the source line each
// instruction came from. The listing is the compiler's own -S output for the session's real build
// (see kernel/go/asmlisting.ts for why -S rather than objdump); the cell lines come from its line
// table, which speaks cell coordinates through the kernel's //line directives.

import { cellFunctions, matchesFunc, parseListing } from "../kernel/go/asmlisting.js";
import type { AsmBuild, AsmReport } from "../kernel/reports/asm.js";
import type { CellError } from "../kernel/session.js";
import { renderAsm } from "../renderers/asm.js";
import { UsageError, type Parsed } from "./args.js";
import { ARCHES_OPTION, checkArch, compileSession } from "./compiled.js";
import { GO_OPTION } from "./go.js";
import type { Magic, MagicContext } from "./types.js";

export const ASM_FLAGS = ["-S"];

export const asm: Magic = {
  name: "asm",
  summary: "Show the generated assembly of the cell's functions under the source lines it came from (go build -gcflags=-S).",
  usage:
    "Put %asm on the first line of a cell of Go code: the code joins the session and is compiled (not linked) with\n" +
    "-gcflags=-S. Each instruction is shown under the cell line the compiler's line table gives it; code inlined\n" +
    "from another function is marked with that function. %asm alone: every cell.",
  options: [
    { name: "func", type: "string", value: "NAME", description: "only function NAME (F, T.M, (*T).M, F[go.shape.int], F.func1)" },
    ARCHES_OPTION,
    { ...GO_OPTION, description: "compile with release A; A,B: both, side by side with per-function instruction counts" },
  ],
  details:
    "Pseudo-instructions (TEXT, FUNCDATA, PCDATA) are shown muted and not counted. --arch cross-compiles with the\n" +
    "session's go command (GOARCH=arm64 …): no other toolchain is needed. --arch amd64,arm64 shows both side by side.",
  takesCode: true,
  async run(ctx, parsed) {
    const report = await asmReport(ctx, parsed);
    if ("ename" in report) return report;
    ctx.sink.display(renderAsm(report));
    return null;
  },
};

export async function asmReport(ctx: MagicContext, parsed: Parsed): Promise<AsmReport | CellError> {
  const arch = parsed.options.arch as string | undefined;
  const arches: string[] = [];
  for (const a of arch === undefined ? [] : arch.split(",")) arches.push((await checkArch(ctx, asm, a)) ?? a);
  const compiled = await compileSession(ctx, parsed, asm, ASM_FLAGS, arches.length ? arches : undefined);
  if ("ename" in compiled) return compiled;
  const shown = new Set(compiled.cells.map((c) => c.cell));
  const func = parsed.options.func as string | undefined;
  const builds: AsmBuild[] = compiled.builds.map((b) => ({
    go_version: b.version,
    goarch: b.goarch,
    functions: cellFunctions(parseListing(b.output), compiled.funcAt).filter((f) => shown.has(f.cell!)),
  }));
  if (func !== undefined) {
    const names = [...new Set(builds.flatMap((b) => b.functions.map((f) => f.name)))];
    if (!names.some((n) => matchesFunc(n, func))) {
      const known = [...new Set([...compiled.funcs, ...names])];
      throw new UsageError(`%asm: --func ${func}: no function with code by that name in the cells shown; the functions are: ${known.join(", ") || "none"}`, asm);
    }
    for (const b of builds) b.functions = b.functions.filter((f) => matchesFunc(f.name, func));
  }
  return { flags: ASM_FLAGS, cells: compiled.cells, builds, ...(func !== undefined ? { func } : {}) };
}
