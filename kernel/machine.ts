// What the machine says about the conditions of a timing (Linux; elsewhere nothing is known and
// nothing is claimed): the CPU frequency governor, other load, and the names benchstat's
// configuration keys want. The file system root is a parameter, so tests give a fixture tree.

import { readFileSync, readdirSync } from "node:fs";
import { cpus, hostname } from "node:os";
import { join } from "node:path";
import type { NoiseFinding } from "./reports/noise.js";

export interface MachineState {
  /** Distinct scaling governors of the online CPUs, e.g. ["powersave"]; empty when unknown. */
  governors: string[];
  /** 1-minute load average from /proc/loadavg; undefined when unknown. */
  load1?: number;
  cpus: number;
  /** CPUs busy in a short /proc/stat sample beyond the one goperf itself uses; undefined when unknown. */
  busyCpus?: number;
}

function read(root: string, path: string): string | undefined {
  try {
    return readFileSync(join(root, path), "utf8");
  } catch {
    return undefined;
  }
}

function governors(root: string): string[] {
  let dirs: string[];
  try {
    dirs = readdirSync(join(root, "sys/devices/system/cpu")).filter((d) => /^cpu\d+$/.test(d));
  } catch {
    return [];
  }
  const found = dirs.map((d) => read(root, `sys/devices/system/cpu/${d}/cpufreq/scaling_governor`)?.trim()).filter((g): g is string => !!g);
  return [...new Set(found)].sort();
}

/** Busy CPU-seconds per second over `ms`, from two /proc/stat samples. */
async function busyCpus(root: string, ms: number): Promise<number | undefined> {
  const sample = () => {
    const line = read(root, "proc/stat")?.split("\n").find((l) => l.startsWith("cpu "));
    if (!line) return undefined;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return { total: f.reduce((s, v) => s + v, 0), idle };
  };
  const a = sample();
  if (!a) return undefined;
  await new Promise((r) => setTimeout(r, ms));
  const b = sample();
  if (!b || b.total === a.total) return undefined;
  const n = cpus().length;
  return (1 - (b.idle - a.idle) / (b.total - a.total)) * n;
}

export async function machineState(root = "/", sampleMs = 200): Promise<MachineState> {
  const load = read(root, "proc/loadavg")?.split(/\s+/)[0];
  return {
    governors: governors(root),
    ...(load !== undefined && Number.isFinite(Number(load)) ? { load1: Number(load) } : {}),
    cpus: cpus().length,
    ...(await busyCpus(root, sampleMs).then((b) => (b === undefined ? {} : { busyCpus: b }))),
  };
}

/** Load above this fraction of a CPU (beyond the kernel's own) counts as other load. */
const BUSY = 0.5;

/** The findings a reader should see before the numbers. */
export function noiseBefore(m: MachineState): NoiseFinding[] {
  const out: NoiseFinding[] = [];
  const other = m.governors.filter((g) => g !== "performance");
  if (other.length)
    out.push({
      kind: "governor",
      text: `CPU frequency governor is ${other.join(", ")} (not performance): the clock speed changes under the benchmark`,
      advice: "set it to performance for the run (cpupower frequency-set -g performance, or run under perflock), or compare only runs made under the same governor",
    });
  const busy = m.busyCpus;
  if ((busy !== undefined && busy > BUSY) || (m.load1 !== undefined && m.load1 > Math.max(1, m.cpus * 0.5)))
    out.push({
      kind: "load",
      text:
        `other load on the machine: ` +
        [busy !== undefined ? `${busy.toFixed(1)} of ${m.cpus} CPUs busy just before the run` : "", m.load1 !== undefined ? `load average ${m.load1.toFixed(2)}` : ""].filter(Boolean).join(", "),
      advice: "timings are shared with that work: stop it, run on an idle machine, or raise -count so the interval shows the noise (benchstat: at least 10 runs)",
    });
  return out;
}

/** Spread of runs (max − min over the median) above which a timing is called noisy. */
export const NOISY_SPREAD_PCT = 10;

/** A finding for the benchmarks whose runs spread above the threshold; never hides their numbers. */
export function noiseAfter(spreads: readonly { name: string; spreadPct: number }[]): NoiseFinding[] {
  const noisy = spreads.filter((s) => s.spreadPct > NOISY_SPREAD_PCT);
  if (noisy.length === 0) return [];
  const list = noisy.map((s) => `${s.name} ${Math.round(s.spreadPct)}%`).join(", ");
  return [
    {
      kind: "spread",
      text: `runs spread above ${NOISY_SPREAD_PCT}% of the median: ${list}`,
      advice: "the numbers are shown as measured; to trust a difference, rerun with a higher -count (10 or more) on a quiet machine and compare with benchstat's test, which accounts for the spread",
    },
  ];
}

export function machineName(): string {
  return hostname();
}
