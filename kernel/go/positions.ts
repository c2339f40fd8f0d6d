// Positions in three currencies. The Jupyter protocol counts Unicode code points; JavaScript strings
// and LSP positions (UTF-16, gopls's default encoding) count UTF-16 code units; go/scanner, and so
// cellparse's units, count bytes of UTF-8 in 1-based columns. Pure.

/** An LSP position: 0-based line, 0-based column in UTF-16 code units. */
export interface LspPosition {
  line: number;
  character: number;
}

function width(codePoint: number): number {
  return codePoint > 0xffff ? 2 : 1;
}

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/** The string index of the `codePoints`-th code point (clamped to the text). */
export function indexFromCodePoints(text: string, codePoints: number): number {
  let index = 0;
  for (let n = 0; n < codePoints && index < text.length; n++) index += width(text.codePointAt(index)!);
  return Math.min(index, text.length);
}

/** How many code points precede a string index (an index inside a surrogate pair counts the pair). */
export function codePointsFromIndex(text: string, index: number): number {
  let n = 0;
  for (let i = 0; i < index && i < text.length; n++) i += width(text.codePointAt(i)!);
  return n;
}

/** The index where each line starts (lines end at "\n"; a "\r" before it belongs to its line). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** The string index of a 1-based line and 1-based byte column (as go/scanner reports them). */
export function indexFromLineByteCol(text: string, line: number, byteCol: number): number {
  const starts = lineStarts(text);
  const start = starts[Math.min(Math.max(line, 1), starts.length) - 1];
  let bytes = 1;
  let i = start;
  while (bytes < byteCol && i < text.length && text[i] !== "\n") {
    const cp = text.codePointAt(i)!;
    bytes += utf8Length(cp);
    i += width(cp);
  }
  return i;
}

/** The 1-based line and 1-based byte column of a string index. */
export function lineByteColOf(text: string, index: number): { line: number; col: number } {
  const starts = lineStarts(text);
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= index) line++;
  let col = 1;
  for (let i = starts[line]; i < index && i < text.length; ) {
    const cp = text.codePointAt(i)!;
    col += utf8Length(cp);
    i += width(cp);
  }
  return { line: line + 1, col };
}

/** The LSP position (UTF-16) of a string index. */
export function lspPosition(text: string, index: number): LspPosition {
  const starts = lineStarts(text);
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= index) line++;
  return { line, character: Math.min(index, text.length) - starts[line] };
}

/** The string index of an LSP position (UTF-16), clamped to its line. */
export function indexFromLsp(text: string, pos: LspPosition): number {
  const starts = lineStarts(text);
  if (pos.line >= starts.length) return text.length;
  const start = starts[Math.max(0, pos.line)];
  const next = pos.line + 1 < starts.length ? starts[pos.line + 1] - 1 : text.length;
  return Math.min(start + Math.max(0, pos.character), next);
}

/** Go identifier characters: Unicode letters and digits, and "_". */
export function isIdentChar(ch: string | undefined): boolean {
  return ch !== undefined && /^[\p{L}\p{Nd}_]$/u.test(ch);
}

/** The start of the identifier that ends at `index` (index itself when none does). */
export function identifierStart(text: string, index: number): number {
  let i = index;
  while (i > 0) {
    const low = text.charCodeAt(i - 1);
    // Step back over a whole surrogate pair.
    const step = low >= 0xdc00 && low <= 0xdfff && i >= 2 ? 2 : 1;
    if (!isIdentChar(text.slice(i - step, i))) break;
    i -= step;
  }
  return i;
}

/** The end of the identifier that starts at or before `index` and runs through it. */
export function identifierEnd(text: string, index: number): number {
  let i = index;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    if (!isIdentChar(String.fromCodePoint(cp))) break;
    i += width(cp);
  }
  return i;
}

/**
 * Where a cell piece sits in a composed file: compose writes `//line cell[N]:L:C` then the piece's
 * text verbatim, so the text starts right after the first occurrence of that directive followed by
 * that text. Returns the index of the text's first character, or -1.
 */
export function locatePiece(composed: string, directive: string, text: string): number {
  const at = composed.indexOf(directive + text);
  return at < 0 ? -1 : at + directive.length;
}
