// %reset: forgets every declaration; the toolchain, %args and %env stay.

import type { Magic } from "./types.js";

export const reset: Magic = {
  name: "reset",
  summary: "Forget every declaration of the session (%args, %env and the Go release stay).",
  options: [],
  takesCode: false,
  // Before the cell's own code, so that `%reset` and new code in one cell start afresh.
  async prepare(ctx) {
    ctx.session.reset();
  },
  async run(ctx) {
    ctx.sink.stream("stdout", "the session's declarations are forgotten\n");
    return null;
  },
};
