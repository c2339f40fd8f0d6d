// HTML building blocks shared by the renderers: escaping, a tiny element builder, the inline styles
// and colours, and Go highlighted with inline colours (the tokens come from kernel/go/gotokens.ts).
//
// Every output must be self-contained and look the same in JupyterLab (light and dark), VS Code,
// nbviewer and GitHub: no <script>, no <style> blocks (they would leak into the page), no external
// fonts or images; only style="" attributes. Text inherits the front end's colour, so the page's
// own background stays; the accent colours below have a contrast of about 4:1 against white and
// against the usual dark backgrounds (#1e1e1e, #111, #0d1117) alike, and filled badges carry their
// own text colour.

import { tokenizeGo, type GoTokenKind } from "../kernel/go/gotokens.js";

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Markup that is already safe: children of this type are inserted as they are, strings are escaped. */
export class Html {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

/** Wraps markup produced by this module (e.g. highlightGo's output) so h() does not escape it again. */
export function raw(html: string): Html {
  return new Html(html);
}

export type Child = string | number | Html | null | undefined | false | readonly Child[];
export type Attrs = Record<string, string | number | boolean | null | undefined>;

const NAME = /^[a-zA-Z][a-zA-Z0-9-]*$/;
// Tags this builder refuses: the outputs must stay script-free and must not style the page.
const FORBIDDEN_TAGS = new Set(["script", "style", "iframe", "object", "embed", "link", "meta", "foreignobject"]);
const VOID_TAGS = new Set(["br", "hr", "wbr"]);

/**
 * `h("span", {style: "color:red"}, "a < b", h("b", {}, "!"))` → `<span style="color:red">a &lt; b<b>!</b></span>`.
 * Text children and attribute values are escaped; `true` attributes are written bare, false/null/undefined
 * ones and false/null/undefined children are left out. Event-handler attributes are refused.
 */
export function h(tag: string, attrs: Attrs | null = null, ...children: Child[]): Html {
  const lower = tag.toLowerCase();
  if (!NAME.test(tag) || FORBIDDEN_TAGS.has(lower)) throw new Error(`h: tag not allowed: ${tag}`);
  let out = `<${tag}`;
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (!/^[a-zA-Z][a-zA-Z0-9:_-]*$/.test(name) || /^on/i.test(name)) throw new Error(`h: attribute not allowed: ${name}`);
    out += value === true ? ` ${name}` : ` ${name}="${escapeHtml(String(value))}"`;
  }
  out += ">";
  if (VOID_TAGS.has(lower)) return new Html(out);
  const parts: string[] = [out];
  appendChildren(parts, children);
  parts.push(`</${tag}>`);
  return new Html(parts.join(""));
}

function appendChildren(parts: string[], children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (c instanceof Html) parts.push(c.html);
    else if (Array.isArray(c)) appendChildren(parts, c as readonly Child[]);
    else parts.push(escapeHtml(String(c)));
  }
}

/** Children in sequence without a wrapping element. */
export function fragment(...children: Child[]): Html {
  const parts: string[] = [];
  appendChildren(parts, children);
  return new Html(parts.join(""));
}

// ---- colours and styles ---------------------------------------------------------------------

/** Accent colours readable on white and on dark backgrounds (contrast ≈ 4:1 on both). */
export const COLOR = {
  muted: "#808080",
  good: "#2b8a3e",
  bad: "#d9480f",
  warn: "#b26a00",
  accent: "#2f7fd0",
  keyword: "#cf3a7a",
  string: "#3b8f3b",
  number: "#2f7fd0",
  comment: "#808080",
  directive: "#b26a00",
  builtin: "#188a8a",
  magic: "#8b6bd6",
} as const;

export const FONT_MONO = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";
export const FONT_SANS = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";

