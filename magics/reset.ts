// %reset: forgets every declaration; the toolchain, %args and %env stay, and the module
// requirements unless --modules.

import type { Magic } from "./types.js";

export const reset: Magic = {
  name: "reset",
  summary: "Forget every declaration of the session (%args, %env and the Go release stay; the module requirements too, unless --modules).",
  options: [{ name: "modules", type: "flag", description: "also forget the module requirements (%get, %use, fetched imports): go.mod and go.sum start afresh" }],
  takesCode: false,
  // Before the cell's own code, so that `%reset` and new code in one cell start afresh.
  async prepare(ctx, parsed) {
    ctx.session.reset({ modules: Boolean(parsed.options.modules) });
  },
  async run(ctx, parsed) {
    ctx.sink.stream("stdout", parsed.options.modules ? "the session's declarations and module requirements are forgotten\n" : "the session's declarations are forgotten\n");
    return null;
  },
};
