// %list: what the session holds: each declaration's kind, name and the cell that made it.

import { renderSession } from "../renderers/session.js";
import { sessionReport } from "./session-report.js";
import type { Magic } from "./types.js";

export const list: Magic = {
  name: "list",
  summary: "List the session's declarations (kind, name, the cell that made it), arguments and environment.",
  usage:
    "%list shows what later cells can use. A top-level `x := expr` or `var x = expr` is a session variable:\n" +
    "each cell runs as a fresh program, so its value is computed again in every run.",
  options: [],
  takesCode: false,
  async run(ctx) {
    ctx.sink.display(renderSession(sessionReport(ctx.session, "declarations")));
    return null;
  },
};
