// %mod: the session's module requirements (go.mod as the go command wrote it, read back by it).

import { renderModules } from "../renderers/modules.js";
import { modulesReport } from "./modchange.js";
import type { Magic } from "./types.js";

export const mod: Magic = {
  name: "mod",
  summary: "Show the session's module requirements: each module, its version, direct or indirect, and where it comes from.",
  usage: "%mod     the requirements in the session's go.mod (what %get, %use and the cells' imports added)",
  options: [],
  takesCode: false,
  async run(ctx) {
    ctx.sink.display(renderModules(await modulesReport(ctx, ctx.session.modules)));
    return null;
  },
};
