// Other Go releases for one session. The go command does the fetching: with GOTOOLCHAIN=go1.22.12
// the local go downloads module golang.org/toolchain@v0.0.1-go1.22.12.<goos>-<goarch> through
// GOPROXY, verifies it against GOSUMDB, unpacks it into the module cache and runs it. Nothing is
// downloaded by hand. This file names a release, checks it by running it, and says why it cannot
// be used when it cannot: a release that does not exist, a fetch that failed, a file that is not go.

import { statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { run, type RunResult, type ToolchainInfo } from "./toolchain.js";
import { goLineFor, privateRoot } from "./workspace.js";

export type ReleaseSpec =
  /** The toolchain the kernel found at start (GOTOOLCHAIN=local). */
  | { kind: "local" }
  /** A release the go command fetches: `name` is the GOTOOLCHAIN value, e.g. "go1.22.12". */
  | { kind: "release"; name: string }
  /** A go binary already installed, e.g. /usr/lib/go-1.19/bin/go. */
  | { kind: "binary"; path: string };

export class ReleaseSyntaxError extends Error {}

const RELEASE = /^(?:go)?(\d+\.\d+(?:\.\d+)?(?:(?:rc|beta)\d+)?)$/;

/** "1.22.12", "go1.22.12", "local", or a path to a go binary (it has a "/" or starts with "~"). */
export function parseRelease(text: string): ReleaseSpec {
  const t = text.trim();
  if (t === "local") return { kind: "local" };
  const m = RELEASE.exec(t);
  if (m) return { kind: "release", name: `go${m[1]}` };
  if (t.includes("/") || t === "~" || t.startsWith("~/")) {
    const expanded = t === "~" || t.startsWith("~/") ? homedir() + t.slice(1) : t;
    return { kind: "binary", path: isAbsolute(expanded) ? expanded : resolve(expanded) };
  }
  throw new ReleaseSyntaxError(
    `"${t}" is not a Go release (like 1.22.12 or go1.22.12), "local" (the kernel's own toolchain), or a path to a go binary (like /usr/lib/go-1.19/bin/go)`,
  );
}

/** The module the go command fetches for a release. */
export function toolchainModule(name: string, goos: string, goarch: string): string {
  return `golang.org/toolchain@${toolchainVersion(name, goos, goarch)}`;
}

export function toolchainVersion(name: string, goos: string, goarch: string): string {
  return `v0.0.1-${name}.${goos}-${goarch}`;
}

/**
 * Orders Go versions: "go1.22.12" < "go1.26.8"; a prerelease sorts before its release
 * ("go1.25rc1" < "go1.25.0"); a development version ("devel go1.27-abc") counts as newest.
 */
export function compareGoVersions(a: string, b: string): number {
  const ka = versionKey(a);
  const kb = versionKey(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
  return 0;
}

function versionKey(v: string): number[] {
  if (/devel/.test(v)) return [Infinity, 0, 0, 0, 0];
  const m = /go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?/.exec(v);
  if (!m) return [0, 0, 0, 0, 0];
  const pre = m[4] === "beta" ? 0 : m[4] === "rc" ? 1 : 2;
  return [Number(m[1]), Number(m[2]), pre, Number(m[3] ?? 0), Number(m[5] ?? 0)];
}

/**
 * The scratch module's `go` line when these toolchains all build it: the oldest one's language
 * version. An older go command refuses a go.mod newer than itself, and with one go line for every
 * release a comparison differs by compiler only, never by language version.
 */
export function oldestGoLine(versions: readonly string[]): string {
  return goLineFor([...versions].sort(compareGoVersions)[0] ?? "");
}

export type Resolution =
  | { ok: true; info: ToolchainInfo }
  | {
      ok: false;
      /**
       * usage: the words name no release; missing: no such release; fetch: the download failed;
       * not-go: the path is not a go binary; failed: it ran and failed for another reason.
       */
      cause: "usage" | "missing" | "fetch" | "not-go" | "failed";
      problem: string;
    };

export interface ResolveOptions {
  /** The kernel's own go binary: it does the toolchain switching. */
  localBinary: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Injected for tests; defaults to spawning the real command. */
  runner?: (binary: string, args: string[], env: NodeJS.ProcessEnv, signal?: AbortSignal) => Promise<RunResult>;
}

const PROBE_ARGS = ["env", "-json", "GOVERSION", "GOROOT", "GOOS", "GOARCH"];
/** A fetch of a whole toolchain (~70 MB) may take a while on a slow link; a hung one may not. */
const FETCH_TIMEOUT_MS = 10 * 60_000;
const PROBE_TIMEOUT_MS = 60_000;

/** Finds and checks a toolchain by running it; never throws for a toolchain that cannot be used. */
export async function resolveRelease(spec: ReleaseSpec, options: ResolveOptions): Promise<Resolution> {
  const runner = options.runner ?? defaultRunner;
  if (spec.kind === "binary") return resolveBinary(spec.path, options, runner);
  const gotoolchain = spec.kind === "local" ? "local" : spec.name;
  const env = { ...options.env, GOTOOLCHAIN: gotoolchain };
  const probe = await runner(options.localBinary, PROBE_ARGS, env, withTimeout(options.signal, FETCH_TIMEOUT_MS));
  if (probe.interrupted) return { ok: false, cause: "failed", problem: `checking ${gotoolchain} was interrupted` };
  const parsed = probe.code === 0 ? parseEnvJson(probe.stdout) : undefined;
  if (parsed) return { ok: true, info: { binary: options.localBinary, gotoolchain, ...parsed } };
  if (spec.kind === "local") return { ok: false, cause: "failed", problem: `'${options.localBinary} env' failed: ${probe.stderr.trim()}` };

  // Why did the go command not run that release? Ask the proxy what it has, and how it is set up.
  const localEnv = { ...options.env, GOTOOLCHAIN: "local" };
  const [settings, listing] = await Promise.all([
    runner(options.localBinary, ["env", "-json", "GOPROXY", "GOSUMDB", "GOOS", "GOARCH", "GOMODCACHE"], localEnv, withTimeout(options.signal, PROBE_TIMEOUT_MS)),
    runner(options.localBinary, ["list", "-m", "-versions", "golang.org/toolchain"], localEnv, withTimeout(options.signal, PROBE_TIMEOUT_MS)),
  ]);
  const s = (settings.code === 0 ? safeJson(settings.stdout) : undefined) ?? {};
  return explainReleaseFailure({
    name: spec.name,
    stderr: probe.stderr,
    goproxy: s.GOPROXY ?? options.env.GOPROXY ?? "",
    gosumdb: s.GOSUMDB ?? options.env.GOSUMDB ?? "",
    goos: s.GOOS ?? process.platform,
    goarch: s.GOARCH ?? "",
    listing: listing.code === 0 ? { ok: true, versions: listing.stdout.trim().split(/\s+/).slice(1) } : { ok: false, error: listing.stderr.trim() },
  });
}

export interface FailureFacts {
  /** The release asked for, "go1.99.0". */
  name: string;
  /** What the go command printed when asked to run it. */
  stderr: string;
  goproxy: string;
  gosumdb: string;
  goos: string;
  goarch: string;
  /** `go list -m -versions golang.org/toolchain`: the versions (v0.0.1-go1.22.12.linux-amd64), or why it failed. */
  listing: { ok: true; versions: string[] } | { ok: false; error: string };
}

const LIST_HINT = "go list -m -versions golang.org/toolchain  (versions look like v0.0.1-go1.22.12.linux-amd64)";

/** The go command's failure to run a release, in words: which of the causes it is, and what to do. */
export function explainReleaseFailure(f: FailureFacts): Resolution & { ok: false } {
  const said = f.stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/^go: downloading go/.test(l));
  const goSaid = said.length ? `\n  the go command said: ${said.join("\n    ")}` : "";
  const wanted = toolchainVersion(f.name, f.goos, f.goarch);
  const answeredMissing = /\b(404|410)\b|not found|not available|unknown revision|invalid version/i.test(f.stderr);

  if (f.listing.ok ? !f.listing.versions.includes(wanted) : answeredMissing && !/GOPROXY=off|toolchain not available/.test(f.stderr)) {
    const versions = f.listing.ok ? f.listing.versions : [];
    return { ok: false, cause: "missing", problem: `${missingDetail(f, versions)}\n  list the releases with: ${LIST_HINT}${goSaid}` };
  }

  const settings = `GOTOOLCHAIN=${f.name}, GOPROXY=${f.goproxy || "(unset)"}, GOSUMDB=${f.gosumdb || "(unset)"}`;
  let cause: string;
  if (/^off$/.test(f.goproxy) || /GOPROXY=off/.test(f.stderr)) {
    cause = "downloads are turned off (GOPROXY=off): only releases already in the module cache can be used";
  } else if (/verifying|checksum|GOSUMDB|sum\.golang|SECURITY ERROR/i.test(f.stderr)) {
    cause = `the checksum database (GOSUMDB=${f.gosumdb || "(unset)"}) could not verify the download`;
  } else if (!f.listing.ok || /dial tcp|connection refused|no such host|timeout|i\/o timeout|TLS|certificate|proxyconnect|network is unreachable/i.test(f.stderr)) {
    cause = `the module proxy (GOPROXY=${f.goproxy || "(unset)"}) could not be reached`;
  } else {
    cause = `the download through GOPROXY=${f.goproxy || "(unset)"} failed`;
  }
  return {
    ok: false,
    cause: "fetch",
    problem:
      `could not fetch ${f.name}: ${cause}.${goSaid}\n` +
      `  the go command fetches ${f.name} as module ${toolchainModule(f.name, f.goos, f.goarch)} (${settings}).\n` +
      `  Check the network, or point GOPROXY and GOSUMDB at a proxy and checksum database you can reach, or use an installed go: %go /path/to/bin/go`,
  };
}

function missingDetail(f: FailureFacts, versions: string[]): string {
  const suffix = `.${f.goos}-${f.goarch}`;
  const releases = versions.filter((v) => v.endsWith(suffix)).map((v) => v.slice("v0.0.1-".length, -suffix.length));
  const exact = new RegExp(`^v0\\.0\\.1-${f.name.replace(/\./g, "\\.")}\\.[a-z0-9]+-[a-z0-9]+$`);
  const elsewhere = versions.some((v) => exact.test(v));
  if (elsewhere) return `${f.name} exists, but not for ${f.goos}/${f.goarch}.`;
  const where = `${f.name} does not exist: the module proxy (GOPROXY=${f.goproxy || "(unset)"}) has no ${toolchainModule(f.name, f.goos, f.goarch)}`;
  if (releases.length === 0) return `${where}.`;
  const line = /^go\d+\.\d+/.exec(f.name)?.[0];
  const sameLine = releases.filter((r) => line !== undefined && (r === line || r.startsWith(`${line}.`) || r.startsWith(`${line}rc`))).sort(compareGoVersions);
  if (sameLine.length) return `${where}; the ${line} releases are ${rangeText(sameLine)}.`;
  const newest = releases.filter((r) => !/rc|beta/.test(r)).sort(compareGoVersions).slice(-3).reverse();
  return `${where}; the newest releases are ${newest.join(", ")}.`;
}

function rangeText(sorted: string[]): string {
  return sorted.length <= 4 ? sorted.join(", ") : `${sorted[0]} … ${sorted[sorted.length - 1]} (${sorted.length} releases)`;
}

async function resolveBinary(path: string, options: ResolveOptions, runner: NonNullable<ResolveOptions["runner"]>): Promise<Resolution> {
  const notGo = (why: string): Resolution => ({ ok: false, cause: "not-go", problem: `${path} is not a go binary: ${why}` });
  try {
    const st = statSync(path);
    if (st.isDirectory()) return notGo(`it is a directory; give the go command inside it, e.g. ${path.replace(/\/$/, "")}/bin/go`);
    if (!st.isFile()) return notGo("it is not a regular file");
  } catch {
    return notGo("there is no such file");
  }
  // GOTOOLCHAIN=local: the binary itself, never a release it would switch to.
  const env = { ...options.env, GOTOOLCHAIN: "local" };
  let version: RunResult;
  try {
    version = await runner(path, ["version"], env, withTimeout(options.signal, PROBE_TIMEOUT_MS));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return notGo(code === "EACCES" ? "it is not executable" : `it could not be run (${(err as Error).message})`);
  }
  const m = /^go version (\S+(?: \S+)*?) (\w+)\/(\w+)/m.exec(version.stdout);
  if (version.code !== 0 || !m) {
    const printed = (version.stdout + version.stderr).trim().split("\n")[0] ?? "";
    return notGo(`'${path} version' ${version.code !== 0 ? `exited with status ${version.code}` : "did not print 'go version goX.Y.Z os/arch'"}${printed ? `: ${printed.slice(0, 200)}` : ""}`);
  }
  const probe = await runner(path, PROBE_ARGS, env, withTimeout(options.signal, PROBE_TIMEOUT_MS));
  const parsed = probe.code === 0 ? parseEnvJson(probe.stdout) : undefined;
  if (!parsed) return { ok: false, cause: "failed", problem: `'${path} env -json' failed: ${probe.stderr.trim() || `exit status ${probe.code}`}` };
  return { ok: true, info: { binary: path, gotoolchain: "local", ...parsed, version: parsed.version || m[1] } };
}

function parseEnvJson(text: string): Omit<ToolchainInfo, "binary"> | undefined {
  const j = safeJson(text);
  if (!j || !j.GOROOT) return undefined;
  return { version: j.GOVERSION ?? "", goroot: j.GOROOT, goos: j.GOOS ?? "", goarch: j.GOARCH ?? "" };
}

function safeJson(text: string): Record<string, string> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" ? (v as Record<string, string>) : undefined;
  } catch {
    return undefined;
  }
}

function withTimeout(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/**
 * A directory with no go.mod above it: probes must not read the scratch module's go line, nor a
 * go.mod or go.work another user put in a shared dir. The user's private root: only the user
 * writes in it, and the go command ignores a go.mod in the temp dir above it.
 */
function neutralDir(): string {
  return privateRoot(process.env);
}

function defaultRunner(binary: string, args: string[], env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<RunResult> {
  return run(binary, args, { cwd: neutralDir(), env, capture: true, signal });
}
