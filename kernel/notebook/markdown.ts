// A small, safe Markdown -> HTML converter for notebook pages: headings, paragraphs, lists (nested),
// block quotes, fenced and indented code, tables, rules; code spans, emphasis, links and images.
// Safe by construction: every piece of text is escaped, raw HTML in the Markdown is shown as text,
// and a link or image keeps its URL only when it is http(s), mailto, or relative. Pure.

import { escapeHtml } from "../../renderers/html.js";

export interface MarkdownOptions {
  /** HTML for a fenced code block's text (already safe); the default escapes it. */
  highlight?: (code: string, lang: string) => string;
}

/** The URL when it is safe to link to, else null (javascript:, data:, vbscript: and the like). */
export function safeUrl(url: string): string | null {
  const u = url.trim();
  // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:").
  const squeezed = u.replace(/[\u0000-\u0020\u007f]/g, "");
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(squeezed);
  if (!scheme) return u;
  return ["http", "https", "mailto"].includes(scheme[1].toLowerCase()) ? u : null;
}

export function renderMarkdown(source: string, options: MarkdownOptions = {}): string {
  const r = new BlockRenderer(options);
  return r.blocks(source.replace(/\r\n?/g, "\n").replace(/\t/g, "    ").split("\n"));
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])( +|$)(.*)$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const TABLE_DELIM = /^ {0,3}\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

class BlockRenderer {
  private readonly slugs = new Map<string, number>();

  constructor(private readonly options: MarkdownOptions) {}

  blocks(lines: string[]): string {
    const out: string[] = [];
    let i = 0;
    while (i < lines.length) {
      const line = lines[i];
      if (line.trim() === "") {
        i++;
        continue;
      }
      let m: RegExpExecArray | null;
      if ((m = FENCE.exec(line))) {
        const fence = m[1];
        const lang = m[2] ?? "";
        const body: string[] = [];
        i++;
        while (i < lines.length && !new RegExp(`^ {0,3}${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`).test(lines[i])) body.push(lines[i++]);
        i++;
        out.push(this.code(body.join("\n"), lang));
        continue;
      }
      if ((m = HEADING.exec(line))) {
        const level = m[1].length;
        const text = m[2] ?? "";
        out.push(`<h${level} id="${escapeHtml(this.slug(text))}">${inline(text)}</h${level}>`);
        i++;
        continue;
      }
      if (RULE.test(line)) {
        out.push("<hr>");
        i++;
        continue;
      }
      if (QUOTE.test(line)) {
        const body: string[] = [];
        while (i < lines.length && lines[i].trim() !== "") {
          const q = QUOTE.exec(lines[i]);
          body.push(q ? q[1] : lines[i]);
          i++;
        }
        out.push(`<blockquote>\n${this.blocks(body)}\n</blockquote>`);
        continue;
      }
      if (LIST_ITEM.test(line)) {
        i = this.list(lines, i, out);
        continue;
      }
      if (/^ {4}/.test(line)) {
        const body: string[] = [];
        while (i < lines.length && (/^ {4}/.test(lines[i]) || lines[i].trim() === "")) body.push(lines[i++].slice(4));
        while (body.length && body[body.length - 1].trim() === "") body.pop();
        out.push(this.code(body.join("\n"), ""));
        continue;
      }
      if (line.includes("|") && i + 1 < lines.length && TABLE_DELIM.test(lines[i + 1]) && /-/.test(lines[i + 1]) && lines[i + 1].includes("|")) {
        i = this.table(lines, i, out);
        continue;
      }
      i = this.paragraph(lines, i, out);
    }
    return out.join("\n");
  }

  private code(text: string, lang: string): string {
    const body = this.options.highlight ? this.options.highlight(text, lang) : escapeHtml(text);
    const cls = lang ? ` class="language-${escapeHtml(lang)}"` : "";
    return `<pre><code${cls}>${body}</code></pre>`;
  }

  private paragraph(lines: string[], start: number, out: string[]): number {
    const body: string[] = [];
    let i = start;
    while (i < lines.length && lines[i].trim() !== "") {
      if (body.length && /^ {0,3}(=+|-+)\s*$/.test(lines[i])) {
        const level = lines[i].trim()[0] === "=" ? 1 : 2;
        const text = body.join("\n").trim();
        out.push(`<h${level} id="${escapeHtml(this.slug(text))}">${inline(text)}</h${level}>`);
        return i + 1;
      }
      if (i !== start && startsBlock(lines[i])) break;
      body.push(lines[i]);
      i++;
    }
    out.push(`<p>${paragraphInline(body)}</p>`);
    return i;
  }

