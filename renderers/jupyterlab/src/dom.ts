// DOM helpers. Text always goes in as text nodes (never as HTML), so a report cannot inject markup.

export type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === false) continue;
      if (name === "className") node.className = String(value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  }
}

// ---- a small Go highlighter: comments, strings, runes, numbers, keywords, builtins ------------

const KEYWORDS = new Set(
  "break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var".split(" "),
);
const BUILTINS = new Set(
  (
    "any bool byte comparable complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string " +
    "uint uint8 uint16 uint32 uint64 uintptr true false iota nil " +
    "append cap clear close complex copy delete imag len make max min new panic print println real recover"
  ).split(" "),
);

// One alternation, tried at each position: line comment, block comment (to its end or the end of
// the line: a view of one line at a time), interpreted string, raw string, rune, number, word.
const TOKEN = /(\/\/.*)|(\/\*.*?(?:\*\/|$))|("(?:[^"\\]|\\.)*"?)|(`[^`]*`?)|('(?:[^'\\]|\\.)*'?)|(\b\d[\w.]*)|([\p{L}_][\p{L}\p{Nd}_]*)/gu;

/**
 * One line of Go as highlighted spans. Lines are highlighted one at a time (a block comment or raw
 * string spanning lines is not followed): enough to read a cell beside the compiler's notes.
 */
export function highlightGoLine(line: string): Node[] {
  if (/^\s*%/.test(line)) return [el("span", { className: "goperf-tok-magic" }, line)];
  const out: Node[] = [];
  let last = 0;
  for (const m of line.matchAll(TOKEN)) {
    const at = m.index ?? 0;
    if (at > last) out.push(document.createTextNode(line.slice(last, at)));
    const text = m[0];
    let cls = "";
    if (m[1] !== undefined || m[2] !== undefined) cls = "goperf-tok-comment";
    else if (m[3] !== undefined || m[4] !== undefined || m[5] !== undefined) cls = "goperf-tok-string";
    else if (m[6] !== undefined) cls = "goperf-tok-number";
    else if (KEYWORDS.has(text)) cls = "goperf-tok-keyword";
    else if (BUILTINS.has(text)) cls = "goperf-tok-builtin";
    out.push(cls ? el("span", { className: cls }, text) : document.createTextNode(text));
    last = at + text.length;
  }
  if (last < line.length) out.push(document.createTextNode(line.slice(last)));
  return out;
}
