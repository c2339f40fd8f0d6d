// A notebook -> a plain Go lab, like the course chapters' lab/ directories: go.mod, lab.go (the
// declarations, and each cell's statements in main), lab_test.go (the benchmarks, with every
// `%bench F(x)` shorthand written out as the b.Loop benchmark the kernel measured) and a Makefile
// with `escape`, `bench` and `golden`. Cell code is copied byte for byte (comments and //go:
// directives included): the lab must measure what the notebook measured.
//
// Splitting cells into declarations and statements needs a real Go parser: the kernel's own cell
// parser comes in through the CellSplitter interface, so this module stays free of I/O.

import { chooseImports, type Decl, type ImportSpec, type UnitKind } from "../go/compose.js";
import { mergeUnits } from "../go/declarations.js";
import { benchmarkName, isCall, shorthandBenchmark } from "../go/shorthand.js";
import { splitMagics, splitWords } from "../magicline.js";
import { NotebookError, codeCells, joinText, type Notebook } from "./nbformat.js";
import { displayRequirement } from "../go/displaymodule.js";
import { parseSweep, type SweepVar } from "../../magics/sweepspec.js";

export interface SplitUnit {
  kind: UnitKind;
  names: string[];
  line: number;
  col: number;
  text: string;
  imports?: ImportSpec[];
  /** A top-level `x := expr`: the offset of its `:=` (kernel/go/parse.ts). */
  define?: number;
}

/** What export needs from the kernel's cell parser (kernel/go/parse.ts). */
export interface CellSplitter {
  split(source: string): Promise<{ ok: true; units: SplitUnit[] } | { ok: false; error: { line: number; col: number; msg: string } }>;
  /** Package names a Go file refers to (`fmt` in `fmt.Println`). */
  uses(source: string): Promise<string[]>;
}

export interface LabOptions {
  /** The notebook's file name, for the header comments. */
  name: string;
  /** The go.mod `go` line, e.g. "1.26": the language version the kernel compiled with. */
  goLine: string;
  /** Standard packages by name (`rand` -> `math/rand`), to add imports a cell relied on. */
  stdlib: Record<string, string>;
  module?: string;
  /** Where goperf/display lives (kernel/go/display): a lab whose code imports it requires it from there. */
  displayDir?: string;
}

export interface Lab {
  files: { "go.mod": string; "lab.go": string; "lab_test.go": string; Makefile: string };
  /** Cells left out, with why (a stored error, a syntax error). */
  skipped: { cell: number; reason: string }[];
  benchmarks: string[];
}

/** Whether the lab's Go imports goperf/display (outside a notebook its displays are dropped). */
function usesDisplay(source: string): boolean {
  return /^\s*(?:[\w.]+\s+)?"goperf\/display(?:\/[\w/]+)?"$/m.test(source);
}

/** Errors that mean the kernel never took the cell's code into the session. */
const REJECTED = new Set(["CompileError", "SyntaxError", "UsageError", "GoToolchainError"]);
/**
 * %bench options that take a value as the next word. The magic's own option declaration is the
 * source; export cannot import a magic (the notebook tools sit below magics/), so the unit tests
 * hold this set equal to it.
 */
export const BENCH_VALUE_OPTIONS: ReadonlySet<string> = new Set(["count", "benchtime", "cpu", "save", "compare", "go", "profile", "timeout", "sweep", "label"]);

