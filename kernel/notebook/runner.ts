// Notebooks driven from the command line. `run`: every code cell in order in a fresh goperf kernel,
// outputs stored as Jupyter stores them, the executed notebook (and its HTML page) written. `check`:
// a fresh execution compared with what the notebook stores. `export`: the notebook as a Go lab,
// split with the kernel's own cell parser.

import { mkdir, readdir, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { CellParser } from "../go/parse.js";
import { detectToolchain, run } from "../go/toolchain.js";
import { cacheDir, goLineFor } from "../go/workspace.js";
import { KernelClient } from "../client/client.js";
import type { Message } from "../protocol.js";
import { checkNotebook, type CheckResult } from "./check.js";
import { composeLab, type Lab } from "./export.js";
import { displayModule } from "../go/displaymodule.js";
import { notebookToHtml } from "./html.js";
import { InputError, checkDirWritable, checkWritable, readNotebookFile, writeAtomically } from "./files.js";
import { KERNELSPEC, codeCells, joinText, serializeNotebook, withCellIds, type ErrorOutput, type LanguageInfoMetadata, type Notebook } from "./nbformat.js";
import { DisplayRegistry, OutputCollector } from "./outputs.js";

export interface ExecuteOptions {
  /** Keep running after a cell fails (its error is stored either way). */
  allowErrors?: boolean;
  /** One line per cell: `[3/24] cell 5 ok 0.4s`. */
  onProgress?: (line: string) => void;
  /** The kernel's environment (defaults to this process's). */
  env?: NodeJS.ProcessEnv;
  /** The kernel's entry point (defaults to the bundle, dist/bundle/kernel.cjs). */
  kernelMain?: string;
  /** Aborting interrupts the running cell and stops the run after it. */
  signal?: AbortSignal;
  /** Where the kernel's own log goes (its stderr); kept for error messages either way. */
  onKernelLog?: (text: string) => void;
  /**
   * The kernel's working directory: the notebook's own, as Jupyter starts kernels, so that a path
   * a cell gives relative to the notebook (%use ./pkg) means the same here. Default: this process's.
   */
  cwd?: string;
}

export interface RunOptions extends ExecuteOptions {
  /** Where the executed notebook goes; nothing is written without it. */
  out?: string;
  /** Where its HTML page goes. */
  html?: string;
}

export interface CellFailure {
  /** 1-based position among the notebook's cells. */
  cell: number;
  ename: string;
  evalue: string;
}

export interface RunOutcome {
  notebook: Notebook;
  /** ok: every cell ran without error; error: a cell failed; died: the kernel died; interrupted: stopped by the signal. */
  status: "ok" | "error" | "died" | "interrupted";
  /** The cell errors, in order (several only with allowErrors). */
  errors: CellFailure[];
  /** Code cells executed / to execute. */
  executed: number;
  total: number;
  /** What went wrong, in words, when status is not ok. */
  message?: string;
  out?: string;
  html?: string;
}

/** `runNotebook(path, {out, html})`: validate, check the outputs can be written, execute, write. */
export async function runNotebook(path: string, options: RunOptions = {}): Promise<RunOutcome> {
  const nb = await readNotebookFile(path);
  if (options.out) await checkWritable(options.out, "notebook");
  if (options.html) await checkWritable(options.html, "HTML page");
  if (options.out && options.html && resolve(options.out) === resolve(options.html)) throw new InputError(`the notebook and its HTML page would both be written to ${options.out}`);
  const outcome = await executeNotebook(nb, { cwd: dirname(resolve(path)), ...options });
  if (options.out) {
    await writeAtomically(options.out, serializeNotebook(outcome.notebook));
    outcome.out = options.out;
  }
  if (options.html) {
    await writeAtomically(options.html, notebookToHtml(outcome.notebook, { title: titleFor(outcome.notebook, path) }));
    outcome.html = options.html;
  }
  return outcome;
}

/** Executes every code cell of `input` in a fresh kernel; returns the executed copy (nothing is written). */
export async function executeNotebook(input: Notebook, options: ExecuteOptions = {}): Promise<RunOutcome> {
  const progress = options.onProgress ?? (() => undefined);
  const nb = withCellIds(input);
  const todo = codeCells(nb).filter(({ cell }) => joinText(cell.source).trim() !== "");
  for (const { cell } of codeCells(nb)) {
    cell.outputs = [];
    cell.execution_count = null;
  }
  const outcome: RunOutcome = { notebook: nb, status: "ok", errors: [], executed: 0, total: todo.length };

  let client: KernelClient;
  try {
    client = await KernelClient.launch({ env: options.env, kernelMain: options.kernelMain, onKernelLog: options.onKernelLog, cwd: options.cwd });
  } catch (err) {
    throw new Error(`could not start the goperf kernel: ${(err as Error).message.trim()}`);
  }
  try {
    const info = await client.request("shell", "kernel_info_request", {});
    const languageInfo = (info.reply.content as { language_info?: LanguageInfoMetadata }).language_info;
    nb.metadata = { ...nb.metadata, kernelspec: { ...KERNELSPEC }, ...(languageInfo ? { language_info: languageInfo } : {}) };
    delete nb.metadata.goperf;

    const displays = new DisplayRegistry();
    const died = client.waitForExit().then((code) => ({ died: true as const, code }));
    const onAbort = () => void client.request("control", "interrupt_request", {}).catch(() => undefined);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for (const [k, { cell, index }] of todo.entries()) {
        if (options.signal?.aborted) {
          outcome.status = "interrupted";
          outcome.message = `interrupted before cell ${index + 1}`;
          break;
        }
        const label = `[${k + 1}/${todo.length}] cell ${index + 1}`;
        const collector = new OutputCollector(displays);
        cell.outputs = collector.outputs;
        const started = Date.now();
        const result = await Promise.race([
          client.execute(joinText(cell.source), { cellId: cell.id, onIopub: (m) => collector.add(m) }),
          died,
        ]);
        const took = seconds(Date.now() - started);
        if ("died" in result) {
          const reason = `the kernel died while running cell ${index + 1} (${result.code === null ? "killed by a signal" : `exit code ${result.code}`})`;
          const tail = client.kernelLog.trimEnd().split("\n").slice(-10).filter(Boolean);
          cell.outputs.push({ output_type: "error", ename: "KernelDied", evalue: reason, traceback: [reason, ...tail] });
          nb.metadata.goperf = { incomplete: true, failed_cell: index + 1, failed_cell_id: cell.id, reason };
          outcome.status = "died";
          outcome.errors.push({ cell: index + 1, ename: "KernelDied", evalue: reason });
          outcome.message = reason + (tail.length ? `; the kernel's last words:\n  ${tail.join("\n  ")}` : "");
          progress(`${label} kernel died ${took}`);
          break;
        }
        outcome.executed++;
        const reply = result.reply.content as { status?: string; execution_count?: number; ename?: string; evalue?: string; traceback?: string[] };
        cell.execution_count = typeof reply.execution_count === "number" ? reply.execution_count : executionCountOf(result.iopub);
        if (reply.status !== "error") {
          progress(`${label} ok ${took}`);
          continue;
        }
        let error = cell.outputs.find((o): o is ErrorOutput => o.output_type === "error");
        if (!error) {
          // The kernel always publishes the error; should one ever be missing, keep the reply's.
          error = { output_type: "error", ename: reply.ename ?? "Error", evalue: reply.evalue ?? "", traceback: reply.traceback ?? [] };
          cell.outputs.push(error);
        }
        outcome.errors.push({ cell: index + 1, ename: error.ename, evalue: error.evalue });
        progress(`${label} error ${took}: ${error.ename}: ${firstLine(error.evalue)}`);
        if (options.signal?.aborted) {
          outcome.status = "interrupted";
          outcome.message = `interrupted in cell ${index + 1}`;
          break;
        }
        if (outcome.status === "ok") outcome.status = "error";
        if (!options.allowErrors) {
          outcome.message = `cell ${index + 1} failed: ${error.ename}: ${firstLine(error.evalue)}`;
          break;
        }
      }
      if (outcome.status === "error" && options.allowErrors) outcome.message = `${outcome.errors.length} cell${outcome.errors.length > 1 ? "s" : ""} failed`;
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
    }
  } finally {
    await client.close().catch(() => undefined);
  }
  return outcome;
}

