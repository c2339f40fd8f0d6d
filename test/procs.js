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
