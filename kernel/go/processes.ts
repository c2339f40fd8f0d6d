// Which process is which, on a machine where pids are reused. A pid (or a process group id) written
// to a file names a process only until that process ends; after that the number may belong to
// anyone's process. So a recorded process is the pid together with its start time (field 22 of
// /proc/PID/stat, in clock ticks since boot) and the boot it started in (the kernel's random boot
// id): a process with that pid, that start time, in this boot, owned by us, is the one recorded.
//
// Also here: a process's descendants, found by walking /proc, and killing them all (a program that
// called setsid or double-forked has left its process group, not its ancestry while a child
// subreaper holds it: see kernel/go/launcher).

import { readFileSync, readdirSync } from "node:fs";

/** A process as recorded: enough to tell it from a later process that got the same pid. */
export interface ProcessRecord {
  pid: number;
  /** Clock ticks after boot when it started (/proc/PID/stat field 22). */
  start: number;
  /** /proc/sys/kernel/random/boot_id when it was recorded. */
  boot: string;
}

let bootIdCache: string | undefined;

/** This boot's id; "" when /proc does not say (then no record ever matches). */
export function bootId(): string {
  if (bootIdCache === undefined) {
    try {
      bootIdCache = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    } catch {
      bootIdCache = "";
    }
  }
  return bootIdCache;
}

/** What /proc/PID/stat says after the command name (which may hold spaces and parentheses). */
export interface StatFields {
  state: string;
  ppid: number;
  pgid: number;
  start: number;
}

/**
 * The fields of /proc/PID/stat after the command name, field 3 (state) first: the name may hold
 * spaces and parentheses, so they are read after the last ")". Null when the text is not one.
 */
export function fieldsAfterName(text: string): string[] | null {
  const close = text.lastIndexOf(")");
  return close < 0 ? null : text.slice(close + 2).trim().split(" ");
}

/** Parses /proc/PID/stat; null when it is not one. */
export function parseStat(text: string): StatFields | null {
  // Field 3 (state) is the first after the name; field 22 (starttime) is the 20th after it.
  const f = fieldsAfterName(text);
  if (!f || f.length < 20) return null;
  const [ppid, pgid, start] = [Number(f[1]), Number(f[2]), Number(f[19])];
  if (![ppid, pgid, start].every(Number.isInteger)) return null;
  return { state: f[0], ppid, pgid, start };
}

export function statOf(pid: number): StatFields | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return null;
  }
}

/** The real uid of a process, from /proc/PID/status; null when it is gone. */
export function uidOf(pid: number): number | null {
  try {
    const m = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** The record of a running process (ours or not); null when it is not running. */
export function recordOf(pid: number): ProcessRecord | null {
  const stat = statOf(pid);
  return stat ? { pid, start: stat.start, boot: bootId() } : null;
}

/** "PID START BOOTID": one line, the format of kernel.pid and running.pgid. */
export function formatRecord(r: ProcessRecord): string {
  return `${r.pid} ${r.start} ${r.boot}\n`;
}

/** The inverse of formatRecord; null for anything else (a bare pid included: it proves nothing). */
export function parseRecord(text: string): ProcessRecord | null {
  const m = /^(\d+) (\d+) ([0-9a-f-]{8,64})\s*$/.exec(text);
  if (!m) return null;
  const pid = Number(m[1]);
  return pid > 1 ? { pid, start: Number(m[2]), boot: m[3] } : null;
}

/**
 * Why `now` (what /proc says of the recorded pid today) is not the recorded process; null when it
 * is. Pure: the caller reads /proc.
 */
export function mismatch(recorded: ProcessRecord, now: { start: number; boot: string; uid: number | null } | null, ourUid: number): string | null {
  if (!now) return "it is not running";
  if (!recorded.boot || now.boot !== recorded.boot) return "it was recorded before the machine last booted";
  if (now.start !== recorded.start) return "another process has its pid now (its start time differs)";
  if (now.uid !== ourUid) return `it belongs to uid ${now.uid}, not to us (uid ${ourUid})`;
  return null;
}

/** Null when the recorded process runs now, as ours; else why not. */
export function whyNotOurs(recorded: ProcessRecord): string | null {
  const stat = statOf(recorded.pid);
  const now = stat ? { start: stat.start, boot: bootId(), uid: uidOf(recorded.pid) } : null;
  return mismatch(recorded, now, process.getuid?.() ?? -1);
}

/** Live (not zombie) descendants of `root`, from /proc's parent links; [] where there is no /proc. */
export function descendants(root: number): number[] {
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const name of names) {
    if (name.charCodeAt(0) > 57) continue; // not a pid (self, sys, ...)
    const pid = Number(name);
    const stat = Number.isInteger(pid) ? statOf(pid) : null;
    if (!stat || stat.state === "Z") continue;
    const list = children.get(stat.ppid);
    if (list) list.push(pid);
    else children.set(stat.ppid, [pid]);
  }
  const found = [...(children.get(root) ?? [])];
  for (let i = 0; i < found.length; i++) found.push(...(children.get(found[i]) ?? []));
  return found;
}

/**
 * SIGKILLs every descendant of `root` (not `root` itself), again until none is left: a process
 * killed while forking leaves a child that the next round finds. `root` must outlive this (a
 * subreaper: the orphans are re-parented to it, so none slips out of its tree). Bounded.
 */
export function killDescendants(root: number, rounds = 50): void {
  for (let i = 0; i < rounds; i++) {
    const found = descendants(root);
    if (!found.length) return;
    for (const pid of found) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone already, or not ours to kill
      }
    }
  }
}