export interface CheckOutcome {
  result: CheckResult;
  run: RunOutcome;
}

/** Executes the notebook afresh (nothing is written) and compares it with what it stores. */
export async function checkNotebookFile(path: string, options: ExecuteOptions = {}): Promise<CheckOutcome> {
  const stored = withCellIds(await readNotebookFile(path));
  const run = await executeNotebook(stored, { cwd: dirname(resolve(path)), ...options, allowErrors: true });
  return { result: checkNotebook(stored, run.notebook), run };
}

export interface ExportOptions {
  /** Overwrite lab files already in DIR. */
  force?: boolean;
  env?: NodeJS.ProcessEnv;
  goBinary?: string;
}

/** Writes DIR/go.mod, lab.go, lab_test.go and Makefile; gofmt lays the Go files out when it is there. */
export async function exportNotebookFile(path: string, dir: string, options: ExportOptions = {}): Promise<{ lab: Lab; dir: string; formatted: boolean }> {
  const nb = await readNotebookFile(path);
  const existing = await stat(dir).catch(() => null);
  if (existing && !existing.isDirectory()) throw new InputError(`cannot export to ${dir}: it is a file, not a directory`);
  if (existing) {
    const present = await readdir(dir);
    const clash = LAB_FILES.filter((f) => present.includes(f));
    if (clash.length && !options.force) throw new InputError(`${dir} already holds ${clash.join(", ")}; give --force to overwrite`);
    await checkDirWritable(dir, `cannot export to ${dir}`);
  } else await checkDirWritable(dirname(resolve(dir)), `cannot create ${dir}`);

  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), GOTOOLCHAIN: "local", GOWORK: "off" };
  const toolchain = await detectToolchain(options.goBinary ?? "go", env);
  if (!toolchain.ok) throw new Error(`export needs the Go toolchain to split cells: ${toolchain.problem}`);
  const go = toolchain.info;
  const parser = await CellParser.start({ goBinary: go.binary, cacheDir: cacheDir(env), env });
  let lab: Lab;
  try {
    const stdlib = await parser.stdlib(go.goroot);
    lab = await composeLab(nb, parser, { name: basename(path), goLine: goLineFor(go.version), stdlib, displayDir: displayModule()?.dir });
  } finally {
    await parser.close();
  }
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(lab.files)) await writeAtomically(join(dir, name), text);
  const gofmt = join(go.goroot, "bin", "gofmt");
  const formatted = await run(gofmt, ["-w", join(dir, "lab.go"), join(dir, "lab_test.go")], { env, capture: true })
    .then((r) => r.code === 0)
    .catch(() => false);
  return { lab, dir, formatted };
}

const LAB_FILES = ["go.mod", "lab.go", "lab_test.go", "Makefile"];

export function titleFor(nb: Notebook, path: string): string | undefined {
  return nb.cells.some((c) => c.cell_type === "markdown" && /^ {0,3}#{1,6}[ \t]/m.test(joinText(c.source))) ? undefined : basename(path).replace(/\.ipynb$/i, "");
}

function executionCountOf(iopub: Message[]): number | null {
  const input = iopub.find((m) => m.header.msg_type === "execute_input");
  const count = (input?.content as { execution_count?: unknown } | undefined)?.execution_count;
  return typeof count === "number" ? count : null;
}

function firstLine(text: string): string {
  const line = text.split("\n")[0];
  return line.length > 200 ? line.slice(0, 200) + "…" : line;
}

export function seconds(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, "0")}s`;
}
