// Timing and formatting for the side-by-side benchmarks.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "../kernel/go/stats.js";

/** The package root (dist/bench/measure.js -> ../..). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface Row {
  name: string;
  goperf: string;
  baseline: string;
  ratio: string;
  target: string;
}

export async function time(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

function ms(xs: number[]): string {
  return `${median(xs).toFixed(0)} ms [${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}]`;
}

export function compareRow(name: string, goperf: number[], baselineName: string, baseline: number[], target: string): Row {
  return {
    name,
    goperf: ms(goperf),
    baseline: `${baselineName}: ${ms(baseline)}`,
    ratio: `${(median(goperf) / median(baseline)).toFixed(2)}x`,
    target,
  };
}

/** Resident memory of a process, in MB. */
export function rss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export function goVersion(): string {
  return spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8" }).stdout.trim();
}

/** A scratch module for the raw commands, laid out as the kernel lays out its own. */
export function rawModule(): string {
  const dir = mkdtempSync(join(tmpdir(), "goperf-bench-raw-"));
  writeFileSync(join(dir, "go.mod"), "module raw\n\ngo 1.24\n");
  return dir;
}

/** The raw go command in `dir` (GOTOOLCHAIN=local); a failure throws, except -m=2's output on stderr. */
export function go(dir: string, ...argv: string[]): void {
  const r = spawnSync("go", argv, { cwd: dir, encoding: "utf8", env: { ...process.env, GOTOOLCHAIN: "local" } });
  if (r.status !== 0 && !argv.includes("-gcflags=-m=2")) throw new Error(`go ${argv.join(" ")}: ${r.stderr}`);
}