  private list(lines: string[], start: number, out: string[]): number {
    const first = LIST_ITEM.exec(lines[start])!;
    const ordered = /\d/.test(first[2]);
    const marker = ordered ? first[2].slice(-1) : first[2];
    const items: string[][] = [];
    let loose = false;
    let i = start;
    let sawBlank = false;
    while (i < lines.length) {
      const m = LIST_ITEM.exec(lines[i]);
      if (m && (ordered ? /\d/.test(m[2]) && m[2].endsWith(marker) : m[2] === marker)) {
        if (sawBlank && items.length) loose = true;
        sawBlank = false;
        const indent = m[1].length + m[2].length + Math.max(1, Math.min(m[3].length, 4));
        const item = [m[4]];
        i++;
        while (i < lines.length) {
          const l = lines[i];
          if (l.trim() === "") {
            if (i + 1 < lines.length && indentOf(lines[i + 1]) >= indent) {
              item.push("");
              sawBlank = true;
              i++;
              continue;
            }
            break;
          }
          if (indentOf(l) >= indent) item.push(l.slice(indent));
          else if (!startsBlock(l) && item[item.length - 1] !== "") item.push(l.trim());
          else break;
          i++;
        }
        if (item.includes("")) loose = true;
        items.push(item);
        if (i < lines.length && lines[i].trim() === "") {
          sawBlank = true;
          i++;
        }
        continue;
      }
      if (sawBlank) i--; // give the blank line back: the list ended before it
      break;
    }
    const startAttr = ordered && parseInt(first[2], 10) !== 1 ? ` start="${parseInt(first[2], 10)}"` : "";
    const rendered = items.map((item) => {
      let html = this.blocks(item);
      if (!loose) html = html.replace(/^<p>([\s\S]*?)<\/p>(?=\n|$)/, "$1");
      return `<li>${html}</li>`;
    });
    out.push(ordered ? `<ol${startAttr}>\n${rendered.join("\n")}\n</ol>` : `<ul>\n${rendered.join("\n")}\n</ul>`);
    return i;
  }

  private table(lines: string[], start: number, out: string[]): number {
    const header = tableCells(lines[start]);
    const aligns = tableCells(lines[start + 1]).map((d) => (d.startsWith(":") && d.endsWith(":") ? "center" : d.endsWith(":") ? "right" : d.startsWith(":") ? "left" : ""));
    const cell = (tag: string, text: string, k: number) => `<${tag}${aligns[k] ? ` style="text-align:${aligns[k]}"` : ""}>${inline(text)}</${tag}>`;
    const rows: string[] = [];
    let i = start + 2;
    while (i < lines.length && lines[i].trim() !== "" && lines[i].includes("|")) {
      const cells = tableCells(lines[i]);
      rows.push(`<tr>${header.map((_, k) => cell("td", cells[k] ?? "", k)).join("")}</tr>`);
      i++;
    }
    out.push(
      `<table>\n<thead><tr>${header.map((h, k) => cell("th", h, k)).join("")}</tr></thead>\n` + (rows.length ? `<tbody>\n${rows.join("\n")}\n</tbody>\n` : "") + "</table>",
    );
    return i;
  }

  /** Heading ids as JupyterLab makes them: the text with spaces as dashes, unique in the page. */
  private slug(text: string): string {
    const base = plainText(text).trim().replace(/\s+/g, "-") || "section";
    const n = this.slugs.get(base) ?? 0;
    this.slugs.set(base, n + 1);
    return n === 0 ? base : `${base}-${n}`;
  }
}

function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || LIST_ITEM.test(line);
}

function indentOf(line: string): number {
  return /^ */.exec(line)![0].length;
}

/** A table row's cells: split on pipes that are neither escaped nor inside a code span. */
function tableCells(row: string): string[] {
  let text = row.trim();
  if (text.startsWith("|")) text = text.slice(1);
  if (text.endsWith("|") && !text.endsWith("\\|")) text = text.slice(0, -1);
  const cells: string[] = [];
  let current = "";
  let inCode = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\" && text[i + 1] === "|") {
      current += inCode ? "|" : "\\|";
      i++;
      continue;
    }
    if (ch === "`") inCode = !inCode;
    if (ch === "|" && !inCode) {
      cells.push(current.trim());
      current = "";
      continue;
    }
    current += ch;
  }
  cells.push(current.trim());
  return cells;
}

function paragraphInline(lines: string[]): string {
  // Two trailing spaces or a trailing backslash make a hard line break.
  return lines
    .map((l, k) => {
      const last = k === lines.length - 1;
      const hard = !last && (/ {2,}$/.test(l) || /\\$/.test(l));
      const text = hard ? l.replace(/( {2,}|\\)$/, "") : l;
      return inline(text.trim()) + (hard ? "<br>" : "");
    })
    .join("\n");
}

