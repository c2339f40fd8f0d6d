// What the machine says about the conditions of a timing (Linux; elsewhere nothing is known and
// nothing is claimed): the CPU frequency governor, other load, and the names benchstat's
// configuration keys want. The file system root is a parameter, so tests give a fixture tree.

import { readFileSync, readdirSync } from "node:fs";
import { cpus, hostname } from "node:os";
import { join } from "node:path";
import { fieldsAfterName } from "./go/processes.js";
import type { NoiseFinding } from "./reports/noise.js";

export interface MachineState {
  /** Distinct scaling governors of the online CPUs, e.g. ["powersave"]; empty when unknown. */
  governors: string[];
  /** 1-minute load average from /proc/loadavg; undefined when unknown. */
  load1?: number;
  cpus: number;
  /** CPUs busy with other work while the benchmarks ran (otherLoad); undefined when unknown. */
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

/** The machine's CPU time so far, in clock ticks: all of it and the idle part (/proc/stat). */
function machineTicks(root: string): { total: number; idle: number } | undefined {
  const line = read(root, "proc/stat")?.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) return undefined;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  return { total: f.reduce((s, v) => s + v, 0), idle: (f[3] ?? 0) + (f[4] ?? 0) };
}

/**
 * CPU time, in clock ticks, of the processes in process group `pgid`, their reaped children
 * included (utime, stime, cutime, cstime of /proc/PID/stat).
 */
function groupTicks(root: string, pgid: number): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync(join(root, "proc")).filter((e) => /^\d+$/.test(e));
  } catch {
    return undefined;
  }
  let ticks = 0;
  for (const pid of entries) {
    // Fields 5 (pgrp) and 14-17 (utime, stime, cutime, cstime), counted from the state's 3.
    const f = fieldsAfterName(read(root, `proc/${pid}/stat`) ?? ""); // none: gone meanwhile
    if (f && Number(f[2]) === pgid) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  }
  return ticks;
}

/** Linux's USER_HZ: the unit of /proc's CPU times. */
const TICKS_PER_SECOND = 100;

/**
 * Other work's load while a run goes on: started when the run's process group has started, the
 * returned function tells how many CPUs were busy since beyond what that group and this process
 * used (undefined when unknown: not Linux, or the group ended before). Sampled beside the run,
 * not before it, so that the check costs the cell no time of its own.
 */
export function otherLoad(root: string, pgid: number): () => number | undefined {
  const a = machineTicks(root);
  const groupA = groupTicks(root, pgid);
  const selfA = process.cpuUsage();
  return () => {
    const b = machineTicks(root);
    const groupB = groupTicks(root, pgid);
    if (!a || !b || groupA === undefined || groupB === undefined || b.total <= a.total) return undefined;
    const self = process.cpuUsage(selfA);
    const own = groupB - groupA + ((self.user + self.system) / 1e6) * TICKS_PER_SECOND;
    const busy = b.total - b.idle - (a.total - a.idle) - own;
    return (Math.max(0, busy) / (b.total - a.total)) * cpus().length;
  };
}

/** The governors and the load average: read before a run (the run's own load raises the average). */
export function machineState(root = "/"): MachineState {
  const load = read(root, "proc/loadavg")?.split(/\s+/)[0];
  return {
    governors: governors(root),
    ...(load !== undefined && Number.isFinite(Number(load)) ? { load1: Number(load) } : {}),
    cpus: cpus().length,
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
        [busy !== undefined ? `${busy.toFixed(1)} of ${m.cpus} CPUs busy with other work while the benchmarks ran` : "", m.load1 !== undefined ? `load average ${m.load1.toFixed(2)}` : ""].filter(Boolean).join(", "),
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
