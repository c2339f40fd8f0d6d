// The syntax of a cell's magic lines, shared by the kernel's dispatcher (magics/) and the notebook
// tools (kernel/notebook/export.ts): where magics are, and how a magic line splits into words.

export interface MagicLine {
  /** 1-based line in the cell. */
  line: number;
  name: string;
  rest: string;
}

/** Lines starting with `%` (never valid Go at a line's start) are magics; the rest is Go. */
export function splitMagics(source: string): { code: string; magics: MagicLine[] } {
  const magics: MagicLine[] = [];
  const lines = source.split("\n").map((text, i) => {
    const m = /^%(\w*)(.*)$/s.exec(text.replace(/\r$/, ""));
    if (!m) return text;
    magics.push({ line: i + 1, name: m[1], rest: m[2] });
    return "";
  });
  return { code: lines.join("\n"), magics };
}

/**
 * Splits a magic line into words at white space, keeping quoted strings and bracketed expressions
 * (`Square(1 << 20)`) whole. Quotes are removed; nothing is expanded: no shell ever sees these words.
 * Hand-written: shell-word libraries (shell-quote, string-argv) split `F(a, b)` at its space and
 * know nothing of Go's brackets, and none would be simpler than these lines.
 */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let depth = 0;
  let quote: string | null = null;
  let started = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
      continue;
    }
    if ((ch === '"' || ch === "'") && depth === 0) {
      quote = ch;
      started = true;
      continue;
    }
    if ("([{".includes(ch)) depth++;
    if (")]}".includes(ch)) depth = Math.max(0, depth - 1);
    if (/\s/.test(ch) && depth === 0) {
      if (started) words.push(word);
      word = "";
      started = false;
      continue;
    }
    word += ch;
    started = true;
  }
  if (started) words.push(word);
  return words;
}
