// %inline: each function's inlining cost against the budget, why a function is not inlinable,
// the call sites inlined, and the functions almost inlinable: from the compiler's own -m=2 words
// ("can inline F with cost N", "cannot inline F: function too complex: cost N exceeds budget 80").

import { declName } from "../kernel/go/asmlisting.js";
import { ALMOST_MARGIN, DEFAULT_BUDGET, inliningOf } from "../kernel/go/inlining.js";
import type { InlineReport } from "../kernel/reports/inline.js";
import type { CellError } from "../kernel/session.js";
import { renderInline } from "../renderers/inline.js";
import type { Parsed } from "./args.js";
import { ARCH_OPTION, checkArch, compileSession, noSuchFunc } from "./compiled.js";
import { decisionsIn } from "./escape.js";
import type { Magic, MagicContext } from "./types.js";

export const INLINE_FLAGS = ["-m=2"];

export const inline: Magic = {
  name: "inline",
  summary: "Show each function's inlining cost against the budget (80), the reasons, and the call sites inlined (-m=2).",
  usage:
    "Put %inline on the first line of a cell of Go code: the code joins the session and is compiled (not run) with\n" +
    "-gcflags=-m=2. Each function gets its cost against the budget, or the compiler's reason it cannot be inlined.",
  options: [
    { name: "func", type: "string", value: "NAME", description: "only function NAME (and the calls inlined into it)" },
    { name: "margin", type: "int", value: "N", default: ALMOST_MARGIN, description: `"almost inlinable": cost at most N over the budget (default ${ALMOST_MARGIN})` },
    ARCH_OPTION,
  ],
  details:
    `"Almost inlinable" (default margin ${ALMOST_MARGIN}, a quarter of the budget of ${DEFAULT_BUDGET}): refused for its cost alone, and\n` +
    "within reach of a small change: hoisting a rarely taken path into its own //go:noinline function, or dropping\n" +
    "a call (a non-inlined call costs 57 plus its arguments).",
  takesCode: true,
  async run(ctx, parsed) {
    const report = await inlineReport(ctx, parsed);
    if ("ename" in report) return report;
    ctx.sink.display(renderInline(report, parsed.options.func as string | undefined));
    return null;
  },
};

export async function inlineReport(ctx: MagicContext, parsed: Parsed): Promise<InlineReport | CellError> {
  const goarch = await checkArch(ctx, inline, parsed.options.arch as string | undefined);
  const compiled = await compileSession(ctx, parsed, inline, INLINE_FLAGS, goarch);
  if ("ename" in compiled) return compiled;
  const func = parsed.options.func as string | undefined;
  if (func !== undefined && !compiled.funcs.includes(declName(func))) throw noSuchFunc(inline, func, compiled.funcs, "the cells shown");
  const margin = (parsed.options.margin as number | undefined) ?? ALMOST_MARGIN;
  const shown = new Set(compiled.cells.map((c) => c.cell));
  const build = compiled.builds[compiled.builds.length - 1];
  const decisions = decisionsIn(build.output, compiled.decls).filter((d) => shown.has(d.cell));
  const { functions, sites } = inliningOf(decisions, margin);
  return { go_version: build.version, flags: INLINE_FLAGS, budget: DEFAULT_BUDGET, margin, cells: compiled.cells, functions, sites };
}
