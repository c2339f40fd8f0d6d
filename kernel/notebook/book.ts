// A book of notebooks at once: `goperf run|check --jobs N NB...` runs up to N notebooks at a time,
// each in its own kernel, and ends with one table. A notebook that cannot be read or fails is its
// own row; the others go on. (Their benchmarks do not disturb each other: kernels take the
// machine-wide benchmark lock around every benchmark run, kernel/go/benchlock.ts.)

import { basename } from "node:path";

export interface BookRow {
  notebook: string;
  /** ok: ran (or checked) clean; failed: a cell, a claim or a check failed; error: it could not be run at all. */
  status: "ok" | "failed" | "error";
  /** Code cells executed / in the notebook (absent when it could not be read). */
  cells?: { executed: number; total: number };
  claims?: { held: number; failed: number };
  seconds: number;
  /** What went wrong, or what check found, in words. */
  message?: string;
}

export interface BookOptions {
  jobs: number;
  /** One notebook's work; `progress` prefixes its lines with the notebook's name. */
  each: (path: string, progress: (line: string) => void) => Promise<Omit<BookRow, "notebook" | "seconds">>;
  onProgress?: (line: string) => void;
  now?: () => number;
}

export class JobsError extends Error {}

/** How many notebooks run at once: `--jobs` as given, checked; never more than there are notebooks. */
export function jobsFor(raw: string | undefined, notebooks: number): { jobs: number; note?: string } {
  if (raw === undefined) return { jobs: 1 };
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new JobsError(`--jobs ${raw}: give a whole number of at least 1 (how many notebooks run at once, each in its own kernel)`);
  const jobs = Number(raw);
  if (jobs <= notebooks) return { jobs };
  return { jobs: notebooks, note: `--jobs ${jobs} for ${notebooks} notebook${notebooks === 1 ? "" : "s"}: running ${notebooks} at once` };
}

/** Runs `each` over the notebooks, at most `jobs` at a time; rows come back in the order given. */
export async function runBook(paths: readonly string[], options: BookOptions): Promise<BookRow[]> {
  const now = options.now ?? Date.now;
  const rows: BookRow[] = new Array(paths.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < paths.length; i = next++) {
      const path = paths[i];
      const name = basename(path);
      const started = now();
      const progress = (line: string) => options.onProgress?.(`${name} ${line}`);
      try {
        rows[i] = { notebook: path, ...(await options.each(path, progress)), seconds: (now() - started) / 1000 };
      } catch (err) {
        rows[i] = { notebook: path, status: "error", message: (err as Error).message, seconds: (now() - started) / 1000 };
      }
      progress(rows[i].status === "ok" ? "done" : `${rows[i].status}: ${firstLine(rows[i].message ?? "")}`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, paths.length)) }, worker));
  return rows;
}

/** The closing table: one row a notebook, then the totals. */
export function formatBook(rows: readonly BookRow[]): string {
  const table = [["notebook", "status", "cells", "claims held", "claims failed", "time"]];
  for (const r of rows) {
    table.push([
      r.notebook,
      r.status,
      r.cells ? `${r.cells.executed}/${r.cells.total}` : "-",
      r.claims ? String(r.claims.held) : "-",
      r.claims ? String(r.claims.failed) : "-",
      `${r.seconds.toFixed(1)}s`,
    ]);
  }
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const lines = table.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ").trimEnd());
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  const bad = rows.filter((r) => r.status !== "ok");
  lines.push("", `${rows.length - bad.length} of ${rows.length} notebook${rows.length === 1 ? "" : "s"} ok` + (bad.length ? `; ${bad.length} not: ${bad.map((r) => basename(r.notebook)).join(", ")}` : ""));
  for (const r of bad) if (r.message) lines.push(`  ${basename(r.notebook)}: ${r.message.split("\n").join("\n    ")}`);
  return lines.join("\n");
}

function firstLine(text: string): string {
  return text.split("\n")[0].slice(0, 200);
}
