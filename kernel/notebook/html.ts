// A notebook as one standalone HTML page (no scripts, no external files): Markdown cells rendered,
// code cells with their `In [N]:` prompts, each output by its text/html, else an image, else its
// text/plain (escaped), errors in red. Pure.

import { escapeHtml, highlightGo } from "../../renderers/html.js";
import { renderMarkdown } from "./markdown.js";
import { joinText, type Cell, type CodeCell, type MimeData, type Notebook, type Output } from "./nbformat.js";

export interface HtmlOptions {
  /** The page title; defaults to the notebook's first heading. */
  title?: string;
  /** Go source -> highlighted, safe HTML (renderers' highlightGo unless given). */
  highlightGo?: (code: string) => string;
}

export function notebookToHtml(nb: Notebook, options: HtmlOptions = {}): string {
  const highlight = options.highlightGo ?? highlightGo;
  const codeBlock = (code: string, lang: string) => (/^go(lang)?$/i.test(lang) ? highlight(code) : escapeHtml(code));
  const body = nb.cells.map((cell) => renderCell(cell, highlight, codeBlock)).join("\n");
  const title = options.title ?? firstHeading(nb) ?? "Notebook";
  const lang = nb.metadata.language_info?.name ?? nb.metadata.kernelspec?.language ?? "";
  const kernel = nb.metadata.kernelspec?.display_name;
  const incomplete = nb.metadata.goperf?.incomplete
    ? `<div class="banner">This run did not finish: the kernel died at cell ${nb.metadata.goperf.failed_cell ?? "?"}. Outputs after it are missing.</div>\n`
    : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="goperf">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main class="notebook" data-language="${escapeHtml(lang)}">
${kernel ? `<div class="kernel">${escapeHtml(kernel)}</div>\n` : ""}${incomplete}${body}
</main>
</body>
</html>
`;
}

function renderCell(cell: Cell, highlight: (code: string) => string, codeBlock: (code: string, lang: string) => string): string {
  const source = joinText(cell.source);
  switch (cell.cell_type) {
    case "markdown":
      return `<section class="cell markdown">\n${renderMarkdown(source, { highlight: codeBlock })}\n</section>`;
    case "raw":
      return `<section class="cell raw"><pre>${escapeHtml(source)}</pre></section>`;
    case "code":
      return renderCodeCell(cell, source, highlight);
  }
}

function renderCodeCell(cell: CodeCell, source: string, highlight: (code: string) => string): string {
  const count = cell.execution_count ?? " ";
  const input = `<div class="input"><div class="prompt">In&nbsp;[${count}]:</div><pre class="source"><code class="language-go">${highlight(source)}</code></pre></div>`;
  const outputs = cell.outputs.map(renderOutput).join("\n");
  return `<section class="cell code"${cell.id ? ` id="cell-${escapeHtml(cell.id)}"` : ""}>\n${input}\n${outputs ? `<div class="outputs">\n${outputs}\n</div>\n` : ""}</section>`;
}

export function renderOutput(output: Output): string {
  switch (output.output_type) {
    case "stream":
      return `<div class="output"><div class="prompt"></div><pre class="stream ${output.name}">${escapeHtml(stripAnsi(joinText(output.text)))}</pre></div>`;
    case "error": {
      const trace = output.traceback.length ? output.traceback.join("\n") : `${output.ename}: ${output.evalue}`;
      return `<div class="output"><div class="prompt"></div><pre class="error">${escapeHtml(stripAnsi(trace))}</pre></div>`;
    }
    case "display_data":
      return `<div class="output"><div class="prompt"></div>${renderBundle(output.data)}</div>`;
    case "execute_result":
      return `<div class="output"><div class="prompt">Out[${output.execution_count ?? " "}]:</div>${renderBundle(output.data)}</div>`;
  }
}

/** The richest representation a static page can show safely: what nbconvert would choose. */
export function renderBundle(data: MimeData): string {
  const text = (mime: string) => (data[mime] === undefined ? undefined : mimeText(data[mime]));
  const html = text("text/html");
  if (html !== undefined) return `<div class="html">${html}</div>`;
  for (const mime of ["image/png", "image/jpeg", "image/gif"]) {
    const b64 = text(mime);
    if (b64 !== undefined) return `<img class="image" src="data:${mime};base64,${escapeHtml(b64.replace(/\s+/g, ""))}" alt="">`;
  }
  const svg = text("image/svg+xml");
  // As an image, not inline: an <img> never runs the SVG's scripts.
  if (svg !== undefined) return `<img class="image" src="data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}" alt="">`;
  const markdown = text("text/markdown");
  if (markdown !== undefined) return `<div class="markdown">${renderMarkdown(markdown)}</div>`;
  const plain = text("text/plain");
  if (plain !== undefined) return `<pre class="plain">${escapeHtml(stripAnsi(plain))}</pre>`;
  const json = Object.keys(data).find((m) => m === "application/json" || m.endsWith("+json"));
  if (json) return `<pre class="plain">${escapeHtml(JSON.stringify(data[json], null, 2))}</pre>`;
  return `<pre class="plain">${escapeHtml(`[output of type ${Object.keys(data).join(", ") || "none"}]`)}</pre>`;
}

function mimeText(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.join("");
  return JSON.stringify(value);
}

export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "");
}

function firstHeading(nb: Notebook): string | undefined {
  for (const cell of nb.cells) {
    if (cell.cell_type !== "markdown") continue;
    const m = /^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/m.exec(joinText(cell.source));
    if (m) return m[1].replace(/[`*_]/g, "");
  }
  return undefined;
}

const STYLE = `
body{margin:0;background:#fff;color:#1f2328;font:15px/1.55 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif}
.notebook{max-width:1000px;margin:0 auto;padding:24px 16px 64px}
.kernel{color:#57606a;font-size:13px;text-align:right;margin-bottom:8px}
.banner{background:#fff1f0;border:1px solid #d1242f;color:#82071e;padding:8px 12px;border-radius:6px;margin:8px 0}
.cell{margin:10px 0}
.cell.markdown{padding:0 8px 0 88px}
.cell.markdown h1,.cell.markdown h2{border-bottom:1px solid #d8dee4;padding-bottom:.3em}
.cell.markdown table{border-collapse:collapse;margin:8px 0}
.cell.markdown th,.cell.markdown td{border:1px solid #d0d7de;padding:4px 10px}
.cell.markdown blockquote{margin:0;padding:0 1em;color:#57606a;border-left:4px solid #d0d7de}
.cell.markdown code{background:#f2f4f6;padding:.1em .3em;border-radius:4px;font-size:90%}
.cell.markdown pre code{background:none;padding:0;font-size:100%}
pre,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
pre{margin:0;white-space:pre-wrap;word-wrap:break-word;tab-size:4}
.cell.markdown pre,.cell.raw pre{background:#f6f8fa;border-radius:6px;padding:10px 12px}
.input,.output{display:flex;align-items:flex-start}
.prompt{flex:0 0 80px;padding:6px 8px 0 0;text-align:right;color:#303f9f;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;white-space:nowrap}
.output .prompt{color:#d84315}
.input pre.source{flex:1;min-width:0;background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px 12px}
.output>pre,.output>.html,.output>img,.output>.markdown{flex:1;min-width:0;padding:6px 4px;overflow-x:auto}
.output>img{flex:0 1 auto;max-width:100%}
pre.stream.stderr{background:#fdd}
pre.error{color:#b00020;background:#fff0f0;border-left:3px solid #d1242f;padding-left:8px}
`;
