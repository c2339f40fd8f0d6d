// %asm's report: the generated code of the cell's functions, each instruction with the source
// position the compiler's line table gives it. Published schema
// (application/vnd.goperf.asm.v1+json, see README).

export const ASM_MIME = "application/vnd.goperf.asm.v1+json";

export interface AsmInstruction {
  /** Offset in the function, as -S prints it. */
  pc: number;
  /** The position as the compiler printed it: "cell[3]:4", "/usr/local/go/src/math/bits/bits.go:120", "<unknown line number>". */
  pos: string;
  /** The cell and line, when the position is in a cell. */
  cell?: number;
  line?: number;
  /** The instruction as printed: opcode and operands ("MOVQ\t(AX)(CX*8), SI"). */
  text: string;
  /** The opcode alone. */
  op: string;
  /** Pseudo-instructions (TEXT, FUNCDATA, PCDATA) emit no machine code. */
  pseudo: boolean;
  /** The function whose source this came from, when it is not the function itself (inlined). */
  inlined?: string;
}

export interface AsmFunction {
  /** As the reader names it: Sum, T.M, (*T).M, F[go.shape.int], F.func1. */
  name: string;
  /** The symbol as printed: main.Sum. */
  symbol: string;
  cell?: number;
  line?: number;
  /** Bytes of machine code. */
  size: number;
  /** Machine instructions (pseudo-instructions not counted). */
  count: number;
  instructions: AsmInstruction[];
}

export interface AsmBuild {
  go_version: string;
  goarch: string;
  functions: AsmFunction[];
}

export interface AsmReport {
  /** The gc flags: -S. */
  flags: string[];
  cells: { cell: number; source: string }[];
  /** One build, or two (--go A,B) compared side by side, A first. */
  builds: AsmBuild[];
  /** --func: only this function is shown (and only it is in builds). */
  func?: string;
}
