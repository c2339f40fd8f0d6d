// @ts-check
// Finding the processes a test run left behind (Linux /proc; nothing elsewhere).
import fs from 'node:fs';

/**
 * Processes whose command line mentions `needle`. Linux /proc; empty elsewhere.
 * @param {string} needle
 * @returns {{ pid: number, cmdline: string }[]}
 */
export function processesMentioning(needle) {
  /** @type {{ pid: number, cmdline: string }[]} */
  const found = [];
  let entries;
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (!cmdline.includes(needle)) continue;
      if (/^State:\s+Z/m.test(fs.readFileSync(`/proc/${entry}/status`, 'utf8'))) continue;
      found.push({ pid: Number(entry), cmdline });
    } catch {
      // gone already
    }
  }
  return found;
}

/**
 * Ends the processes whose command line mentions `needle` (SIGTERM, then SIGKILL after 3 s);
 * returns those it found.
 * @param {string} needle
 */
export async function endProcessesMentioning(needle) {
  const left = processesMentioning(needle);
  const signal = (/** @type {number[]} */ pids, /** @type {NodeJS.Signals} */ sig) => {
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
        // gone already
      }
    }
  };
  let pids = left.map((p) => p.pid);
  signal(pids, 'SIGTERM');
  for (let i = 0; i < 30 && pids.length > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const still = processesMentioning(needle).map((p) => p.pid);
    pids = pids.filter((pid) => still.includes(pid));
  }
  signal(pids, 'SIGKILL');
  return left;
}
