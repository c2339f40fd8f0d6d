// Jupyter notebooks (nbformat 4.5) as typed data: reading with clear errors, writing exactly as
// Jupyter writes (sorted keys, one-space indent, text split into lines, a cell id on every cell).
// Pure: callers read and write the files.

import { randomBytes } from "node:crypto";

/** nbformat's multiline string: one string, or lines that each keep their line ending. */
export type MultilineString = string | string[];

export interface KernelSpecMetadata {
  name: string;
  display_name: string;
  language?: string;
}

export interface LanguageInfoMetadata {
  name: string;
  version?: string;
  mimetype?: string;
  file_extension?: string;
  pygments_lexer?: string;
  codemirror_mode?: string | Record<string, unknown>;
  nbconvert_exporter?: string;
}

/** What goperf records about a run it could not finish (the kernel died). */
export interface GoperfRunMetadata {
  incomplete?: boolean;
  /** 1-based position of the cell among the notebook's cells, as the progress lines name it. */
  failed_cell?: number;
  failed_cell_id?: string;
  reason?: string;
}

export interface NotebookMetadata {
  kernelspec?: KernelSpecMetadata;
  language_info?: LanguageInfoMetadata;
  goperf?: GoperfRunMetadata;
  [key: string]: unknown;
}

export type MimeData = Record<string, unknown>;

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}

export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeData;
  metadata: Record<string, unknown>;
}

export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: MimeData;
  metadata: Record<string, unknown>;
}

export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}

export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

interface CellBase {
  /** Required from nbformat 4.5 on; missing ids are generated when the notebook is written. */
  id?: string;
  metadata: Record<string, unknown>;
  source: MultilineString;
}

export interface CodeCell extends CellBase {
  cell_type: "code";
  execution_count: number | null;
  outputs: Output[];
}

export interface MarkdownCell extends CellBase {
  cell_type: "markdown";
  attachments?: Record<string, MimeData>;
}

export interface RawCell extends CellBase {
  cell_type: "raw";
  attachments?: Record<string, MimeData>;
}

export type Cell = CodeCell | MarkdownCell | RawCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: NotebookMetadata;
  cells: Cell[];
}

export const KERNELSPEC: KernelSpecMetadata = { name: "goperf", display_name: "Go (perf)", language: "go" };

/** Bad input: the message says what is wrong in words a user can act on. */
export class NotebookError extends Error {
  override name = "NotebookError";
}

const CELL_ID = /^[a-zA-Z0-9-_]{1,64}$/;

