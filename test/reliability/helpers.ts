// Shared by the reliability suite: kernels with a private scratch root, what /proc says about
// processes and sockets, percentiles, and the figures file that docs/RELIABILITY.md is made from.
// Every wait here is bounded in time and in count.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { cpus, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { KERNEL_NODE_FLAGS, KernelClient, defaultKernelMain, writeConnectionFile, type Exchange } from "../../kernel/client/client.js";
import { parseRecord } from "../../kernel/go/processes.js";
import { privateRootPath } from "../../kernel/go/workspace.js";
import { ROOT } from "../helpers/paths.js";

export const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

/** Polls `check` every `everyMs` until it is true or `timeoutMs` passed; returns the ms it took, or null. */
export async function waitFor(check: () => boolean, timeoutMs: number, everyMs = 10): Promise<number | null> {
  const start = Date.now();
  const rounds = Math.ceil(timeoutMs / everyMs) + 1;
  for (let i = 0; i < rounds; i++) {
    if (check()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) break;
    await sleep(everyMs);
  }
  return check() ? Date.now() - start : null;
}

/** A promise that rejects after `ms` (with what was being waited for). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** A private temp dir (the kernel's TMPDIR: its scratch dirs land here and nowhere else). */
export function privateTmp(label: string): string {
  return mkdtempSync(join(tmpdir(), `goperf-rel-${label}-`));
}

export interface Kernel {
  client: KernelClient;
  pid: number;
  /** The kernel's TMPDIR. */
  tmp: string;
  log(): string;
  close(): Promise<void>;
}

/** A kernel whose scratch root is a private dir; `env` adds to the environment. */
export async function launchKernel(label: string, env: Record<string, string> = {}, tmp = privateTmp(label)): Promise<Kernel> {
  const client = await KernelClient.launch({ env: { ...kernelEnv(tmp), ...env } });
  return {
    client,
    pid: client.pid!,
    tmp,
    log: () => client.kernelLog,
    close: async () => {
      await client.close();
    },
  };
}

/** The environment of a kernel whose temp dir is `tmp` (and no XDG_RUNTIME_DIR: its root is in `tmp`). */
export function kernelEnv(tmp: string): NodeJS.ProcessEnv {
  return { ...process.env, TMPDIR: tmp, XDG_RUNTIME_DIR: "" };
}

/** The private root of a kernel whose temp dir is `tmp`: its scratch dirs are there. */
export function scratchRoot(tmp: string): string {
  return privateRootPath({ TMPDIR: tmp });
}

/** The scratch dirs of kernels whose temp dir is `tmp`. */
export function scratchDirs(tmp: string): string[] {
  const root = scratchRoot(tmp);
  try {
    return readdirSync(root)
      .filter((n) => n.startsWith("goperf-session-"))
      .map((n) => join(root, n));
  } catch {
    return [];
  }
}

/** What is in a kernel's temp dir besides its private root, and in that root (names relative to `tmp`). */
export function leftIn(tmp: string): string[] {
  const root = scratchRoot(tmp);
  const inRoot = (() => {
    try {
      return readdirSync(root).map((n) => join(root, n).slice(tmp.length + 1));
    } catch {
      return [];
    }
  })();
  return [...readdirSync(tmp).filter((n) => join(tmp, n) !== root), ...inRoot];
}

/** The process group a scratch dir records as running (running.pgid: "PGID START BOOT"), or 0. */
export function recordedGroup(dir: string): number {
  try {
    return parseRecord(readFileSync(join(dir, "running.pgid"), "utf8"))?.pid ?? 0;
  } catch {
    return 0;
  }
}

/** The program a process runs: its argv[0], or under goperf's launcher the program after "--". */
export function programOf(p: Proc): string {
  const argv = p.cmdline.split(" ");
  const dash = argv.indexOf("--");
  return /(^|\/)launcher-[0-9a-f]+$/.test(argv[0]) && dash > 0 ? (argv[dash + 1] ?? "") : argv[0];
}

/**
 * The scratch dir of the one kernel using `tmp`, once its session has made it: a kernel answers
 * kernel_info first and starts its session right after (kernel/starting.ts). Throws if none
 * appears within 60 s.
 */
export async function sessionDir(tmp: string): Promise<string> {
  if ((await waitFor(() => scratchDirs(tmp).length > 0, 60_000, 10)) === null) throw new Error(`no scratch dir appeared under ${tmp}`);
  return scratchDirs(tmp)[0];
}

// ---- a kernel on a connection file of our own (restart on the same file) -------------------------

export { writeConnectionFile };

export interface KernelProcess {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

/** Starts `node dist/bundle/kernel.cjs FILE` as a front end would. */
export function spawnKernel(file: string, env: NodeJS.ProcessEnv): KernelProcess {
  const child = spawn(process.execPath, [...KERNEL_NODE_FLAGS, defaultKernelMain(), file], { env, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (t: string) => (log += t));
  const exited = new Promise<number | null>((ok) => child.on("exit", (code) => ok(code)));
  return { child, log: () => log, exited };
}

// ---- /proc ---------------------------------------------------------------------------------------

export interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
  comm: string;
  cmdline: string;
  cwd: string;
}

export function proc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const fields = stat.slice(close + 2).split(" ");
    let cmdline = "";
    let cwd = "";
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    } catch {
      // exited meanwhile
    }
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      // exited, or a zombie
    }
    return { pid, state: fields[0], ppid: Number(fields[1]), pgid: Number(fields[2]), comm, cmdline, cwd };
  } catch {
    return null;
  }
}