export async function composeLab(nb: Notebook, parser: CellSplitter, options: LabOptions): Promise<Lab> {
  let decls: Decl[] = [];
  let mainDecl: Decl | undefined;
  const blocks: { cell: number; text: string }[] = [];
  const shorthands: { expr: string; cell: number; sweep?: SweepVar[] }[] = [];
  const skipped: Lab["skipped"] = [];
  // Declarations the notebook measured (%bench, %escape, %expect, %predict, %test ran while they
  // were the session's): a later cell redefining one keeps the measured version, renamed.
  const measured = new Set<Decl>();
  const kept: Decl[] = [];

  for (const { cell, index } of codeCells(nb)) {
    const position = index + 1;
    const failed = cell.outputs.find((o) => o.output_type === "error");
    const error = failed?.output_type === "error" ? failed : undefined;
    if (error && REJECTED.has(error.ename)) {
      skipped.push({ cell: position, reason: `the kernel rejected its code (${error.ename}: ${error.evalue})` });
      continue;
    }
    const { code, magics } = splitMagicLines(joinText(cell.source));
    for (const m of magics) {
      if (m.name !== "bench") continue;
      const sweep = sweepOf(m.rest);
      shorthands.push(...benchCalls(m.rest).map((expr) => ({ expr, cell: position, ...(sweep ? { sweep } : {}) })));
    }
    const measures = magics.some((m) => MEASURING.has(m.name));
    if (code.trim() === "") {
      if (measures) for (const d of decls) measured.add(d);
      continue;
    }
    const split = await parser.split(code);
    if (!split.ok) {
      skipped.push({ cell: position, reason: `it does not parse (${split.error.line}:${split.error.col}: ${split.error.msg})` });
      continue;
    }
    // A later cell's declaration replaces an earlier one of the same name, as in the kernel.
    const merged = mergeUnits(decls, split.units, { count: position });
    kept.push(...keepMeasured(decls, merged.decls, measured, { cell: position, blocks, shorthands }));
    decls = merged.decls;
    if (measures) for (const d of decls) measured.add(d);
    mainDecl = merged.mainDecl ?? mainDecl;
    const statements = merged.statements.map((st) => st.text);
    if (statements.length && error) skipped.push({ cell: position, reason: `its statements are left out of main: the stored run ended in ${error.ename}: ${error.evalue}` });
    else if (statements.length) blocks.push({ cell: position, text: statements.join("\n") });
  }

  decls = [...kept, ...decls];
  const taken = new Set(decls.flatMap((d) => d.names));
  const generated = shorthands.map(({ expr, sweep }) => ({ expr, sweep, name: benchmarkName(expr, taken) }));
  const imports = decls.filter((d) => d.kind === "import").flatMap((d) => d.imports ?? []);
  const code = decls.filter((d) => d.kind !== "import");

  // A top-level `x := expr` was a session variable in the kernel: here it is the same package variable.
  const goText = (d: Decl) => (d.define === undefined ? d.text : `var ${d.text.slice(0, d.define).trimEnd()} =${d.text.slice(d.define + 2)}`);
  const mainParts = code.filter((d) => !d.test).map(goText);
  const runner = blocks.length ? blocks.map((b) => `\t// cell ${b.cell}\n\t{\n${b.text}\n\t}`).join("\n") : "";
  if (mainDecl) {
    mainParts.push(mainDecl.text);
    // The notebook declared its own main: the cells' statements are kept, uncalled, for reference.
    if (runner) mainParts.push(`// notebookCells holds the statements of the notebook's cells; the notebook declares its own main.\nfunc notebookCells() {\n${runner}\n}`);
  } else mainParts.push(`// main runs the statements of the notebook's cells, one block per cell, in order.\nfunc main() {\n${runner}${runner ? "\n" : ""}}`);
  const mainBody = mainParts.join("\n\n") + "\n";

  const testParts = code.filter((d) => d.test).map((d) => d.text);
  for (const g of generated) testParts.push(g.sweep ? sweepBenchmark(g.name, g.expr, g.sweep) : shorthandBenchmark(g));
  const testBody = testParts.length ? testParts.join("\n\n") + "\n" : "";

  const header = (what: string) => `// ${what}\n// Exported from ${options.name} by goperf export.\n\npackage main\n\n`;
  const labGo = header("The notebook's declarations; main runs its cells' statements.") + importBlock(imports, await parser.uses(`package main\n\n${mainBody}`), options.stdlib) + mainBody;
  const labTest = testBody
    ? header("The notebook's benchmarks, and each %bench shorthand as the b.Loop benchmark the kernel ran.") +
      importBlock(imports, await parser.uses(`package main\n\n${testBody}`), options.stdlib) +
      testBody
    : header("The notebook defines no benchmarks.").trimEnd() + "\n";
  const benchmarks = [...code.filter((d) => d.test && d.names[0]?.startsWith("Benchmark")).map((d) => d.names[0]), ...generated.map((g) => g.name)];
  return {
    files: {
      "go.mod": `module ${options.module ?? "lab"}\n\ngo ${options.goLine}\n${usesDisplay(labGo + labTest) && options.displayDir ? displayRequirement(options.displayDir) : ""}`,
      "lab.go": labGo,
      "lab_test.go": labTest,
      Makefile: makefile(options.name),
    },
    skipped,
    benchmarks,
  };
}

