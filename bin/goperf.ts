#!/usr/bin/env node
// goperf: run | check | export | install. Argument parsing and printing only; the work lives in
// kernel/notebook (and install.js for the kernelspec).

import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { existsSync, writeFileSync } from "node:fs";
import { benchDataDir, listSaved, loadRun, SAVE_NAME } from "../kernel/benchstore.js";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { formatCheck, formatClaimsSummary, summarizeClaims } from "../kernel/notebook/check.js";
import { InputError } from "../kernel/notebook/files.js";
import { NotebookError } from "../kernel/notebook/nbformat.js";
import { checkNotebookFile, exportNotebookFile, runNotebook } from "../kernel/notebook/runner.js";
import { VERSION } from "../kernel/package.js";
import { JobsError, formatBook, jobsFor, runBook, type BookRow } from "../kernel/notebook/book.js";


const USAGE = `Usage: goperf <command> [arguments]

  goperf run NB.ipynb [-o OUT.ipynb] [--html OUT.html | --no-html] [--allow-errors]
      Executes every code cell in order with the goperf kernel and stores the outputs in the
      notebook (in place, or in OUT.ipynb with -o), then writes an HTML page next to it
      (OUT.html) and prints the claims summary. Stops at the first cell that fails unless
      --allow-errors; the error is stored in the notebook either way.

  goperf check NB.ipynb
      Executes the notebook afresh (writing nothing) and compares with what it stores: failed
      claims, escape-analysis decisions added or gone, allocs/op and B/op per benchmark, errors.
      ns/op is never compared. Exit status 1 on any difference.

  goperf run|check [--jobs N] NB.ipynb NB2.ipynb ...
      A book: several notebooks, up to N at once (default 1), each in its own kernel (run writes
      each in place, with its HTML page), a progress line per notebook and a summary table at the
      end. Benchmarks of the kernels queue on the machine-wide benchmark lock. Exit status 1 if
      any notebook failed.

  goperf export NB.ipynb DIR [--force]
      Writes the notebook as a plain Go lab: DIR/go.mod, DIR/lab.go (declarations, and the
      cells' statements in main), DIR/lab_test.go (benchmarks; each %bench F(x) as a b.Loop
      benchmark) and DIR/Makefile (make escape | bench | golden). --force overwrites them.

  goperf bench-export [NAME [-o FILE]]
      Without NAME, lists the runs %bench --save kept in your goperf data dir. With NAME, writes
      that run's raw output (Go benchmark format with benchstat configuration keys) to stdout or
      FILE: feed it to benchstat (benchstat old.txt new.txt).

  goperf install [--user | --sys-prefix | --prefix DIR] [--uninstall]
      Installs the Jupyter kernelspec "goperf" (runs install.js; see goperf install --help).

  goperf --help | --version

Exit status: 0 all went well; 1 a cell failed, a claim failed, the kernel died, or check found a
difference; 2 bad usage or bad input (nothing was written).`;

class UsageError extends Error {}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>["options"];

/**
 * A command's arguments by node:util's parseArgs (strict: an unknown option is an error), its
 * positionals checked against the names the command takes (`more`: and any number after them).
 */
function parse<O extends Options>(args: string[], options: O, positionals: string[], more = false) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    // parseArgs's own words ("Unknown option '--x'", "Option '-o, --out <value>' argument missing").
    throw new UsageError((err as Error).message);
  }
  for (const [name, value] of Object.entries(parsed.values)) if (value === "") throw new UsageError(`--${name} needs a value`);
  const given = parsed.positionals;
  if (given.length < positionals.length) throw new UsageError(`missing ${positionals.slice(given.length).join(" and ")}`);
  if (given.length > positionals.length && !more) throw new UsageError(`unexpected argument ${given[positionals.length]}`);
  return { values: parsed.values, positionals: given };
}

const progress = (line: string) => process.stderr.write(line + "\n");

/** Ctrl-C reaches the kernel too (same process group) and interrupts its cell; the run then stops and writes what it has. A second Ctrl-C exits at once. */
function interruptible(): AbortSignal {
  const controller = new AbortController();
  process.on("SIGINT", () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write("\ninterrupting the running cell (Ctrl-C again to quit at once)\n");
    controller.abort();
  });
  return controller.signal;
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      out: { type: "string", short: "o" },
      html: { type: "string" },
      "no-html": { type: "boolean" },
      "allow-errors": { type: "boolean" },
      jobs: { type: "string" },
    },
    ["NB.ipynb"],
    true,
  );
  const allowErrors = values["allow-errors"] === true;
  if (values.jobs !== undefined || positionals.length > 1) {
    if (values.out !== undefined || values.html !== undefined) throw new UsageError("-o and --html name one notebook's outputs: with several notebooks each is written in place, its page beside it");
    const signal = interruptible();
    return book(positionals, values.jobs, (path, onProgress) =>
      runNotebook(path, { out: path, html: values["no-html"] ? undefined : path.replace(/\.ipynb$/i, "") + ".html", allowErrors, onProgress, signal }).then((outcome) => {
        const claims = summarizeClaims(outcome.notebook);
        const ok = (outcome.status === "ok" || (outcome.status === "error" && allowErrors)) && claims.failed === 0;
        const message = [outcome.message, claims.failed ? formatClaimsSummary(claims) : undefined].filter(Boolean).join("\n");
        return { status: ok ? "ok" : "failed", cells: { executed: outcome.executed, total: outcome.total }, claims: { held: claims.passed, failed: claims.failed }, message: message || undefined };
      }),
    );
  }
  const [input] = positionals;
  if (values["no-html"] && values.html !== undefined) throw new UsageError("give --html OUT.html or --no-html, not both");
  const out = values.out ?? input;
  const html = values["no-html"] ? undefined : (values.html ?? out.replace(/\.ipynb$/i, "") + ".html");
  const outcome = await runNotebook(input, { out, html, allowErrors, onProgress: progress, signal: interruptible() });
  const claims = summarizeClaims(outcome.notebook);
  console.log(formatClaimsSummary(claims));
  const allowed = outcome.status === "error" && allowErrors;
  if (outcome.message) console.log(allowed ? `${outcome.message} (run on: --allow-errors)` : `stopped: ${outcome.message}`);
  console.log(`notebook: ${outcome.out}${outcome.status === "died" ? " (incomplete: the kernel died)" : ""}`);
  if (outcome.html) console.log(`html: ${resolve(outcome.html)}`);
  return (outcome.status !== "ok" && !allowed) || claims.failed > 0 ? 1 : 0;
}

