// goperf's own small Go programs (kernel/go/<name>: the cell parser, the launcher), built once per
// source and Go release with the user's go command and kept in goperf's cache dir. A helper is
// found by a hash of its sources and `go version`, so an upgrade of either builds it again.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { privateDir } from "./workspace.js";

const BUILD_TIMEOUT_MS = 300_000;

/** Builds in flight in this process, so two users of one helper build it once. */
const builds = new Map<string, Promise<string>>();

/** `go version` of each go binary, asked once: the helpers a kernel starts with share it. */
const versions = new Map<string, Promise<CommandResult>>();

function goVersion(goBinary: string, env: NodeJS.ProcessEnv): Promise<CommandResult> {
  const key = `${goBinary}\0${env.GOTOOLCHAIN ?? ""}`;
  let version = versions.get(key);
  if (!version) {
    version = runCommand(goBinary, ["version"], { env, timeoutMs: 60_000 });
    versions.set(key, version);
    version.then((v) => v.code !== 0 && versions.delete(key), () => versions.delete(key));
  }
  return version;
}

/** The path of helper `name`'s binary, built now if this Go release has not built these sources yet. */
export async function ensureHelperBinary(name: string, goBinary: string, cacheDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const sourceDir = helperSourceDir(name);
  const version = await goVersion(goBinary, env);
  if (version.code !== 0) throw new Error(`${name}: '${goBinary} version' failed: ${version.stderr.trim()}`);
  const hash = await helperHash(sourceDir, version.stdout);
  // The kernel executes what is there: the dir must be one no other user can write to.
  privateDir(cacheDir, "XDG_CACHE_HOME", { readableByOthers: true });
  const binary = path.join(cacheDir, `${name}-${hash}${process.platform === "win32" ? ".exe" : ""}`);
  if (existsSync(binary)) return binary;
  let build = builds.get(binary);
  if (!build) {
    build = buildHelper(name, goBinary, sourceDir, binary, env).finally(() => builds.delete(binary));
    builds.set(binary, build);
  }
  return build;
}

/** The helper's Go source: kernel/go/<name> under the package root, found from this module. */
function helperSourceDir(name: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, "kernel", "go", name);
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(candidate, "go.mod"))) return candidate;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`${name}: no kernel/go/${name} above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** Covers everything that shapes the binary: the helper's non-test sources and the toolchain. */
async function helperHash(sourceDir: string, goVersion: string): Promise<string> {
  const hash = createHash("sha256").update(goVersion.trim());
  const files = (await readdir(sourceDir))
    .filter((f) => f === "go.mod" || (f.endsWith(".go") && !f.endsWith("_test.go")))
    .sort();
  for (const f of files) {
    hash.update(`\0${f}\0`).update(await readFile(path.join(sourceDir, f)));
  }
  return hash.digest("hex").slice(0, 16);
}

async function buildHelper(name: string, goBinary: string, sourceDir: string, binary: string, env: NodeJS.ProcessEnv): Promise<string> {
  // Build beside the target and rename: another kernel may be building the same helper.
  const tmp = `${binary}.tmp-${process.pid}-${Date.now()}`;
  // GOWORK=off: a go.work above the user's checkout must not pull this module in or out.
  const buildEnv = { ...env, GOWORK: "off", CGO_ENABLED: "0" };
  const res = await runCommand(goBinary, ["build", "-trimpath", "-o", tmp, "."], {
    cwd: sourceDir,
    env: buildEnv,
    timeoutMs: BUILD_TIMEOUT_MS,
  });
  if (res.code !== 0) {
    await rm(tmp, { force: true });
    throw new Error(`${name}: building the helper failed:\n${res.stderr.trim()}`);
  }
  await rename(tmp, binary);
  return binary;
}

interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCommand(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`could not run '${cmd}': ${err.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