/** Inline style strings; combine with `;`. Colours not set here are the front end's. */
export const STYLE = {
  root: `font-family:${FONT_SANS};font-size:13px;line-height:1.45;text-align:left;max-width:100%`,
  mono: `font-family:${FONT_MONO};font-size:12.5px`,
  muted: `color:${COLOR.muted}`,
  small: "font-size:11px",
  heading: "font-weight:600;margin:8px 0 4px 0",
  /**
   * A box around code: a neutral tint that darkens a white page and lightens a dark one. Lines
   * inside inherit white-space and tab size, so a line's own markup stays short (big cells).
   */
  codeBox: `font-family:${FONT_MONO};font-size:12.5px;line-height:1.5;white-space:pre;tab-size:4;-moz-tab-size:4;border:1px solid rgba(128,128,128,0.35);border-radius:4px;padding:4px 8px 4px 0;margin:4px 0;overflow-x:auto;background:rgba(128,128,128,0.06)`,
  /** Line numbers are padded text, not boxes, for the same reason; they are left out of copied text. */
  lineNo: `color:${COLOR.muted};user-select:none;-webkit-user-select:none`,
  footer: `font-size:11px;color:${COLOR.muted};margin-top:6px`,
  // Explicit margins and layout: JupyterLab's stylesheet centres tables and fixes their layout.
  table: "border-collapse:collapse;margin:4px 0;border:none;width:auto;table-layout:auto",
  th: "text-align:left;font-weight:600;padding:3px 10px;border:none;border-bottom:1px solid rgba(128,128,128,0.5);background:transparent;white-space:nowrap",
  td: "text-align:left;padding:3px 10px;border:none;border-bottom:1px solid rgba(128,128,128,0.2);background:transparent;white-space:nowrap",
  num: "text-align:right;font-variant-numeric:tabular-nums",
  tr: "background:transparent",
  details: "margin:0",
  summary: `cursor:pointer;color:${COLOR.muted};font-size:11.5px`,
  pre: `font-family:${FONT_MONO};font-size:12px;white-space:pre;margin:2px 0;padding:4px 8px;border-left:2px solid rgba(128,128,128,0.5);background:transparent;color:inherit;overflow-x:auto`,
} as const;

/** A small filled label; `fg` is its text colour, so it reads on any page background. */
export function pill(text: string, bg: string, fg: string, title?: string, extra = ""): Html {
  const style = `display:inline-block;padding:0 6px;border-radius:8px;font-family:${FONT_SANS};font-size:10.5px;font-weight:600;line-height:16px;vertical-align:baseline;white-space:nowrap;background:${bg};color:${fg};border:1px solid rgba(0,0,0,0.12)${extra ? `;${extra}` : ""}`;
  return h("span", { style, title }, text);
}

/** The outer element every renderer's HTML sits in. */
export function root(...children: Child[]): Html {
  return h("div", { style: STYLE.root }, ...children);
}

// ---- Go highlighting ------------------------------------------------------------------------

const TOKEN_STYLE: Partial<Record<GoTokenKind, string>> = {
  keyword: `color:${COLOR.keyword}`,
  builtin: `color:${COLOR.builtin}`,
  string: `color:${COLOR.string}`,
  rune: `color:${COLOR.string}`,
  number: `color:${COLOR.number}`,
  comment: `color:${COLOR.comment};font-style:italic`,
  directive: `color:${COLOR.directive};font-weight:600;background:rgba(178,106,0,0.12);border-radius:3px`,
  magic: `color:${COLOR.magic};font-weight:600`,
};

/**
 * Go source → escaped HTML with inline-coloured spans. Newlines are kept and no span crosses one,
 * so `highlightGo(src).split("\n")[k]` is the markup of line k+1 on its own.
 */
export function highlightGo(source: string): string {
  const out: string[] = [];
  for (const t of tokenizeGo(source)) {
    const style = TOKEN_STYLE[t.kind];
    if (!style) {
      out.push(escapeHtml(t.text));
      continue;
    }
    const open = `<span style="${style}">`;
    // A multi-line token (raw string, block comment) is closed and reopened around each newline.
    out.push(
      t.text
        .split("\n")
        .map((part) => (part === "" ? "" : open + escapeHtml(part) + "</span>"))
        .join("\n"),
    );
  }
  return out.join("");
}

/** highlightGo, one entry per source line (line 1 first). */
export function highlightGoLines(source: string): string[] {
  return highlightGo(source).split("\n");
}
