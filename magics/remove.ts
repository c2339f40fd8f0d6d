// %remove NAME...: forgets declarations. The rest of the session is compiled without them first: a
// removal that breaks a later cell's code fails with the compiler's error (on that cell's line)
// and changes nothing.

import { UsageError } from "./args.js";
import { compileError } from "./dispatcher.js";
import { renderSession } from "../renderers/session.js";
import { sessionReport } from "./session-report.js";
import type { Magic } from "./types.js";

export const remove: Magic = {
  name: "remove",
  summary: "Forget the named declarations (functions, methods as Type.Method, types, variables, constants).",
  usage: "%remove NAME...   a declaration that declares several names (var a, b = ...) goes with all of them",
  args: [{ name: "NAME", description: "a name %list shows", variadic: true }],
  options: [],
  takesCode: false,
  async run(ctx, parsed) {
    const { session } = ctx;
    if (parsed.args.length === 0) throw new UsageError("%remove: name the declarations to forget (%list shows them)", remove);
    const names = new Set(session.declarations().flatMap((d) => (d.kind === "import" ? [] : d.names)));
    const unknown = parsed.args.filter((n) => !names.has(n));
    if (unknown.length) {
      throw new UsageError(`%remove: the session declares no ${unknown.join(", ")}; its names are: ${[...names].join(", ") || "none"}`, remove);
    }
    const staged = await session.stageRemoval(parsed.args, { ...ctx.cell, cellId: undefined });
    if ("ename" in staged) return staged;
    const compiled = await session.compile(staged, [], ctx.signal);
    if (!compiled.ok) {
      const error = compileError(compiled.output);
      const text = `%remove ${parsed.args.join(" ")}: undone, the rest of the session needs it`;
      return { ...error, evalue: `${text}: ${error.evalue}`, traceback: [text, ...error.traceback] };
    }
    session.commit(staged, compiled);
    ctx.sink.display(renderSession(sessionReport(session, "declarations")));
    return null;
  },
};
