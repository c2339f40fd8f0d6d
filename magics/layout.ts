// %layout TYPE...: how structs are laid out in memory for a GOARCH: size, alignment, each field's
// offset and size, padding holes, pointer bytes (how far the GC scans), and the order the
// fieldalignment analyzer would choose. Computed by the Go type checker (go/types' gc sizes for
// the target GOARCH) in the kernel's Go helper, not by hand rules here.

import type { LayoutReport } from "../kernel/reports/layout.js";
import type { CellError } from "../kernel/session.js";
import { renderLayout } from "../renderers/layout.js";
import { UsageError, type Parsed } from "./args.js";
import { ARCH_OPTION, checkArch } from "./compiled.js";
import type { Magic, MagicContext } from "./types.js";

export const layout: Magic = {
  name: "layout",
  summary: "Show the memory layout of struct types: offsets, sizes, padding, pointer bytes, and the optimal field order.",
  usage:
    "%layout TYPE...   on the first line of a cell (its code joins the session first) or alone: each named struct's\n" +
    "layout for the session's GOARCH (or --arch), as the Go type checker computes it for the gc compiler.",
  args: [{ name: "TYPE", description: "a struct type declared in the session", variadic: true }],
  options: [ARCH_OPTION],
  details:
    "Pointer bytes (ptrdata) is the prefix of the struct the garbage collector scans; the optimal order is the one\n" +
    "the fieldalignment analyzer suggests (zero-size fields first, then by alignment, pointers first): fewer\n" +
    "padding bytes and a shorter scanned prefix.",
  takesCode: true,
  async run(ctx, parsed) {
    const report = await layoutReport(ctx, parsed);
    if ("ename" in report) return report;
    ctx.sink.display(renderLayout(report));
    return null;
  },
};

export async function layoutReport(ctx: MagicContext, parsed: Parsed): Promise<LayoutReport | CellError> {
  const names = parsed.args;
  if (names.length === 0) throw new UsageError("%layout: name at least one struct type, e.g. %layout Point", layout);
  const goarch = (await checkArch(ctx, layout, parsed.options.arch as string | undefined)) ?? ctx.session.go?.goarch;
  if (!goarch) return ctx.session.toolchainError()!;
  const staged = await ctx.session.stage(ctx.code, ctx.cell);
  if ("ename" in staged) return staged;
  const result = await ctx.session.layout(staged, goarch, names);
  if (result.errors?.length) {
    return { ename: "CompileError", evalue: result.errors[0], traceback: result.errors };
  }
  const structs = result.structs ?? [];
  const problems = [
    ...(result.missing ?? []).map((n) => `${n} is not a type declared in the session`),
    ...(result.notStruct ?? []).map((n) => `${n} is not a struct type`),
  ];
  if (problems.length) {
    throw new UsageError(`%layout: ${problems.join("; ")}; the struct types are: ${structs.length ? structs.join(", ") : "none"}`, layout);
  }
  if (ctx.code.trim() !== "") ctx.session.commit(staged);
  return { go_version: ctx.session.go!.version, goarch, types: result.types ?? [] };
}
