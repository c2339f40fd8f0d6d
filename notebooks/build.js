#!/usr/bin/env node
// Builds the chapter notebooks from their plain-text sources: notebooks/src/NAME.txt ->
// notebooks/NAME.ipynb, unexecuted (run it with `goperf run`). No dependencies.
//
// Source format: a line `<!-- cell: markdown -->` or `<!-- cell: code -->` starts a cell; a name
// after the type (`<!-- cell: code exp1-escape -->`) becomes the cell id's slug. Everything up to
// the next such line is the cell's text, byte for byte (tabs kept), minus leading and trailing
// blank lines. Text before the first cell line is a preamble for the source's reader and is
// dropped. Cell ids are `NN-slug`: NN the cell's 1-based position, the slug the cell's name, else
// made from its first heading (markdown) or its first declared name or magic (code), so the same
// source always gives the same ids.
//
//   node notebooks/build.js [NAME ...]          build notebooks/NAME.ipynb from notebooks/src/NAME.txt
//                                               (every source when no NAME is given)
//   node notebooks/build.js --check [NAME ...]  exit 1 when a notebook's cells (ids, types, sources)
//                                               differ from its source; writes nothing

import { readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const SRC = join(HERE, "src");
const DELIMITER = /^<!--\s*cell:\s*(markdown|code)(?:\s+([^\s]+))?\s*-->\s*$/;
const KERNELSPEC = { name: "goperf", display_name: "Go (perf)", language: "go" };

export function parseSource(text, name = "source") {
  const cells = [];
  let current = null;
  text.replace(/\r\n?/g, "\n").split("\n").forEach((line, i) => {
    const m = DELIMITER.exec(line);
    if (m) {
      current = { type: m[1], name: m[2], line: i + 1, lines: [] };
      cells.push(current);
    } else if (current) current.lines.push(line);
  });
  if (cells.length === 0) throw new Error(`${name}: no cells (a cell starts with a line <!-- cell: markdown --> or <!-- cell: code -->)`);
  return cells.map((c) => {
    const lines = [...c.lines];
    while (lines.length && lines[0].trim() === "") lines.shift();
    while (lines.length && lines[lines.length - 1].trim() === "") lines.pop();
    if (lines.length === 0) throw new Error(`${name}:${c.line}: empty ${c.type} cell`);
    return { type: c.type, name: c.name, text: lines.join("\n"), line: c.line };
  });
}

function slugify(text) {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
}

function autoSlug(cell) {
  const lines = cell.text.split("\n");
  if (cell.type === "markdown") {
    const heading = lines.find((l) => /^#{1,6}\s/.test(l));
    return slugify((heading ?? lines[0]).replace(/^#+\s*/, "")) || "markdown";
  }
  const decl = lines.map((l) => /^(?:func(?:\s*\([^)]*\))?|type|var|const)\s+([A-Za-z_]\w*)/.exec(l)).find(Boolean);
  if (decl) return slugify(decl[1]);
  const magic = lines.find((l) => l.startsWith("%"));
  return slugify(magic ?? lines[0]) || "code";
}

export function buildNotebook(cells) {
  const seen = new Set();
  return {
    cells: cells.map((cell, i) => {
      const id = `${String(i + 1).padStart(2, "0")}-${cell.name ? slugify(cell.name) : autoSlug(cell)}`.slice(0, 64);
      if (seen.has(id)) throw new Error(`duplicate cell id ${id}`);
      seen.add(id);
      const source = splitLines(cell.text);
      if (cell.type === "markdown") return { cell_type: "markdown", id, metadata: {}, source };
      return { cell_type: "code", execution_count: null, id, metadata: {}, outputs: [], source };
    }),
    metadata: { kernelspec: { ...KERNELSPEC } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/** Jupyter's way of storing text: lines, each but the last keeping its newline. */
function splitLines(text) {
  const parts = text.split("\n");
  return parts.map((l, i) => (i < parts.length - 1 ? l + "\n" : l)).filter((l) => l !== "");
}

/** Sorted keys, one-space indent, final newline: the shape Jupyter writes. */
export function serialize(nb) {
  const sort = (v) =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])])) : v;
  return JSON.stringify(sort(nb), null, 1) + "\n";
}

function differences(stored, built) {
  const out = [];
  const text = (c) => (Array.isArray(c.source) ? c.source.join("") : c.source);
  const n = Math.max(stored.cells.length, built.cells.length);
  for (let i = 0; i < n; i++) {
    const a = stored.cells[i];
    const b = built.cells[i];
    if (!a || !b) out.push(`cell ${i + 1}: ${a ? "not in the source" : "not in the notebook"}`);
    else if (a.id !== b.id || a.cell_type !== b.cell_type || text(a) !== text(b)) out.push(`cell ${i + 1} (${b.id}): differs from the source`);
  }
  return out;
}

function main(argv) {
  const check = argv.includes("--check");
  const names = argv.filter((a) => a !== "--check");
  const targets = names.length ? names.map((n) => n.replace(/\.(txt|ipynb)$/, "").replace(/^.*\//, "")) : readdirSync(SRC).filter((f) => f.endsWith(".txt")).map((f) => f.slice(0, -4));
  let failed = false;
  for (const name of targets) {
    const src = join(SRC, `${name}.txt`);
    const out = join(HERE, `${name}.ipynb`);
    const nb = buildNotebook(parseSource(readFileSync(src, "utf8"), src));
    if (check) {
      const diffs = existsSync(out) ? differences(JSON.parse(readFileSync(out, "utf8")), nb) : [`${out} does not exist`];
      for (const d of diffs) console.error(`${name}: ${d}`);
      failed ||= diffs.length > 0;
      if (!diffs.length) console.log(`${name}: the notebook's cells match the source`);
    } else {
      writeFileSync(out, serialize(nb));
      console.log(`wrote ${out} (${nb.cells.length} cells, unexecuted)`);
    }
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(`build.js: ${err.message}`);
    process.exitCode = 2;
  }
}
