#!/usr/bin/env node
// Regenerates the figures table of docs/RELIABILITY.md from test/artifacts/reliability.json, which
// `npm run test:reliability` writes. Only the text between the two markers is replaced.
// Usage: node test/reliability/report.js
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const figuresFile = join(root, "test", "artifacts", "reliability.json");
const docFile = join(root, "docs", "RELIABILITY.md");
const BEGIN = "<!-- reliability:begin -->";
const END = "<!-- reliability:end -->";
const ORDER = ["wire", "faulty", "interrupt", "load", "shell"];

const cell = (text) => String(text).replace(/\|/g, "\\|").replace(/\n/g, " ");

export function render(figures) {
  const m = figures.machine ?? {};
  const keys = [...ORDER.filter((k) => figures.sections?.[k]), ...Object.keys(figures.sections ?? {}).filter((k) => !ORDER.includes(k))];
  const dates = keys.map((k) => figures.sections[k].at).sort();
  const lines = [
    `Measured on ${m.cpu} (${m.cores} cores, ${m.memory_gib} GiB), ${m.kernel}, Node ${m.node}, ${m.go}; ` +
      `run ${dates.length ? `${dates[0].slice(0, 16).replace("T", " ")} to ${dates[dates.length - 1].slice(0, 16).replace("T", " ")} UTC` : "never"}.`,
  ];
  for (const key of keys) {
    const s = figures.sections[key];
    lines.push("", `### ${s.title}`, "", "| check | measured | result |", "| --- | --- | --- |");
    for (const row of s.rows) lines.push(`| ${cell(row.check)} | ${cell(row.figure)} | ${row.pass ? "pass" : "**FAIL**"} |`);
  }
  return lines.join("\n");
}

function main() {
  const figures = JSON.parse(readFileSync(figuresFile, "utf8"));
  const doc = readFileSync(docFile, "utf8");
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`${docFile} lacks the ${BEGIN} ... ${END} markers`);
  const next = doc.slice(0, begin + BEGIN.length) + "\n" + render(figures) + "\n" + doc.slice(end);
  writeFileSync(docFile, next);
  const rows = Object.values(figures.sections).flatMap((s) => s.rows);
  console.log(`${docFile}: ${rows.length} rows, ${rows.filter((r) => !r.pass).length} failing`);
}

main();
