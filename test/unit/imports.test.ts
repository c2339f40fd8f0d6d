// The shape of the house, read from the sources: which directory imports which. TypeScript's own
// pre-processor lists each file's imports and re-exports (static and dynamic), so a renamed import
// or a lazy `await import(...)` counts the same as any other.
import { expect } from "chai";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { ROOT } from "../helpers/paths.js";

/** The source trees of the kernel and its extension (tests and bench sit on top: they may import anything). */
const TREES = ["kernel", "magics", "renderers", "bin"];
/**
 * The composition root wires every layer together (transport, handler, the magics' dispatcher), so
 * it is its own node rather than part of kernel/: counting it there would make kernel/ import
 * magics/, which imports kernel/'s session and protocol.
 */
const ROOTS = new Set(["kernel/main.ts"]);
const IGNORED = /(^|\/)(node_modules|lib|labextension)\//;

function sources(): string[] {
  return TREES.flatMap((tree) =>
    readdirSync(join(ROOT, tree), { recursive: true })
      .map((f) => `${tree}/${String(f)}`)
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !IGNORED.test(f)),
  );
}

/** A file's node: its directory, or itself for a composition root. */
const nodeOf = (file: string) => (ROOTS.has(file) ? file : dirname(file));

interface Edge {
  from: string;
  to: string;
  /** The file and the import that make the edge, for the failure message. */
  why: string;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of sources()) {
    const info = ts.preProcessFile(readFileSync(join(ROOT, file), "utf8"), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith(".")) continue; // a package or node: builtin
      const target = relative(ROOT, resolve(ROOT, dirname(file), fileName)).replace(/\.js$/, ".ts");
      out.push({ from: nodeOf(file), to: nodeOf(target), why: `${file} imports ${fileName}` });
    }
  }
  return out;
}

/** Cycles between nodes (Tarjan's strongly connected components of more than one node). */
function cycles(all: Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of all) if (e.from !== e.to) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("the import graph between directories", () => {
  const all = edges();

  it("reads the sources (a sanity check on the reader itself)", () => {
    expect(all.length).to.be.greaterThan(100);
    expect(all.some((e) => e.from === "magics" && e.to === "kernel/reports")).to.equal(true);
    // The reader counts dynamic imports too.
    const probe = ts.preProcessFile('const m = await import("../x/y.js");', true, true);
    expect(probe.importedFiles.map((f) => f.fileName)).to.deep.equal(["../x/y.js"]);
  });

  it("has no cycle: no directory imports one that imports it back", () => {
    const found = cycles(all);
    const explain = found.map((c) => c.join(" <-> ") + "\n    " + all.filter((e) => c.includes(e.from) && c.includes(e.to) && e.from !== e.to).map((e) => e.why).join("\n    "));
    expect(explain, "import cycles between directories").to.deep.equal([]);
  });

  it("finds a cycle when there is one (the checker itself can fail)", () => {
    expect(cycles([{ from: "a", to: "b", why: "" }, { from: "b", to: "c", why: "" }, { from: "c", to: "a", why: "" }, { from: "c", to: "d", why: "" }])).to.deep.equal([["a", "b", "c"]]);
    expect(cycles([{ from: "a", to: "b", why: "" }, { from: "b", to: "c", why: "" }])).to.deep.equal([]);
  });

  it("keeps kernel/go free of the rest of goperf", () => {
    const out = all.filter((e) => e.from === "kernel/go" && e.to !== "kernel/go").map((e) => e.why);
    expect(out).to.deep.equal([]);
  });

  it("keeps the published schema (kernel/reports) standing alone", () => {
    const out = all.filter((e) => e.from === "kernel/reports" && e.to !== "kernel/reports").map((e) => e.why);
    expect(out).to.deep.equal([]);
    expect(all.filter((e) => e.from === "kernel/reports").length, "kernel/reports/index.ts re-exports its files").to.be.greaterThan(0);
  });

  it("lets the JupyterLab extension import only browser-safe modules: the schema, renderers' formatting, Go tokens", () => {
    const allowed = new Set(["renderers/jupyterlab/src", "kernel/reports", "renderers", "kernel/go"]);
    const out = all.filter((e) => e.from === "renderers/jupyterlab/src" && !allowed.has(e.to)).map((e) => e.why);
    expect(out).to.deep.equal([]);
  });
});
