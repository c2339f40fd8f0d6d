// Timing and formatting for the side-by-side benchmarks.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
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
