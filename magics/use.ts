// %use DIR: a module on disk made importable by cells, through a `replace` in the scratch go.mod
// (README: why not a go.work). Its packages are built first: a module that does not compile is
// refused with the compiler's words about its own files. An edit to its files is seen by the next
// cell (the builds' caches include a fingerprint of them).

import { UsageError } from "./args.js";
import { commitModules } from "./modchange.js";
import type { Magic } from "./types.js";

export const use: Magic = {
  name: "use",
  summary: "Make the Go module in a directory importable by cells (a replace in the session's go.mod): %use ./mypkg.",
  usage:
    "%use DIR     DIR holds a go.mod (module example.com/mine); cells then import example.com/mine/... .\n" +
    "A relative DIR is taken from the kernel's working directory: the notebook's own directory.\n" +
    "Edits to the module's files are picked up by the next cell. %escape --pkg IMPORTPATH shows the compiler's\n" +
    "decisions about one of its packages.",
  args: [{ name: "DIR", description: "the module's directory (holding its go.mod)" }],
  options: [],
  takesCode: false,
  async prepare(ctx, parsed) {
    const dir = parsed.args[0];
    if (dir === undefined) throw new UsageError("%use: name the module's directory, e.g. %use ./realcode", use);
    const answer = await ctx.session.use(dir, { progress: (t) => ctx.sink.stream("stderr", t), signal: ctx.signal });
    return commitModules(ctx, answer, `%use ${dir}`);
  },
  async run() {
    return null;
  },
};
