// %env NAME=VALUE ...: environment variables for every later run (cells and %bench), on top of the
// kernel's own. %env alone lists them. Set before the cell's own code runs.

import { UsageError } from "./args.js";
import { renderSession } from "../renderers/session.js";
import { sessionReport } from "./session-report.js";
import type { Magic } from "./types.js";

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

export const env: Magic = {
  name: "env",
  summary: "Set environment variables for every later run (cells and benchmarks); %env alone lists them.",
  usage: "%env NAME=VALUE ...   e.g. %env GOGC=off GODEBUG=gctrace=1",
  args: [{ name: "NAME=VALUE", description: "a variable and its value", variadic: true }],
  options: [],
  takesCode: false,
  verbatim: true,
  async prepare(ctx, parsed) {
    const vars: Record<string, string> = {};
    for (const word of parsed.args) {
      const m = ASSIGNMENT.exec(word);
      if (!m) throw new UsageError(`%env: "${word}" is not NAME=VALUE (a name of letters, digits and _, then =, then the value)`, env);
      vars[m[1]] = m[2];
    }
    ctx.session.setEnv(vars);
  },
  async run(ctx) {
    ctx.sink.display(renderSession(sessionReport(ctx.session, "env")));
    return null;
  },
};
