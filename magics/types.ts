// What a magic is and what it may touch while it runs.

import type { OutputSink } from "../kernel/handler.js";
import type { CellError, CellSource, Session } from "../kernel/session.js";
import type { CommandSpec, Parsed } from "./args.js";

/** State magics keep for the life of the kernel session (saved benchmark results, last reports). */
export type MagicState = Map<string, unknown>;

export interface MagicContext {
  session: Session;
  /** The cell as the reader sees it, with its execution count and id. */
  cell: CellSource;
  /** The cell's Go code: magic lines blanked, so line numbers are the reader's. */
  code: string;
  /** 1-based line of this magic in the cell. */
  line: number;
  /** For a batch magic: the line of each argument, in order. */
  lines: number[];
  sink: OutputSink;
  signal: AbortSignal;
  state: MagicState;
  /** Runs the cell's Go code as a plain cell would (stage, build, commit, run). */
  runCode(): Promise<CellError | null>;
  /** Shows text in the front end's pager (help), not in the cell's outputs. */
  page(text: string): void;
  /** Every magic the kernel knows, for %help. */
  catalog(): readonly Magic[];
}

export interface Magic extends CommandSpec {
  /**
   * True when the magic decides what happens to the cell's Go code (%escape compiles it with
   * diagnostics, %bench adds it to the test binary). Otherwise the code runs first, as a plain cell.
   */
  takesCode: boolean;
  /** The words after the options are one argument, as written (a claim, not a list of words). */
  rawArgs?: boolean;
  /** The whole line after the magic's name is its words, options included (%args -v passes -v on). */
  verbatim?: boolean;
  /** All of a cell's lines of this magic run as one call, their arguments in order (lines in ctx.lines). */
  batch?: boolean;
  /**
   * Runs before the cell's code is built (a prediction is shown before the answer exists; %go
   * switches the toolchain the code builds with). An error stops the cell there.
   */
  prepare?(ctx: MagicContext, parsed: Parsed): Promise<CellError | null | void>;
  run(ctx: MagicContext, parsed: Parsed): Promise<CellError | null>;
}
