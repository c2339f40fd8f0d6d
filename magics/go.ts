// %go: which Go toolchain the session builds with, and switching it. A release is run through the
// go command's own toolchain switching (GOTOOLCHAIN=go1.22.12: the go command fetches the release
// as a module into the module cache, verified by the checksum database); a path runs that binary.
// A release is checked by running it before the session switches, so a failure leaves the session
// on its previous toolchain. Also here: the --go option %escape and %bench share.

import { atLeast, type ToolchainInfo } from "../kernel/go/toolchain.js";
import { oldestGoLine, toolchainModule } from "../kernel/go/releases.js";
import type { CellError } from "../kernel/session.js";
import type { OptionSpec } from "./args.js";
import type { Magic, MagicContext } from "./types.js";

export const go: Magic = {
  name: "go",
  summary: "Show the session's Go toolchain, or switch it: %go 1.22.12 (fetched by the go command), %go local, %go /path/to/go.",
  usage:
    "%go                 the session's toolchain: version, go command, GOROOT, GOOS/GOARCH\n" +
    "%go 1.22.12         switch to that release (also go1.22.12): the go command fetches it the first time\n" +
    "%go local           back to the kernel's own toolchain\n" +
    "%go /path/to/go     a go binary installed elsewhere (e.g. Debian's /usr/lib/go-1.19/bin/go)\n" +
    "The switch happens before the cell's code runs; a release that cannot be used leaves the session as it was.",
  args: [{ name: "RELEASE", description: "1.22.12 | go1.22.12 | local | /path/to/bin/go" }],
  options: [],
  details:
    "Releases come from the go command's toolchain switching: GOTOOLCHAIN=go1.22.12 makes the local go download\n" +
    "module golang.org/toolchain@v0.0.1-go1.22.12.<os>-<arch> through GOPROXY, verified against GOSUMDB, into the\n" +
    "module cache (about 70 MB, once). List the releases: go list -m -versions golang.org/toolchain\n" +
    "Releases older than Go 1.24 have no testing.B.Loop: benchmarks for them use for i := 0; i < b.N; i++ loops.",
  takesCode: false,
  // Before the cell's code: `%go 1.22.12` above code builds that code with go1.22.12.
  async prepare(ctx, parsed) {
    const wanted = parsed.args[0];
    if (wanted === undefined) {
      ctx.sink.display({ "text/plain": describe(ctx, ctx.session.go) });
      return null;
    }
    const previous = ctx.session.go;
    if (!previous) return ctx.session.toolchainError();
    const found = await resolveReleases(ctx, wanted, "%go");
    if (!Array.isArray(found)) return found;
    const [next] = found;
    ctx.session.useToolchain(next);
    const head = next.version === previous.version && next.binary === previous.binary && next.gotoolchain === previous.gotoolchain
      ? `the session already uses ${next.version}`
      : `switched the session from ${previous.version} to ${next.version}`;
    ctx.sink.display({ "text/plain": `${head}\n${describe(ctx, ctx.session.go)}` });
    return null;
  },
  async run() {
    return null;
  },
};

/** --go A[,B] for %escape and %bench. */
export const GO_OPTION: OptionSpec = {
  name: "go",
  type: "string",
  value: "A[,B]",
  description: "the Go release(s) to build with (1.22.12, local, or a path to go)",
  check: (v) => (/^[^,\s]+(,[^,\s]+)?$/.test(String(v)) ? undefined : "give one release or two separated by a comma, e.g. 1.22.12,local"),
};

/**
 * The toolchains named in "A" or "A,B", each checked by running it (fetched the first time). A
 * fetch that takes a while shows a progress line. Failing, says which release and why.
 */
export async function resolveReleases(ctx: MagicContext, text: string, what: string): Promise<ToolchainInfo[] | CellError> {
  const names = text.split(",").map((s) => s.trim());
  if (names.length > 2 || names.some((n) => n === "")) {
    const t = `${what} ${text}: give one release or two separated by a comma, e.g. 1.22.12,local`;
    return { ename: "UsageError", evalue: t, traceback: [t] };
  }
  const found: ToolchainInfo[] = [];
  for (const name of names) {
    const displayId = `goperf-go-${ctx.cell.count}-${name}-${Date.now()}`;
    let shown = false;
    const timer = setTimeout(() => {
      shown = true;
      ctx.sink.display({ "text/plain": `${name}: the go command is fetching it into the module cache (the first time only)…` }, { displayId });
    }, 1500);
    const r = await ctx.session.resolveToolchain(name, ctx.signal).finally(() => clearTimeout(timer));
    if (shown) ctx.sink.update(displayId, { "text/plain": r.ok ? `${name}: ${r.info.version} ready (${r.info.goroot})` : `${name}: not available` });
    if (!r.ok) {
      const keeps = ctx.session.go ? `the session keeps ${ctx.session.go.version}` : "";
      const lines = [`${what} ${name}: ${r.problem}`.split("\n"), keeps ? [keeps] : []].flat();
      return { ename: r.cause === "usage" ? "UsageError" : "GoReleaseError", evalue: lines[0], traceback: lines };
    }
    found.push(r.info);
  }
  return found;
}

/** A build error from one of the releases in --go: say which. */
export function builtWith(error: CellError, version: string): CellError {
  return { ...error, evalue: `${error.evalue} (built with ${version})`, traceback: [`built with ${version}:`, ...error.traceback] };
}

function describe(ctx: MagicContext, info: ToolchainInfo | null): string {
  if (!info) return ctx.session.toolchainError()?.evalue ?? "no Go toolchain";
  const local = ctx.session.localGo;
  const isLocal = local !== null && info === local;
  const how =
    info.gotoolchain && info.gotoolchain !== "local"
      ? `${info.binary} with GOTOOLCHAIN=${info.gotoolchain} (the go command's toolchain switching; module ${toolchainModule(info.gotoolchain, info.goos, info.goarch)})`
      : `${info.binary}${isLocal ? " (the kernel's own toolchain, GOTOOLCHAIN=local)" : " (GOTOOLCHAIN=local)"}`;
  const rows: [string, string][] = [
    ["go command", how],
    ["GOROOT", info.goroot],
    ["GOOS/GOARCH", `${info.goos}/${info.goarch}`],
    ["go.mod", `go ${oldestGoLine([info.version])} (the scratch module's language version)`],
  ];
  if (!atLeast(info.version, [1, 24])) {
    rows.push(["note", "testing.B.Loop needs Go 1.24: %bench F(x) and b.Loop benchmarks do not build; write for i := 0; i < b.N; i++ loops"]);
  }
  if (!isLocal && local) rows.push(["back", `%go local returns to ${local.version}`]);
  return [`${info.version} ${info.goos}/${info.goarch}`, ...rows.map(([k, v]) => `  ${k.padEnd(12)} ${v}`)].join("\n");
}
