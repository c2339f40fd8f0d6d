// %mod, %get and %use's report → MIME bundle: the requirements as a table (text and HTML), what
// changed, and the report itself (vendor JSON).

import type { MimeBundle } from "../kernel/protocol.js";
import { MODULES_MIME, type ModuleChange, type ModuleRequirement, type ModulesReport } from "../kernel/reports/modules.js";
import { COLOR, STYLE, h, pill, root } from "./html.js";

export function renderModules(report: ModulesReport): MimeBundle {
  return { "text/plain": modulesText(report), "text/html": String(modulesHtml(report)), [MODULES_MIME]: report };
}

function source(r: ModuleRequirement): string {
  if (!r.replace) return "module proxy";
  return r.replace.version ? `replaced by ${r.replace.path} ${r.replace.version}` : `${r.replace.path} (on disk)`;
}

function change(c: ModuleChange): string {
  if (c.before === null) return `added ${c.path} ${c.after}`;
  if (c.after === null) return `removed ${c.path} ${c.before}`;
  return `${c.path} ${c.before} => ${c.after}`;
}

function summary(report: ModulesReport): string {
  const direct = report.requires.filter((r) => !r.indirect).length;
  const n = report.requires.length;
  if (n === 0) return `module ${report.module}, go ${report.go_line}: no requirements (cells use the standard library only)`;
  return `module ${report.module}, go ${report.go_line}: ${n} ${n === 1 ? "requirement" : "requirements"} (${direct} direct)`;
}

export function modulesText(report: ModulesReport): string {
  const lines = [summary(report)];
  const width = Math.max(0, ...report.requires.map((r) => r.path.length));
  const vwidth = Math.max(0, ...report.requires.map((r) => r.version.length));
  for (const r of report.requires) lines.push(`  ${r.path.padEnd(width)}  ${r.version.padEnd(vwidth)}  ${r.indirect ? "indirect" : "direct  "}  ${source(r)}`);
  for (const c of report.changes ?? []) lines.push(change(c));
  if (report.changes && report.changes.length === 0) lines.push("no requirement changed");
  return lines.join("\n");
}

function modulesHtml(report: ModulesReport): ReturnType<typeof root> {
  const changed = new Map((report.changes ?? []).map((c) => [c.path, c]));
  const head = h("tr", { style: STYLE.tr }, ...["module", "version", "", "from"].map((t) => h("th", { style: STYLE.th }, t)));
  const rows = report.requires.map((r) => {
    const c = changed.get(r.path);
    return h(
      "tr",
      { style: STYLE.tr },
      h("td", { style: `${STYLE.td};${STYLE.mono}` }, r.path),
      h("td", { style: `${STYLE.td};${STYLE.mono}` }, c && c.before !== null ? `${c.before} → ${r.version}` : r.version),
      h("td", { style: STYLE.td }, r.indirect ? h("span", { style: STYLE.muted }, "indirect") : null, c ? [" ", pill(c.before === null ? "added" : "changed", COLOR.good, "#ffffff")] : null),
      h("td", { style: `${STYLE.td};${STYLE.muted}` }, source(r)),
    );
  });
  const removed = (report.changes ?? []).filter((c) => c.after === null).map((c) => h("div", { style: STYLE.muted }, change(c)));
  return root(
    h("div", { style: STYLE.heading }, summary(report)),
    report.requires.length ? h("table", { style: STYLE.table }, h("thead", {}, head), h("tbody", {}, ...rows)) : null,
    ...removed,
    report.changes && report.changes.length === 0 ? h("div", { style: STYLE.muted }, "no requirement changed") : null,
    h("div", { style: STYLE.footer }, report.go_version),
  );
}
