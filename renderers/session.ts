// %list's and %env's report → MIME bundle: the session's declarations, arguments and environment.

import type { MimeBundle } from "../kernel/protocol.js";
import { SESSION_MIME, type SessionReport } from "../kernel/reports/index.js";
import { FONT_MONO, STYLE, h, root } from "./html.js";

export function renderSession(report: SessionReport): MimeBundle {
  return { "text/plain": sessionText(report), "text/html": String(sessionHtml(report)), [SESSION_MIME]: report };
}

const RERUN = "Each cell runs as a fresh program: session variables are computed again in every run.";

function sessionText(r: SessionReport): string {
  const lines: string[] = [];
  if (r.view === "declarations") {
    if (r.declarations.length === 0) lines.push("the session declares nothing");
    else {
      const kw = Math.max(4, ...r.declarations.map((d) => d.kind.length));
      const nw = Math.max(4, ...r.declarations.map((d) => d.name.length));
      lines.push(`${"kind".padEnd(kw)}  ${"name".padEnd(nw)}  cell`);
      for (const d of r.declarations) lines.push(`${d.kind.padEnd(kw)}  ${d.name.padEnd(nw)}  cell[${d.cell}]`);
      if (r.declarations.some((d) => d.kind === "var")) lines.push(RERUN);
    }
  }
  lines.push(`args: ${r.args.length ? r.args.map((a) => JSON.stringify(a)).join(" ") : "(none)"}`);
  const env = Object.entries(r.env);
  lines.push(`env: ${env.length ? env.map(([k, v]) => `${k}=${v}`).join(" ") : "(none set by %env)"}`);
  return lines.join("\n");
}

function sessionHtml(r: SessionReport): ReturnType<typeof root> {
  const cell = `padding:2px 10px;border-bottom:1px solid #e9ecef;text-align:left;font-family:${FONT_MONO};font-size:12.5px`;
  const table =
    r.view === "declarations" && r.declarations.length
      ? h(
          "table",
          { style: "border-collapse:collapse;margin:4px 0" },
          h("tr", null, ...["kind", "name", "cell"].map((t) => h("th", { style: `${cell};font-weight:600` }, t))),
          ...r.declarations.map((d) => h("tr", null, h("td", { style: cell }, d.kind), h("td", { style: cell }, d.name), h("td", { style: cell }, `cell[${d.cell}]`))),
        )
      : r.view === "declarations"
        ? h("div", { style: STYLE.muted }, "the session declares nothing")
        : null;
  const env = Object.entries(r.env);
  return root(
    table,
    r.view === "declarations" && r.declarations.some((d) => d.kind === "var") ? h("div", { style: STYLE.muted }, RERUN) : null,
    h("div", { style: `font-family:${FONT_MONO};font-size:12.5px` }, `args: ${r.args.length ? r.args.map((a) => JSON.stringify(a)).join(" ") : "(none)"}`),
    h("div", { style: `font-family:${FONT_MONO};font-size:12.5px` }, `env: ${env.length ? env.map(([k, v]) => `${k}=${v}`).join(" ") : "(none set by %env)"}`),
  );
}