/** The magics whose results are measurements of the code the session held when they ran. */
const MEASURING = new Set(["bench", "escape", "expect", "predict", "test"]);

/**
 * The measured declarations a cell replaces with different code, kept beside their replacements
 * as `NAME_cellN` (N: the cell that defined them), with the %bench shorthands measured in between
 * rewritten to call them: the lab measures both versions, as the notebook did. Where renaming
 * cannot be done safely (a method; other code of that time calling the old version) export
 * refuses, naming the redefinition.
 */
function keepMeasured(
  before: readonly Decl[],
  after: readonly Decl[],
  measured: ReadonlySet<Decl>,
  at: { cell: number; blocks: readonly { cell: number; text: string }[]; shorthands: { expr: string; cell: number }[] },
): Decl[] {
  const now = new Set(after);
  const out: Decl[] = [];
  for (const old of before) {
    if (now.has(old) || !measured.has(old) || (old.kind !== "func" && old.kind !== "method")) continue;
    const name = old.names[0];
    const replacement = after.find((d) => d.kind === old.kind && d.names[0] === name);
    if (!replacement || replacement.text === old.text) continue;
    const where = `${old.kind === "method" ? "method" : "function"} ${name} of cell ${old.cell} is redefined by cell ${at.cell} after the notebook measured it`;
    if (old.kind === "method") throw new NotebookError(`cannot export: ${where}; export would merge the two versions (rename one of them in the notebook)`);
    const renamed = `${name}_cell${old.cell}`;
    const uses = new RegExp(`\\b${name}\\b`);
    const callers = [
      ...before.filter((d) => d !== old && d.cell > old.cell && now.has(d) && uses.test(d.text)).map((d) => `${d.names[0] ?? d.kind} (cell ${d.cell})`),
      ...at.blocks.filter((b) => b.cell > old.cell && uses.test(b.text)).map((b) => `the statements of cell ${b.cell}`),
    ];
    if (callers.length) throw new NotebookError(`cannot export: ${where}, and ${callers.join(", ")} used the old version; export would merge the two versions`);
    for (const s of at.shorthands) {
      if (s.cell >= old.cell && new RegExp(`^${name}\\s*[(\\[]`).test(s.expr)) s.expr = renamed + s.expr.slice(name.length);
    }
    const note = `// ${name} as cell ${old.cell} defined it, measured before cell ${at.cell} redefined it (renamed ${renamed} by goperf export).\n`;
    out.push({ ...old, key: `name ${renamed}`, names: [renamed], text: note + renameIdent(old.text, name, renamed) });
  }
  return out;
}

/**
 * `from` -> `to` wherever it is an identifier in Go code: comments and string literals are left
 * as they are (they stay byte for byte). Hand-written: there is no Go tokenizer for TypeScript, and
 * these four lexical forms are all an identifier can hide in.
 */
export function renameIdent(text: string, from: string, to: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const skip = /^(\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\\n]|\\.)*"|`[^`]*`|'(?:[^'\\\n]|\\.)*')/.exec(rest);
    if (skip) {
      out += skip[0];
      i += skip[0].length;
      continue;
    }
    const ident = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(rest);
    if (ident) {
      const prev = out[out.length - 1] ?? "";
      out += ident[0] === from && prev !== "." ? to : ident[0];
      i += ident[0].length;
      continue;
    }
    out += text[i++];
  }
  return out;
}

