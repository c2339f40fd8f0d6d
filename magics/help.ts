// %help and %lsmagic: generated from the same declarations that parse each magic's options.

import { usage } from "./args.js";
import { DISPLAY_HELP } from "./helpdisplay.js";
import type { Magic } from "./types.js";

export const help: Magic = {
  name: "help",
  summary: "Show the magics, or one magic's options.",
  options: [],
  args: [{ name: "NAME", description: "a magic's name, with or without %; or display (the goperf/display package)" }],
  takesCode: false,
  async run(ctx, parsed) {
    const magics = ctx.catalog();
    const name = parsed.args[0]?.replace(/^%/, "");
    if (!name) {
      ctx.page(overview(magics));
      return null;
    }
    const magic = magics.find((m) => m.name === name);
    if (!magic && name === "display") {
      ctx.page(DISPLAY_HELP);
      return null;
    }
    if (!magic) {
      const text = `%help: no magic named %${name}; the magics are ${magics.map((m) => "%" + m.name).join(", ")}`;
      return { ename: "UsageError", evalue: text, traceback: [text] };
    }
    ctx.page(usage(magic));
    return null;
  },
};

export const lsmagic: Magic = {
  name: "lsmagic",
  summary: "List the magics.",
  options: [],
  takesCode: false,
  async run(ctx) {
    ctx.page(overview(ctx.catalog()));
    return null;
  },
};

function overview(magics: readonly Magic[]): string {
  const width = Math.max(...magics.map((m) => m.name.length)) + 3;
  return [
    "goperf magics (a line starting with % in a cell; %help NAME for a magic's options):",
    "",
    ...magics.map((m) => `  %${m.name.padEnd(width)}${m.summary}`),
    "",
    '%help display: the goperf/display package (import "goperf/display"): tables, charts, images, live outputs.',
    "Each cell runs as a fresh program. A top-level `x := expr` (or `var x = expr`) declares a session",
    "variable later cells can use; its value is computed again in each run.",
  ].join("\n");
}
