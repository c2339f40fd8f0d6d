// Markdown -> HTML for notebook pages, by markdown-it (CommonMark, plus GFM tables and
// strikethrough). Safe by configuration: raw HTML in the Markdown is off (shown as text), every
// piece of text is escaped by markdown-it, and a link or image keeps its URL only when safeUrl
// allows it. What goperf adds: that URL policy, and heading ids as JupyterLab makes them (so that
// a page's #anchors match the notebook's).

import MarkdownIt from "markdown-it";

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

function parser(highlight?: MarkdownOptions["highlight"]) {
  const md = new MarkdownIt("default", {
    html: false,
    linkify: false,
    typographer: false,
    // markdown-it wraps what this returns in <pre><code class="language-LANG">; "" lets it escape.
    highlight: highlight ?? null,
  });
  // Narrower than markdown-it's own check (which allows data: images): http(s), mailto, relative.
  md.validateLink = (url) => safeUrl(url) !== null;
  md.core.ruler.push("heading_ids", (state) => {
    const env = state.env as { slugs?: Map<string, number> };
    const slugs = (env.slugs ??= new Map<string, number>());
    state.tokens.forEach((token, i) => {
      if (token.type !== "heading_open") return;
      const words = (state.tokens[i + 1].children ?? []).filter((c) => c.type === "text" || c.type === "code_inline").map((c) => c.content);
      token.attrSet("id", slug(words.join(""), slugs));
    });
  });
  return md;
}

/** Heading ids as JupyterLab makes them: the text with spaces as dashes, unique in the page. */
function slug(text: string, slugs: Map<string, number>): string {
  const base = text.trim().replace(/\s+/g, "-") || "section";
  const n = slugs.get(base) ?? 0;
  slugs.set(base, n + 1);
  return n === 0 ? base : `${base}-${n}`;
}

const plain = parser();
/** One parser per highlighter (a page renders all its cells with one). */
const highlighted = new WeakMap<NonNullable<MarkdownOptions["highlight"]>, typeof plain>();

export function renderMarkdown(source: string, options: MarkdownOptions = {}): string {
  const { highlight } = options;
  let md = plain;
  if (highlight) {
    md = highlighted.get(highlight) ?? parser(highlight);
    highlighted.set(highlight, md);
  }
  return md.render(source, {}).trimEnd();
}

/** Inline Markdown (no paragraphs) -> HTML. */
export function inline(text: string): string {
  return plain.renderInline(text, {});
}
