// DOM helpers. Text always goes in as text nodes (never as HTML), so a report cannot inject markup.

import { tokenizeGoLines, type GoTokenKind } from "../../../kernel/go/gotokens.js";

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

// ---- Go highlighting: the kernel's tokenizer, its kinds as CSS classes -------------------------

const TOKEN_CLASS: Partial<Record<GoTokenKind, string>> = {
  keyword: "goperf-tok-keyword",
  builtin: "goperf-tok-builtin",
  string: "goperf-tok-string",
  rune: "goperf-tok-string",
  number: "goperf-tok-number",
  comment: "goperf-tok-comment",
  directive: "goperf-tok-directive",
  magic: "goperf-tok-magic",
};

/**
 * A cell's Go source as highlighted spans, one array of nodes per line (line 1 first). Raw strings
 * and block comments that span lines are followed across them, as the static HTML does.
 */
export function highlightGoLines(source: string): Node[][] {
  return tokenizeGoLines(source).map((tokens) =>
    tokens.map((t) => {
      const cls = TOKEN_CLASS[t.kind];
      return cls ? el("span", { className: cls }, t.text) : document.createTextNode(t.text);
    }),
  );
}