/** Magic lines blanked, as the kernel does (kernel/magicline.ts), so lines keep their numbers. */
export const splitMagicLines = splitMagics;

/** A `%bench --sweep VAR=VALUES` line's variables (the kernel's parser); undefined without --sweep or when it did not parse. */
function sweepOf(rest: string): SweepVar[] | undefined {
  const words = splitWords(rest);
  const i = words.findIndex((w) => /^--?sweep(=|$)/.test(w));
  if (i < 0) return undefined;
  const spec = words[i].includes("=") ? words[i].slice(words[i].indexOf("=") + 1) : words[i + 1];
  try {
    return spec === undefined ? undefined : parseSweep(spec);
  } catch {
    return undefined;
  }
}

/** A swept shorthand as the kernel runs it (magics/sweepspec.ts: one b.Run per size), without its line directives. */
function sweepBenchmark(name: string, expr: string, vars: readonly SweepVar[]): string {
  const tabs = (d: number) => "\t".repeat(d);
  let body = "";
  vars.forEach((v, i) => {
    body += `${tabs(1 + 2 * i)}for i${i}, ${v.name} := range []int{${v.values.join(", ")}} {\n`;
    body += `${tabs(2 + 2 * i)}b.Run([]string{${v.values.map((x) => `"${v.name}=${x}"`).join(", ")}}[i${i}], func(b *testing.B) {\n`;
  });
  const d = 1 + 2 * vars.length;
  // As the kernel writes it: a variable the call does not use is still no error.
  for (const v of vars) body += `${tabs(d)}_ = ${v.name}\n`;
  body += `${tabs(d)}for b.Loop() {\n${tabs(d + 1)}${expr}\n${tabs(d)}}\n`;
  for (let i = vars.length - 1; i >= 0; i--) body += `${tabs(2 + 2 * i)}})\n${tabs(1 + 2 * i)}}\n`;
  return `func ${name}(b *testing.B) {\n${body}}`;
}

/** The call expressions of a `%bench` line (`%bench --count 10 F(1<<20) G(x)` -> F(1<<20), G(x)). */
export function benchCalls(rest: string): string[] {
  const words = splitWords(rest);
  const calls: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const option = /^--?([\w-]+)(=.*)?$/.exec(words[i]);
    if (option) {
      if (!option[2] && BENCH_VALUE_OPTIONS.has(option[1])) i++;
      continue;
    }
    if (isCall(words[i])) calls.push(words[i]);
  }
  return calls;
}

/** The declared imports a file uses, then standard packages it uses without importing; gofmt's layout. */
export function importBlock(declared: ImportSpec[], used: string[], stdlib: Record<string, string>): string {
  // The kernel's choice (compose.ts); a lab needs no positions, and gofmt's order.
  const specs = chooseImports(declared.map((i) => ({ ...i, cell: 0, line: 0 })), used, stdlib)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((i) => `${i.name ? i.name + " " : ""}${JSON.stringify(i.path)}`);
  if (specs.length === 0) return "";
  if (specs.length === 1) return `import ${specs[0]}\n\n`;
  return `import (\n${specs.map((s) => `\t${s}\n`).join("")})\n\n`;
}

export function makefile(name: string): string {
  return `# ${name} as a plain Go lab (goperf export).
#   make escape   the compiler's escape and inlining decisions, with reasons
#   make bench    the benchmarks: allocs/op is a fact about a Go version; ns/op and B/op are representative
#   make golden   both, saved under golden/ with the Go version, to compare later runs against

.PHONY: escape bench golden

escape:
\tgo build -gcflags='-m=2' ./...

bench:
\tgo test -bench=. -benchmem -count=6 .

golden:
\tmkdir -p golden
\tgo version > golden/go-version.txt
\tgo build -gcflags='-m=2' ./... 2> golden/escape.txt
\tgo test -run='^$$' -bench=. -benchmem -count=6 . > golden/bench.txt
`;
}