async function check(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { jobs: { type: "string" } }, ["NB.ipynb"], true);
  if (values.jobs !== undefined || positionals.length > 1) {
    const signal = interruptible();
    return book(positionals, values.jobs, (path, onProgress) =>
      checkNotebookFile(path, { onProgress, signal }).then(({ result, run: fresh }) => {
        const finished = fresh.status !== "died" && fresh.status !== "interrupted";
        const claims = summarizeClaims(fresh.notebook);
        return {
          status: finished && result.ok ? "ok" : "failed",
          cells: { executed: fresh.executed, total: fresh.total },
          claims: { held: claims.passed, failed: claims.failed },
          message: !finished ? `the fresh run did not finish: ${fresh.message}` : result.ok ? undefined : formatCheck(result, path),
        };
      }),
    );
  }
  const [input] = positionals;
  const { result, run: fresh } = await checkNotebookFile(input, { onProgress: progress, signal: interruptible() });
  if (fresh.status === "died" || fresh.status === "interrupted") {
    console.log(`check: ${input}: the fresh run did not finish: ${fresh.message}`);
    return 1;
  }
  console.log(formatCheck(result, input));
  return result.ok ? 0 : 1;
}

/** Several notebooks, `--jobs` at a time; the table at the end; 1 when any is not ok. */
async function book(paths: string[], jobs: string | undefined, each: (path: string, progress: (line: string) => void) => Promise<Omit<BookRow, "notebook" | "seconds">>): Promise<number> {
  let plan: ReturnType<typeof jobsFor>;
  try {
    plan = jobsFor(jobs, paths.length);
  } catch (err) {
    if (err instanceof JobsError) throw new UsageError(err.message);
    throw err;
  }
  if (plan.note) progress(plan.note);
  const rows = await runBook(paths, { jobs: plan.jobs, each, onProgress: progress });
  console.log(formatBook(rows));
  return rows.every((r) => r.status === "ok") ? 0 : 1;
}

async function exportLab(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { force: { type: "boolean" } }, ["NB.ipynb", "DIR"]);
  const [input, dir] = positionals;
  const done = await exportNotebookFile(input, dir, { force: values.force === true });
  for (const s of done.lab.skipped) console.log(`left out cell ${s.cell}: ${s.reason}`);
  console.log(`exported ${input} to ${dir}: ${Object.keys(done.lab.files).join(", ")}; ${done.lab.benchmarks.length} benchmark${done.lab.benchmarks.length === 1 ? "" : "s"}`);
  console.log(`  cd ${dir} && make escape && make bench`);
  return 0;
}

function install(args: string[]): Promise<number> {
  // dist/bin/goperf.js -> the package root, where install.js lives.
  const here = dirname(fileURLToPath(import.meta.url));
  const script = [join(here, "..", "..", "install.js"), join(here, "..", "install.js")].find((f) => existsSync(f));
  if (!script) {
    process.stderr.write("goperf install: install.js not found next to the package\n");
    return Promise.resolve(2);
  }
  return new Promise((done) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: "inherit" });
    child.on("error", (err) => {
      process.stderr.write(`goperf install: ${err.message}\n`);
      done(1);
    });
    child.on("exit", (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

function benchExport(args: string[]): number {
  const { values, positionals } = parse(args, { out: { type: "string", short: "o" } }, [], true);
  if (positionals.length > 1) throw new UsageError("bench-export takes at most one NAME");
  const [name] = positionals;
  if (name === undefined) {
    const names = listSaved();
    if (names.length === 0) console.log(`no saved runs in ${benchDataDir()} (save one with %bench --save NAME)`);
    for (const n of names) console.log(`${n}\t${join(benchDataDir(), `${n}.txt`)}`);
    return 0;
  }
  if (!SAVE_NAME.test(name)) throw new UsageError(`bench-export: ${name} is not a saved run's name (letters, digits, _ . -)`);
  const run = loadRun(name);
  if (!run) {
    process.stderr.write(`goperf: no saved run ${name} in ${benchDataDir()}; saved: ${listSaved().join(", ") || "none"}\n`);
    return 2;
  }
  const out = values.out;
  if (out) writeFileSync(out, run.text);
  else process.stdout.write(run.text);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== "install" && (rest.includes("--help") || rest.includes("-h"))) {
    console.log(USAGE);
    return 0;
  }
  switch (command) {
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    case "--version":
    case "version":
      console.log(`goperf ${VERSION}`);
      return 0;
    case "run":
      return run(rest);
    case "check":
      return check(rest);
    case "export":
      return exportLab(rest);
    case "install":
      return install(rest);
    case "bench-export":
      return benchExport(rest);
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`goperf: ${err.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    if (err instanceof NotebookError || err instanceof InputError) {
      process.stderr.write(`goperf: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`goperf: ${(err as Error).message ?? err}\n`);
    process.exit(1);
  },
);