export function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const p = proc(Number(name));
    if (p) out.push(p);
  }
  return out;
}

/** Live (not zombie) processes in a process group. */
export function groupMembers(pgid: number): Proc[] {
  return processes().filter((p) => p.pgid === pgid && p.state !== "Z");
}

export function alive(pid: number): boolean {
  const p = proc(pid);
  return p !== null && p.state !== "Z";
}

/** Live processes that run from, or name, a directory (a scratch dir's go commands and binaries). */
export function processesUsing(dir: string): Proc[] {
  return processes().filter((p) => p.state !== "Z" && p.pid !== process.pid && (p.cwd.startsWith(dir) || p.cmdline.includes(dir)));
}

export function descendants(root: number): Proc[] {
  const all = processes();
  const found: Proc[] = [];
  let frontier = [root];
  for (let depth = 0; depth < 20 && frontier.length; depth++) {
    const next = all.filter((p) => frontier.includes(p.ppid));
    found.push(...next);
    frontier = next.map((p) => p.pid);
  }
  return found;
}

/** The kernel's watchdog: its child running `launcher -watchdog KERNEL_PID` (kernel/go/launcher/watchdog.go). */
export function watchdogOf(kernelPid: number): Proc | undefined {
  return processes().find((p) => p.ppid === kernelPid && p.cmdline.includes(`-watchdog ${kernelPid}`) && p.state !== "Z");
}

export function vmRssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return m ? Number(m[1]) : NaN;
}

export interface Listener {
  address: string;
  port: number;
  pid: number;
}

/** TCP sockets in LISTEN state held by these processes, from /proc/net/tcp and tcp6. */
export function listeners(pids: number[]): Listener[] {
  const inodes = new Map<string, number>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.set(m[1], pid);
      } catch {
        // closed meanwhile
      }
    }
  }
  const out: Listener[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== "0A") continue;
      const pid = inodes.get(f[9]);
      if (pid === undefined) continue;
      const [hexAddr, hexPort] = f[1].split(":");
      out.push({ address: decodeAddress(hexAddr), port: parseInt(hexPort, 16), pid });
    }
  }
  return out;
}

function decodeAddress(hex: string): string {
  if (hex.length === 8) {
    const b = Buffer.from(hex, "hex");
    return [b[3], b[2], b[1], b[0]].join(".");
  }
  // IPv6: four little-endian 32-bit words
  const words = hex.match(/.{8}/g)!.map((w) => Buffer.from(w, "hex").reverse().toString("hex"));
  const all = words.join("");
  if (all === "00000000000000000000000000000001") return "::1";
  if (/^0{32}$/.test(all)) return "::";
  return all.match(/.{4}/g)!.join(":");
}

// ---- outputs and numbers ---------------------------------------------------------------------------

export function errorsOf(x: Exchange): { ename: string; evalue: string; traceback: string[] }[] {
  return x.iopub.filter((m) => m.header.msg_type === "error").map((m) => m.content as { ename: string; evalue: string; traceback: string[] });
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function ms(n: number): string {
  return `${Math.round(n)} ms`;
}

// ---- figures -> test/artifacts/reliability.json -> docs/RELIABILITY.md (test/reliability/report.js) --

export interface Row {
  check: string;
  figure: string;
  pass: boolean;
}

export const FIGURES_FILE = join(ROOT, "test", "artifacts", "reliability.json");

interface Figures {
  machine: Record<string, string | number>;
  sections: Record<string, { title: string; at: string; rows: Row[] }>;
}

/** Collects one section's rows; `save()` merges them into the figures file (other sections kept). */
export class Section {
  readonly rows: Row[] = [];
  constructor(
    readonly key: string,
    readonly title: string,
  ) {}

  add(check: string, figure: string, pass: boolean): void {
    const i = this.rows.findIndex((r) => r.check === check);
    if (i >= 0) this.rows.splice(i, 1);
    this.rows.push({ check, figure, pass });
  }

  save(): void {
    let figures: Figures = { machine: {}, sections: {} };
    try {
      figures = JSON.parse(readFileSync(FIGURES_FILE, "utf8")) as Figures;
    } catch {
      // first section of a run
    }
    figures.machine = machine();
    figures.sections[this.key] = { title: this.title, at: new Date().toISOString(), rows: this.rows };
    mkdirSync(join(ROOT, "test", "artifacts"), { recursive: true });
    writeFileSync(FIGURES_FILE, JSON.stringify(figures, null, 2) + "\n");
  }
}

function machine(): Record<string, string | number> {
  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memory_gib: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    kernel: `Linux ${release()}`,
    node: process.version,
    go: go.stdout.trim() || "unknown",
  };
}

export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
