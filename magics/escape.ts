// %escape: the compiler's escape and inlining decisions, annotated on the cell's own source.
// The code is compiled with -m=2 (never linked); every message about cell code is kept, in the
// compiler's words; messages about the kernel's generated code are dropped by their file name.

import { cellOf, parseCompilerOutput } from "../kernel/go/diagnostics.js";
import { declaredName, knownFunc, spellings } from "../kernel/go/funcnames.js";
import type { Decl } from "../kernel/go/compose.js";
import type { BuildResult, Candidate, CellError } from "../kernel/session.js";
import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { renderEscape } from "../renderers/escape.js";
import { UsageError, type Parsed } from "./args.js";
import { compileError } from "./dispatcher.js";
import { compareDecisions } from "./escapecompare.js";
import { GO_OPTION, builtWith, resolveReleases } from "./go.js";
import type { EscapeDiagnostic, EscapeReport } from "../kernel/reports/index.js";
import type { Magic, MagicContext } from "./types.js";

export const escape: Magic = {
  name: "escape",
  summary: "Show the compiler's escape-analysis and inlining decisions on the cell's source (go build -gcflags=-m=2).",
  usage:
    "Put %escape on the first line of a cell of Go code: the code joins the session like any cell and is compiled\n" +
    "(not run) with the compiler's decision reporting. %escape alone shows the decisions for every cell.",
  options: [
    { name: "why", type: "flag", description: "show the -m=2 explanations: flow chains and inlining costs" },
    { name: "no-inline", type: "flag", description: "compile with -l (no inlining), to isolate a function's own decisions" },
    { name: "only", type: "enum", values: ["heap", "inline", "all"], default: "all", description: "which decisions to show" },
    { name: "func", type: "string", value: "NAME", description: "only the decisions inside function NAME: Counter.Inc or (*Counter).Inc, SumSquares or SumSquares[go.shape.int], MakeCounter.func1" },
    { name: "pkg", type: "string", value: "IMPORTPATH", description: "the decisions about a package the session imports (a %use module's, a third-party one), on its files' lines" },
    { ...GO_OPTION, description: "compile with release A (1.22.12, local, or a path to go); A,B: with both, compared (- only A, + only B)" },
  ],
  details:
    "--go A,B compiles the same code with both releases, A first, and matches their decisions by cell, line and\n" +
    "the compiler's words (not by column: releases move where they point within a line); inlining costs do not\n" +
    "count as a difference. The scratch module's go line is the older release's, so only the compiler differs.",
  takesCode: true,
  async run(ctx, parsed) {
    const result = await escapeReport(ctx, parsed);
    if ("ename" in result) return result;
    ctx.state.set("escape:last", result);
    ctx.sink.display(renderEscape(result));
    return null;
  },
};

const IMPORT_PATH = /^[A-Za-z0-9][A-Za-z0-9._~\/-]*$/;

export function gcflagsFor(options: Parsed["options"]): string[] {
  return options["no-inline"] ? ["-m=2", "-l"] : ["-m=2"];
}