/** Inline Markdown -> HTML. Code spans, escapes, links and images are cut out first (so emphasis never reaches into them), the rest is escaped, then emphasis is applied. */
export function inline(text: string): string {
  const saved: string[] = [];
  const keep = (html: string) => `\u0000${saved.push(html) - 1}\u0000`;
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "\\" && i + 1 < text.length && /[!-/:-@[-`{-~]/.test(text[i + 1])) {
      out += keep(escapeHtml(text[i + 1]));
      i += 2;
      continue;
    }
    if (ch === "`") {
      const run = /^`+/.exec(text.slice(i))![0];
      const close = findRun(text, i + run.length, run.length);
      if (close >= 0) {
        let code = text.slice(i + run.length, close).replace(/\n/g, " ");
        if (/^ .*[^ ].* $/.test(code)) code = code.slice(1, -1);
        out += keep(`<code>${escapeHtml(code)}</code>`);
        i = close + run.length;
        continue;
      }
      out += run;
      i += run.length;
      continue;
    }
    if (ch === "<") {
      const auto = /^<((?:https?|mailto):[^\s<>]+)>/i.exec(text.slice(i));
      if (auto) {
        out += keep(`<a href="${escapeHtml(auto[1])}">${escapeHtml(auto[1])}</a>`);
        i += auto[0].length;
        continue;
      }
    }
    const image = ch === "!" && text[i + 1] === "[";
    if (ch === "[" || image) {
      const link = parseLink(text, image ? i + 1 : i);
      if (link) {
        const url = safeUrl(link.url);
        const title = link.title ? ` title="${escapeHtml(link.title)}"` : "";
        if (image) out += keep(url ? `<img src="${escapeHtml(url)}" alt="${escapeHtml(plainText(link.text))}"${title}>` : escapeHtml(plainText(link.text)));
        else out += keep(url ? `<a href="${escapeHtml(url)}"${title}>${inline(link.text)}</a>` : inline(link.text));
        i = link.end;
        continue;
      }
    }
    out += ch;
    i++;
  }
  let html = escapeHtml(out);
  html = html.replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, "<strong>$1</strong>");
  html = html.replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, "$1<strong>$2</strong>");
  html = html.replace(/\*(?=[^\s*])([\s\S]*?[^\s*])\*/g, "<em>$1</em>");
  html = html.replace(/(^|[^\w])_(?=\S)([\s\S]*?\S)_(?!\w)/g, "$1<em>$2</em>");
  html = html.replace(/~~(?=\S)([\s\S]*?\S)~~/g, "<del>$1</del>");
  return html.replace(/\u0000(\d+)\u0000/g, (_, n: string) => saved[Number(n)]);
}

function findRun(text: string, from: number, length: number): number {
  const re = /`+/g;
  re.lastIndex = from;
  for (let m = re.exec(text); m; m = re.exec(text)) if (m[0].length === length) return m.index;
  return -1;
}

/** `[text](url "title")` starting at the bracket; null when it is not a link. */
function parseLink(text: string, open: number): { text: string; url: string; title?: string; end: number } | null {
  let depth = 0;
  let close = -1;
  for (let k = open; k < text.length; k++) {
    if (text[k] === "\\") {
      k++;
      continue;
    }
    if (text[k] === "`") {
      const run = /^`+/.exec(text.slice(k))![0];
      const end = findRun(text, k + run.length, run.length);
      if (end >= 0) k = end + run.length - 1;
      continue;
    }
    if (text[k] === "[") depth++;
    if (text[k] === "]" && --depth === 0) {
      close = k;
      break;
    }
  }
  if (close < 0 || text[close + 1] !== "(") return null;
  let k = close + 2;
  let parens = 1;
  for (; k < text.length; k++) {
    if (text[k] === "\\") {
      k++;
      continue;
    }
    if (text[k] === "(") parens++;
    if (text[k] === ")" && --parens === 0) break;
  }
  if (parens !== 0) return null;
  const inside = text.slice(close + 2, k).trim();
  const m = /^(<[^>]*>|\S+)(?:\s+("[^"]*"|'[^']*'|\([^)]*\)))?$/.exec(inside);
  if (!m && inside !== "") return null;
  const url = m ? m[1].replace(/^<(.*)>$/, "$1") : "";
  return { text: text.slice(open + 1, close), url, title: m?.[2]?.slice(1, -1), end: k + 1 };
}

/** The words of inline Markdown without its markup (for alt text and heading ids). */
function plainText(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[`*_~]/g, "")
    .replace(/\\(.)/g, "$1");
}