/** Reads a notebook from its JSON text; `name` (the file) is used in error messages. */
export function parseNotebook(text: string, name = "the notebook"): Notebook {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (err) {
    const looksLikeNotebook = /^\s*\{/.test(text) && /"nbformat"/.test(text);
    throw new NotebookError(
      `${name} is not valid JSON (${(err as Error).message})` + (looksLikeNotebook ? "; the notebook file is damaged" : "; a notebook is a .ipynb JSON file"),
    );
  }
  return validateNotebook(value, name);
}

/** Checks the shape of a parsed notebook and fills what Jupyter itself would tolerate missing. */
export function validateNotebook(value: unknown, name = "the notebook"): Notebook {
  if (!isObject(value) || !("nbformat" in value || "cells" in value || "worksheets" in value)) {
    throw new NotebookError(`${name} is not a Jupyter notebook: it has no "nbformat" or "cells" field`);
  }
  const format = value.nbformat;
  if (typeof format !== "number") throw new NotebookError(`${name} is not a Jupyter notebook: "nbformat" is ${describe(format)}, not a number`);
  if (format < 4) throw new NotebookError(`${name}: nbformat ${format} is not supported; open and save it in Jupyter to convert to v4`);
  if (format > 4) throw new NotebookError(`${name}: nbformat ${format} is newer than this goperf understands (it reads nbformat 4)`);
  const minor = value.nbformat_minor ?? 0;
  if (typeof minor !== "number" || !Number.isInteger(minor) || minor < 0) throw new NotebookError(`${name}: "nbformat_minor" is ${describe(minor)}, not a count`);
  if (!Array.isArray(value.cells)) throw new NotebookError(`${name} is not a Jupyter notebook: "cells" is ${describe(value.cells)}, not a list`);
  const metadata = value.metadata ?? {};
  if (!isObject(metadata)) throw new NotebookError(`${name}: "metadata" is ${describe(metadata)}, not an object`);
  const cells = value.cells.map((cell, i) => validateCell(cell, i, name));
  return { ...value, nbformat: 4, nbformat_minor: minor, metadata: metadata as NotebookMetadata, cells };
}

function validateCell(cell: unknown, index: number, name: string): Cell {
  const where = `${name}: cell ${index + 1}`;
  if (!isObject(cell)) throw new NotebookError(`${where} is ${describe(cell)}, not a cell object`);
  const type = cell.cell_type;
  if (type !== "code" && type !== "markdown" && type !== "raw") throw new NotebookError(`${where} has cell_type ${describe(type)}; expected "code", "markdown" or "raw"`);
  if (!isMultiline(cell.source)) throw new NotebookError(`${where}: "source" is ${describe(cell.source)}, not text`);
  if (cell.id !== undefined && typeof cell.id !== "string") throw new NotebookError(`${where}: "id" is ${describe(cell.id)}, not a string`);
  const metadata = cell.metadata ?? {};
  if (!isObject(metadata)) throw new NotebookError(`${where}: "metadata" is ${describe(metadata)}, not an object`);
  if (type !== "code") return { ...cell, cell_type: type, metadata, source: cell.source } as MarkdownCell | RawCell;
  const outputs = cell.outputs ?? [];
  if (!Array.isArray(outputs)) throw new NotebookError(`${where}: "outputs" is ${describe(outputs)}, not a list`);
  const count = cell.execution_count ?? null;
  if (count !== null && typeof count !== "number") throw new NotebookError(`${where}: "execution_count" is ${describe(count)}, not a number`);
  outputs.forEach((o, j) => validateOutput(o, `${where}, output ${j + 1}`));
  return { ...cell, cell_type: "code", metadata, source: cell.source, execution_count: count, outputs: outputs as Output[] };
}

function validateOutput(output: unknown, where: string): void {
  if (!isObject(output)) throw new NotebookError(`${where} is ${describe(output)}, not an output object`);
  switch (output.output_type) {
    case "stream":
      if (!isMultiline(output.text)) throw new NotebookError(`${where}: stream "text" is ${describe(output.text)}, not text`);
      return;
    case "display_data":
    case "execute_result":
      if (!isObject(output.data)) throw new NotebookError(`${where}: "data" is ${describe(output.data)}, not a MIME bundle`);
      return;
    case "error":
      if (!Array.isArray(output.traceback)) throw new NotebookError(`${where}: error "traceback" is ${describe(output.traceback)}, not a list`);
      return;
    default:
      throw new NotebookError(`${where} has output_type ${describe(output.output_type)}; expected stream, display_data, execute_result or error`);
  }
}

/** A copy upgraded to 4.5: every cell has a valid id, unique in the notebook. */
export function withCellIds(nb: Notebook, newId: () => string = randomCellId): Notebook {
  const seen = new Set<string>();
  const cells = nb.cells.map((cell) => {
    let id = cell.id;
    if (id === undefined || !CELL_ID.test(id) || seen.has(id)) {
      do id = newId();
      while (seen.has(id));
    }
    seen.add(id);
    return { ...cell, id };
  });
  return { ...nb, nbformat: 4, nbformat_minor: Math.max(5, nb.nbformat_minor), cells };
}

/** nbformat's own choice: the first 8 hex digits of a random UUID. */
export function randomCellId(): string {
  return randomBytes(4).toString("hex");
}

/**
 * The notebook's file text as Jupyter writes it: ids filled in, strings of text MIME types and
 * sources split into lines, keys sorted, one-space indent, a final newline.
 */
export function serializeNotebook(nb: Notebook, newId?: () => string): string {
  const full = withCellIds(nb, newId);
  const cells = full.cells.map((cell) => {
    const source = splitLines(joinText(cell.source));
    if (cell.cell_type !== "code") return { ...cell, source };
    return { ...cell, source, outputs: cell.outputs.map(splitOutput) };
  });
  return JSON.stringify(sortKeys({ ...full, cells }), null, 1) + "\n";
}

function splitOutput(output: Output): Output {
  switch (output.output_type) {
    case "stream":
      return { ...output, text: splitLines(joinText(output.text)) };
    case "display_data":
    case "execute_result":
      return { ...output, data: splitMimeBundle(output.data) };
    default:
      return output;
  }
}

/** Text MIME types (and the two text-like ones nbformat names) are stored as lists of lines. */
export function splitMimeBundle(data: MimeData): MimeData {
  const out: MimeData = {};
  for (const [mime, value] of Object.entries(data)) {
    const text = typeof value === "string" || (Array.isArray(value) && value.every((v) => typeof v === "string")) ? (value as MultilineString) : null;
    out[mime] = text !== null && isLineSplitMime(mime) ? splitLines(joinText(text)) : value;
  }
  return out;
}

export function isLineSplitMime(mime: string): boolean {
  return (mime.startsWith("text/") || mime === "application/javascript" || mime === "image/svg+xml") && !isJsonMime(mime);
}

export function isJsonMime(mime: string): boolean {
  return mime === "application/json" || /\+json$/.test(mime);
}

export function joinText(text: MultilineString | undefined): string {
  if (text === undefined) return "";
  return Array.isArray(text) ? text.join("") : text;
}

/**
 * Python's str.splitlines(keepends=True), which nbformat uses: every line keeps its ending, and
 * the empty string is no lines at all.
 */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  const breaks = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;
  let start = 0;
  for (let m = breaks.exec(text); m; m = breaks.exec(text)) {
    lines.push(text.slice(start, m.index + m[0].length));
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

export function codeCells(nb: Notebook): { cell: CodeCell; index: number }[] {
  return nb.cells.flatMap((cell, index) => (cell.cell_type === "code" ? [{ cell, index }] : []));
}

/** A notebook with no cells, as a new one is created. */
export function emptyNotebook(): Notebook {
  return { nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { ...KERNELSPEC } }, cells: [] };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(byCodePoint)) if (value[key] !== undefined) out[key] = sortKeys(value[key]);
  return out;
}

/** Python sorts str keys by code point; JavaScript's default sort compares UTF-16 units. */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isMultiline(value: unknown): value is MultilineString {
  return typeof value === "string" || (Array.isArray(value) && value.every((v) => typeof v === "string"));
}

function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (typeof value === "object") return "an object";
  return String(value);
}