/** Compiles the session with the cell's code and returns the decisions about the chosen cells. */
export async function escapeReport(ctx: MagicContext, parsed: Parsed): Promise<EscapeReport | CellError> {
  const { session } = ctx;
  const onlyThisCell = ctx.code.trim() !== "";
  if (parsed.options.pkg !== undefined && !IMPORT_PATH.test(String(parsed.options.pkg))) {
    throw new UsageError(`%escape: --pkg ${parsed.options.pkg}: not an import path (like example.com/mine/calc)`, escape);
  }
  if (parsed.options.pkg !== undefined && parsed.options.go !== undefined) {
    throw new UsageError("%escape: --pkg shows one package's decisions under the session's toolchain; it does not combine with --go", escape);
  }
  const staged = await session.stage(ctx.code, ctx.cell, { progress: (t) => ctx.sink.stream("stderr", t), signal: ctx.signal });
  if ("ename" in staged) return staged;
  const flags = gcflagsFor(parsed.options);
  // --go: one release, or two compared (A then B); otherwise the session's toolchain.
  const releases = parsed.options.go === undefined ? undefined : await resolveReleases(ctx, String(parsed.options.go), "%escape --go");
  if (releases && !Array.isArray(releases)) return releases;
  const outputs: string[] = [];
  const builds: BuildResult[] = [];
  for (const toolchain of releases ?? [undefined]) {
    const compiled = await session.compile(staged, flags, ctx.signal, { toolchain, alongside: releases });
    if (!compiled.ok) return releases ? builtWith(compileError(compiled.output), toolchain!.version) : compileError(compiled.output);
    outputs.push(compiled.output);
    builds.push(compiled);
  }
  const pkg = parsed.options.pkg as string | undefined;
  const packageFiles = pkg === undefined ? undefined : await packageDecisions(ctx, staged, pkg, flags);
  if (packageFiles && "ename" in packageFiles) return packageFiles;
  if (onlyThisCell) session.commit(staged, ...builds);

  const cells = onlyThisCell ? [{ cell: ctx.cell.count, source: ctx.cell.source }] : pkg !== undefined ? [] : session.liveCells().map((c) => ({ cell: c.count, source: c.source }));
  const wanted = new Set(cells.map((c) => c.cell));
  const decls = staged.decls;
  const decisions = (output: string) => decisionsIn(output, decls).filter((d) => wanted.has(d.cell));
  const diagnostics = decisions(outputs[outputs.length - 1]);
  const func = parsed.options.func as string | undefined;
  if (func !== undefined && pkg === undefined) checkFunc(func, decls, cells.map((c) => c.cell), diagnostics);
  const report: EscapeReport = {
    go_version: releases ? releases[releases.length - 1].version : session.go!.version,
    flags,
    cells,
    diagnostics,
    view: { why: Boolean(parsed.options.why), only: (parsed.options.only as "heap" | "inline" | "all") ?? "all", func },
  };
  if (packageFiles) {
    report.files = packageFiles.files;
    report.diagnostics.push(...packageFiles.diagnostics);
  }
  if (releases?.length === 2) report.comparison = compareDecisions(decisions(outputs[0]), diagnostics, [releases[0].version, releases[1].version]);
  return report;
}

/**
 * %escape --pkg: the package compiled with the same flags; its decisions named by file, as
 * -trimpath would name the file (IMPORTPATH/name.go), with each file's source as on disk.
 */
async function packageDecisions(ctx: MagicContext, staged: Candidate, pkg: string, flags: string[]): Promise<{ files: { file: string; source: string }[]; diagnostics: EscapeDiagnostic[] } | CellError> {
  const compiled = await ctx.session.compilePackage(staged, pkg, flags, ctx.signal);
  if (!compiled.ok) {
    const lines = compiled.output.split("\n").filter((l) => l.trim() !== "");
    const head = `%escape --pkg ${pkg}: the package does not build in this session (a %use module's or a required module's package builds)`;
    return { ename: "CompileError", evalue: head, traceback: [head, ...lines] };
  }
  const names = new Map<string, { file: string; funcs: FuncSpan[] }>();
  const files: { file: string; source: string }[] = [];
  const diagnostics: EscapeDiagnostic[] = [];
  for (const d of parseCompilerOutput(compiled.output).diagnostics) {
    if (cellOf(d.file) !== undefined) continue;
    const path = resolve(ctx.session.workspace.dir, d.file);
    let known = names.get(path);
    if (known === undefined) {
      known = { file: `${pkg}/${basename(path)}`, funcs: [] };
      names.set(path, known);
      const source = await readFile(path, "utf8").catch(() => undefined);
      if (source !== undefined) {
        files.push({ file: known.file, source });
        known.funcs = await funcSpans(ctx, source);
      }
    }
    const func = d.func ?? known.funcs.find((f) => d.line >= f.from && d.line <= f.to)?.name;
    diagnostics.push({ cell: 0, file: known.file, line: d.line, col: d.col, kind: d.kind, message: d.message, func, explanation: d.explanation });
  }
  return { files, diagnostics };
}

