// %get: `go get` on the session's requirements. Pins, upgrades and downgrades as go get does
// (MODULE@VERSION, @latest, @upgrade, @patch, @none); the module proxy, checksum database and
// private-module settings are the user's (GOPROXY, GONOSUMDB, GOPRIVATE, GOFLAGS).

import { UsageError } from "./args.js";
import { commitModules } from "./modchange.js";
import type { Magic } from "./types.js";

const SPEC = /^[A-Za-z0-9][A-Za-z0-9._~\/-]*(@[A-Za-z0-9._+~\/-]+)?$/;

export const get: Magic = {
  name: "get",
  summary: "Require modules at the versions given, as go get does: %get github.com/google/uuid@v1.6.0 golang.org/x/exp@latest.",
  usage:
    "%get MODULE[@VERSION] ...   pin (or upgrade, downgrade) each module; no version: its latest\n" +
    "MODULE@none                 drops the requirement\n" +
    "Runs before the cell's code, which then builds with the new requirements. The session's code must still\n" +
    "build with them; otherwise the session keeps its go.mod and go.sum. %mod shows the requirements.",
  args: [{ name: "MODULE[@VERSION]", description: "a module path (or a package path), optionally @version, @latest, @upgrade, @patch or @none", variadic: true }],
  options: [],
  details:
    "A cell that imports a package no requirement provides needs no %get: the go command finds the module (its\n" +
    "latest version) the first time, and the version stays pinned. Network: only while fetching; the go command's\n" +
    "progress lines show on the cell's error stream.",
  takesCode: false,
  async prepare(ctx, parsed) {
    if (parsed.args.length === 0) throw new UsageError("%get: name at least one module, e.g. %get github.com/google/uuid@v1.6.0", get);
    const bad = parsed.args.find((a) => !SPEC.test(a));
    if (bad !== undefined) throw new UsageError(`%get: ${bad} is not a module path with an optional @version (like golang.org/x/exp@v0.0.0-20240506185415-9bf2ced13842)`, get);
    const answer = await ctx.session.get(parsed.args, { progress: (t) => ctx.sink.stream("stderr", t), signal: ctx.signal });
    return commitModules(ctx, answer, `%get ${parsed.args.join(" ")}`);
  },
  async run() {
    return null;
  },
};
