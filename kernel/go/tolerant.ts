// Best-effort shapes for cells that do not parse, as they rarely do while being typed (`p.`, an
// unclosed brace). Completion and inspection need to know which parts of such a cell are
// declarations and which are statements of main; gopls copes with the broken text itself. Pure.

import type { UnitImport, UnitKind } from "./parse.js";

/** A part of a cell: a declaration or a run of statements, as a span of the cell's text. */
export interface Piece {
  kind: UnitKind;
  names: string[];
  /** String indices in the cell: [start, end). */
  start: number;
  end: number;
  imports?: UnitImport[];
}

interface Token {
  /** "(", ")", "[", "]", "{", "}", or "" for anything else. */
  bracket: string;
  start: number;
}

/**
 * The brackets of Go source, outside strings, runes and comments. An unterminated string or
 * comment ends at the end of its line (interpreted strings, runes) or of the text.
 */
function brackets(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "/" && text[i + 1] === "/") {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl;
    } else if (ch === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      i = close < 0 ? text.length : close + 2;
    } else if (ch === "`") {
      const close = text.indexOf("`", i + 1);
      i = close < 0 ? text.length : close + 1;
    } else if (ch === '"' || ch === "'") {
      i++;
      while (i < text.length && text[i] !== ch && text[i] !== "\n") i += text[i] === "\\" ? 2 : 1;
      if (text[i] === ch) i++;
    } else {
      if ("()[]{}".includes(ch)) out.push({ bracket: ch, start: i });
      i++;
    }
  }
  return out;
}

const PAIR: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
const CLOSER: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

/** The closers that would balance the text's open brackets, innermost first (")}" for `f() { g(`). */
export function missingClosers(text: string): string {
  const stack: string[] = [];
  for (const t of brackets(text)) {
    if (CLOSER[t.bracket]) stack.push(t.bracket);
    else if (stack[stack.length - 1] === PAIR[t.bracket]) stack.pop();
  }
  return stack.reverse().map((b) => CLOSER[b]).join("");
}

/** A cell text made parseable by small insertions; `toOriginal` maps its indices back. */
export interface Repair {
  text: string;
  toOriginal(index: number): number;
}

/**
 * Cheap repairs to try, in order, when a cell does not parse: a placeholder name where a selector
 * lacks one (`p.` at the cursor), then also the closers of brackets left open at the end.
 */
export function repairs(code: string, cursor: number, identStart: number): Repair[] {
  const out: Repair[] = [];
  const dangling = /\.\s*$/.test(code.slice(0, identStart)) && identStart === cursor;
  const inserted = dangling ? "_" : "";
  const named = code.slice(0, cursor) + inserted + code.slice(cursor);
  const toOriginal = (index: number) =>
    Math.min(code.length, index <= cursor ? index : index <= cursor + inserted.length ? cursor : index - inserted.length);
  if (inserted) out.push({ text: named, toOriginal });
  const closers = missingClosers(named);
  // Appended without a newline: Go would insert a semicolon after `g(x` at a line's end.
  if (closers && !/\/\/[^\n]*$/.test(named)) out.push({ text: named + closers, toOriginal });
  return out;
}

const DECL = /^(func|type|var|const|import)\b/;
const NAME = "[\\p{L}_][\\p{L}\\p{Nd}_]*";

/**
 * Splits a cell by lines: a line at column 1 that starts with a declaration keyword opens a
 * declaration, even with a bracket left open before it (that is how cells break while typed);
 * bracket depth counts from there. Any other line at column 1 outside brackets starts a run of
 * statements, or joins the run before it; the rest join the piece before them. Blank and comment
 * lines before the first piece belong to none.
 */
export function roughSplit(code: string): Piece[] {
  const pieces: Piece[] = [];
  const tokens = brackets(code);
  let depth = 0;
  let base = 0; // the depth where the current declaration started
  let t = 0;
  let current: Piece | undefined;
  for (let start = 0; start <= code.length; ) {
    const nl = code.indexOf("\n", start);
    const end = nl < 0 ? code.length : nl;
    for (; t < tokens.length && tokens[t].start < start; t++) depth += CLOSER[tokens[t].bracket] ? 1 : -1;
    const line = code.slice(start, end);
    const blank = /^\s*(\/\/.*)?$/.test(line);
    const content = line.replace(/\s+$/, "");
    if (!blank) {
      const keyword = DECL.exec(line)?.[1];
      if (keyword) {
        base = depth;
        current = { kind: declKind(line), names: declNames(line), start, end: start + content.length };
        pieces.push(current);
      } else if (depth <= base && /^[^\s)\]}]/.test(line) && current?.kind !== "stmt") {
        current = { kind: "stmt", names: [], start, end: start + content.length };
        pieces.push(current);
      } else if (current) {
        current.end = start + content.length;
      } else {
        current = { kind: "stmt", names: [], start, end: start + content.length };
        pieces.push(current);
      }
    }
    if (nl < 0) break;
    start = nl + 1;
  }
  for (const p of pieces) if (p.kind === "import") p.imports = importsIn(code.slice(p.start, p.end));
  return pieces;
}

function declKind(line: string): UnitKind {
  if (/^func\s*\(/.test(line)) return "method";
  return DECL.exec(line)![1] as UnitKind;
}

function declNames(line: string): string[] {
  const method = new RegExp(`^func\\s*\\(\\s*(?:${NAME}\\s+)?\\*?\\s*(${NAME})[^)]*\\)\\s*(${NAME})`, "u").exec(line);
  if (method) return [`${method[1]}.${method[2]}`];
  const named = new RegExp(`^(?:func|type|var|const)\\s+(${NAME})`, "u").exec(line);
  return named ? [named[1]] : [];
}

function importsIn(text: string): UnitImport[] {
  const out: UnitImport[] = [];
  const re = new RegExp(`(?:^|[\\s(])(?:(${NAME}|\\.)\\s+)?"([^"\\n]+)"`, "gu");
  const specs = text.replace(/^import\b/, " ");
  for (let m = re.exec(specs); m; m = re.exec(specs)) out.push({ name: m[1] ?? "", path: m[2] });
  return out;
}

/**
 * Package names used as `name.Sel` in Go text, among `known` (the standard library's names): the
 * imports a file needs when cellparse cannot parse it to tell.
 */
export function scanUses(text: string, known: Readonly<Record<string, string>>): string[] {
  const found = new Set<string>();
  const re = /(?<![\p{L}\p{Nd}_.])([a-z][a-z0-9]*)\s*\./gu;
  const code = text.replace(/\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|`[^`]*`/g, (s) => " ".repeat(s.length));
  for (let m = re.exec(code); m; m = re.exec(code)) if (Object.hasOwn(known, m[1])) found.add(m[1]);
  return [...found].sort();
}
