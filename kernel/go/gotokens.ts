// Go source as tokens: the kernel's static HTML (renderers/html.ts) and the JupyterLab extension's
// views colour code with them, and reachable.ts reads identifiers with them. Browser-safe: it
// imports nothing.

export type GoTokenKind =
  | "keyword"
  | "builtin"
  | "ident"
  | "string"
  | "rune"
  | "number"
  | "comment"
  | "directive"
  | "magic"
  | "punct"
  | "space";

export interface GoToken {
  kind: GoTokenKind;
  text: string;
}

/** Go's keywords, as the spec lists them. */
export const GO_KEYWORDS: readonly string[] =
  "break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var".split(" ");
const KEYWORDS: ReadonlySet<string> = new Set(GO_KEYWORDS);

/**
 * Go's predeclared identifiers (the universe scope), by what each is: the one list goperf has of
 * them (highlighting, completion, and the session's reading of which names a cell uses).
 */
export const PREDECLARED_BY_KIND = {
  type: "any bool byte comparable complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr".split(" "),
  constant: ["true", "false", "iota"],
  zero: ["nil"],
  function: "append cap clear close complex copy delete imag len make max min new panic print println real recover".split(" "),
} as const;
export const PREDECLARED: ReadonlySet<string> = new Set(Object.values(PREDECLARED_BY_KIND).flat());

const IDENT = /[\p{L}_][\p{L}\p{Nd}_]*/uy;
const NUMBER =
  /0[xX][0-9a-fA-F_]*(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?[0-9_]+)?i?|0[bBoO][0-9_]+i?|(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9_]+)?i?/y;

function matchAt(re: RegExp, text: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(text)?.[0];
}

/**
 * Splits Go source into tokens whose texts concatenate back to the source exactly. Strings, raw
 * strings, runes and comments are read to their real end, so `"//"` is a string and a backquote
 * inside a comment is a comment. A line whose first non-blank character is `%` (never valid Go) is a
 * goperf magic line. Unterminated strings and runes end at the end of their line, as the Go scanner
 * reports them; an unterminated raw string or block comment runs to the end of the source.
 */
export function tokenizeGo(source: string): GoToken[] {
  const tokens: GoToken[] = [];
  const n = source.length;
  let i = 0;
  let lineStart = true; // only blanks since the start of the line
  const push = (kind: GoTokenKind, end: number) => {
    tokens.push({ kind, text: source.slice(i, end) });
    i = end;
  };
  const lineEnd = (from: number) => {
    const e = source.indexOf("\n", from);
    return e < 0 ? n : e;
  };
  // The end of a quoted literal starting at i: after the closing quote, or at the line's end.
  const quoted = (quote: string) => {
    let j = i + 1;
    while (j < n && source[j] !== "\n") {
      if (source[j] === "\\") j += 2;
      else if (source[j] === quote) return j + 1;
      else j++;
    }
    return Math.min(j, n);
  };

  while (i < n) {
    const c = source[i];
    if (c === " " || c === "\t" || c === "\r" || c === "\n") {
      let j = i;
      while (j < n && " \t\r\n".includes(source[j])) {
        if (source[j] === "\n") lineStart = true;
        j++;
      }
      push("space", j);
      continue;
    }
    const atLineStart = lineStart;
    lineStart = false;
    if (c === "%" && atLineStart) {
      push("magic", lineEnd(i));
      continue;
    }
    if (c === "/" && source[i + 1] === "/") {
      const end = lineEnd(i);
      const text = source.slice(i, end);
      push(/^\/\/(?:go:|line )/.test(text) ? "directive" : "comment", end);
      continue;
    }
    if (c === "/" && source[i + 1] === "*") {
      const close = source.indexOf("*/", i + 2);
      push("comment", close < 0 ? n : close + 2);
      continue;
    }
    if (c === '"') {
      push("string", quoted('"'));
      continue;
    }
    if (c === "'") {
      push("rune", quoted("'"));
      continue;
    }
    if (c === "`") {
      const close = source.indexOf("`", i + 1);
      push("string", close < 0 ? n : close + 1);
      continue;
    }
    if ((c >= "0" && c <= "9") || (c === "." && source[i + 1] >= "0" && source[i + 1] <= "9")) {
      const m = matchAt(NUMBER, source, i);
      if (m) {
        push("number", i + m.length);
        continue;
      }
    }
    const id = matchAt(IDENT, source, i);
    if (id) {
      push(KEYWORDS.has(id) ? "keyword" : PREDECLARED.has(id) ? "builtin" : "ident", i + id.length);
      continue;
    }
    // One code point (surrogate pairs stay whole).
    const cp = source.codePointAt(i)!;
    push("punct", i + (cp > 0xffff ? 2 : 1));
  }
  return tokens;
}

/**
 * tokenizeGo, one array per source line (line 1 first): a token that spans lines (a raw string, a
 * block comment) is cut at each newline, so every line can be drawn on its own.
 */
export function tokenizeGoLines(source: string): GoToken[][] {
  const lines: GoToken[][] = [[]];
  for (const t of tokenizeGo(source)) {
    t.text.split("\n").forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part !== "") lines[lines.length - 1].push({ kind: t.kind, text: part });
    });
  }
  return lines;
}
