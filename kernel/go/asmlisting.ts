// Reads the compiler's assembly listing (go build -gcflags=-S) into functions and instructions.
//
// Why -S of the real build and not `go tool objdump` of the binary: -S is the compiler's own
// listing of the same compilation the session does (no link needed, so it is faster and works for
// any GOARCH the compiler targets), every instruction carries the position of the line table the
// binary will carry (with the kernel's //line directives it prints "cell[3]:4[/abs/main.go:9]"),
// and the go command's cache replays it. objdump would need a linked binary (the whole runtime
// disassembled, a link per view) and says the same positions.
//
// Nothing is rewritten: each instruction keeps the compiler's text; only the hex dump and
// relocation lines that follow each function are left out (they are not instructions).

import type { AsmFunction, AsmInstruction } from "../reports/asm.js";

const HEADER = /^(\S+) STEXT\b.*?\bsize=(\d+)/;
// "\t0x0005 00005 (cell[3]:3[/tmp/x/main.go:6])\tXORL\tCX, CX"
const INSTRUCTION = /^\t0x[0-9a-f]+ (\d{5}) \(([^\t]*)\)\t(.*)$/;
const CELL_POS = /^cell\[(\d+)\]:(\d+)(?:\[.*\])?$/;
const PSEUDO = new Set(["TEXT", "FUNCDATA", "PCDATA"]);

export interface Listing {
  symbol: string;
  size: number;
  instructions: AsmInstruction[];
}

/** Every function in the listing, in the compiler's order, with its instructions as printed. */
export function parseListing(text: string): Listing[] {
  const out: Listing[] = [];
  let current: Listing | null = null;
  for (const line of text.split("\n")) {
    const head = HEADER.exec(line);
    if (head) {
      current = { symbol: head[1], size: Number(head[2]), instructions: [] };
      out.push(current);
      continue;
    }
    if (!line.startsWith("\t")) {
      // Another symbol (data, type descriptors) or the go command's "# pkg" line.
      current = null;
      continue;
    }
    const m = current && INSTRUCTION.exec(line);
    if (!m) continue;
    const [, pc, pos, text] = m;
    const op = text.split("\t")[0];
    const at = CELL_POS.exec(pos);
    current!.instructions.push({
      pc: Number(pc),
      pos,
      ...(at ? { cell: Number(at[1]), line: Number(at[2]) } : {}),
      text,
      op,
      pseudo: PSEUDO.has(op),
    });
  }
  return out;
}

/** "main.(*T).M" → "(*T).M"; null for symbols outside package main (wrappers, runtime). */
export function readerName(symbol: string): string | null {
  return symbol.startsWith("main.") ? symbol.slice("main.".length) : null;
}

/** The declaration a function's code comes from: (*T).M → T.M, F[go.shape.int] → F, F.func1 → F. */
export function declName(name: string): string {
  let n = name.replace(/\[.*?\]/g, "");
  const ptr = /^\(\*(.+?)\)\.(.+)$/.exec(n);
  if (ptr) n = `${ptr[1]}.${ptr[2]}`;
  return n.replace(/(\.func\d+|\.gowrap\d+|\.deferwrap\d+)+(\.\d+)*$/, "");
}

/**
 * The cell's functions from a listing: only those whose code starts in a cell (the kernel's
 * generated code and the compiler's wrappers are left out). `funcAt` names the declaration a cell
 * line is in; an instruction from another declaration's lines, or from a file outside the cells,
 * is marked inlined with where it came from.
 */
export function cellFunctions(listings: readonly Listing[], funcAt: (cell: number, line: number) => string | undefined): AsmFunction[] {
  const out: AsmFunction[] = [];
  for (const l of listings) {
    const name = readerName(l.symbol);
    const first = l.instructions[0];
    if (!name || first?.cell === undefined) continue;
    const own = declName(name);
    const instructions = l.instructions.map((i) => {
      const from = inlinedFrom(i, own, funcAt);
      return from ? { ...i, inlined: from } : i;
    });
    out.push({
      name,
      symbol: l.symbol,
      cell: first.cell,
      line: first.line,
      size: l.size,
      count: instructions.filter((i) => !i.pseudo).length,
      instructions,
    });
  }
  return out;
}

function inlinedFrom(i: AsmInstruction, own: string, funcAt: (cell: number, line: number) => string | undefined): string | undefined {
  if (i.cell !== undefined) {
    const at = funcAt(i.cell, i.line!);
    return at !== undefined && at !== own ? at : undefined;
  }
  if (i.pos.startsWith("<")) return undefined;
  // A file outside the cells: the standard library's (or a module's) code inlined here.
  const file = i.pos.replace(/\[.*\]$/, "");
  const src = file.lastIndexOf("/src/");
  return src >= 0 ? file.slice(src + "/src/".length) : file;
}

/** The function a --func NAME means: its name as the reader or the compiler writes it. */
export function matchesFunc(name: string, wanted: string): boolean {
  if (name === wanted || name.startsWith(`${wanted}[`)) return true;
  const w = wanted.replace(/^main\./, "");
  return name === w || declName(name) === w.replace(/^\(\*(.+?)\)\./, "$1.") && !/\.func\d+$/.test(name);
}
