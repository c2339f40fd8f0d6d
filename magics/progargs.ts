// %args A B ...: the arguments every program (cells) and test binary (%bench) run gets, as os.Args[1:]
// (a benchmark reads them with flag.Args()). Set before the cell's own code runs.

import { renderSession } from "../renderers/session.js";
import { sessionReport } from "./session-report.js";
import type { Magic } from "./types.js";

export const args: Magic = {
  name: "args",
  summary: "Set the arguments of every later run (cells and benchmarks); %args alone clears them.",
  usage: '%args A "B C" ...   words as a shell splits them; options are the program\'s, not the magic\'s',
  args: [{ name: "ARG", description: "an argument for the program", variadic: true }],
  options: [],
  takesCode: false,
  verbatim: true,
  async prepare(ctx, parsed) {
    ctx.session.setArgs(parsed.args);
  },
  async run(ctx) {
    ctx.sink.display(renderSession(sessionReport(ctx.session, "env")));
    return null;
  },
};