interface FuncSpan {
  name: string;
  from: number;
  to: number;
}

/**
 * The functions of a package file and the lines they span, read by the kernel's Go parser (the
 * package clause blanked, so lines keep their numbers): a decision's function, as for cell code.
 */
async function funcSpans(ctx: MagicContext, source: string): Promise<FuncSpan[]> {
  const split = await ctx.session.split(source.replace(/^package\s+\w+/m, "")).catch(() => null);
  if (!split?.ok) return [];
  return split.units
    .filter((u) => u.kind === "func" || u.kind === "method")
    .map((u) => ({ name: u.names[0], from: u.line, to: u.line + u.text.split("\n").length - 1 }));
}

/** The compiler's decisions about cell code (the kernel's generated code is left out), with their functions. */
export function decisionsIn(output: string, decls: readonly Decl[]): EscapeDiagnostic[] {
  const diagnostics: EscapeDiagnostic[] = [];
  const parsed = parseCompilerOutput(output).diagnostics;
  // The compiler's name of each declaration, read from its inlining verdict (printed at -m=2 for
  // every function, at the declaration's line): "(*Counter).Inc" for the declared "Counter.Inc".
  const spelled = new Map<string, Set<string>>();
  for (const d of parsed) {
    const cell = cellOf(d.file);
    if (cell === undefined || d.func === undefined || !verdict(d)) continue;
    const declared = enclosingFunc(decls, cell, d.line);
    if (declared === undefined || declaredName(d.func) !== declared) continue;
    const names = spelled.get(declared) ?? new Set<string>();
    names.add(d.func);
    spelled.set(declared, names);
  }
  for (const d of parsed) {
    const cell = cellOf(d.file);
    if (cell === undefined) continue;
    const declared = enclosingFunc(decls, cell, d.line) ?? (d.func === undefined ? undefined : declaredName(d.func));
    const only = declared === undefined ? undefined : spelled.get(declared);
    const func = d.func ?? (only?.size === 1 ? [...only][0] : declared);
    const diagnostic: EscapeDiagnostic = { cell, line: d.line, col: d.col, kind: d.kind, message: d.message, func, explanation: d.explanation };
    if (declared !== undefined) diagnostic.declared = declared;
    diagnostics.push(diagnostic);
  }
  return diagnostics;
}

function verdict(d: { kind: string; message: string }): boolean {
  return d.kind === "caninline" || (d.kind === "cannotinline" && !/^cannot inline \S+ into /.test(d.message));
}

/** The session's declared functions and methods ("Counter.Inc"), for name checks. */
export function declaredFuncs(decls: readonly Decl[], cells?: readonly number[]): string[] {
  return decls.filter((d) => (d.kind === "func" || d.kind === "method") && (!cells || cells.includes(d.cell))).map((d) => d.names[0]);
}

/** The function whose source spans the line: the name a reader would look for. */
export function enclosingFunc(decls: readonly Decl[], cell: number, line: number): string | undefined {
  for (const d of decls) {
    if (d.cell !== cell || (d.kind !== "func" && d.kind !== "method")) continue;
    const end = d.line + d.text.split("\n").length - 1;
    if (line >= d.line && line <= end) return d.names[0];
  }
  return undefined;
}

function checkFunc(func: string, decls: readonly Decl[], cells: number[], diagnostics: readonly EscapeDiagnostic[]): void {
  const funcs = declaredFuncs(decls, cells);
  if (!knownFunc(func, funcs, diagnostics)) {
    const known = spellings(funcs, diagnostics);
    throw new UsageError(`%escape: --func ${func}: no such function in ${cells.length === 1 ? "this cell" : "the session"}; the functions are: ${known.join(", ") || "none"}`, escape);
  }
}

