// The evidence %expect's claims about generated code need, gathered as %bce, %asm and %layout
// gather it (the same flags, the same readers), and only when a claim needs it: a cell of
// escape claims compiles once, as before.

import { cellFunctions, parseListing } from "../kernel/go/asmlisting.js";
import type { Decl } from "../kernel/go/compose.js";
import type { LayoutType } from "../kernel/reports/layout.js";
import type { CellError, GoUse, Staged } from "../kernel/session.js";
import { ASM_FLAGS } from "./asm.js";
import { BCE_FLAGS, checksIn } from "./bce.js";
import type { ClaimSpec, CodeEvidence } from "./claims.js";
import { compileError } from "./dispatcher.js";
import { enclosingFunc } from "./escape.js";
import type { MagicContext } from "./types.js";

export interface CodeNeeds {
  bce: boolean;
  asm: boolean;
  /** Types named by layout claims. */
  layout: string[];
}

export function codeNeeds(specs: readonly ClaimSpec[]): CodeNeeds {
  const inner = specs.map((s) => (s.type === "releases" ? s.inner : s));
  return {
    bce: inner.some((s) => s.type === "no-bounds-checks" || s.type === "bounds-checks"),
    asm: inner.some((s) => s.type === "asm"),
    layout: [...new Set(specs.flatMap((s) => (s.type === "layout" ? [s.typeName] : [])))],
  };
}

/** Compiles the staged session with %bce's and/or %asm's flags, as `use` says (a release). */
export async function codeEvidence(ctx: MagicContext, needs: CodeNeeds, decls: readonly Decl[], use: GoUse = {}): Promise<CodeEvidence | CellError> {
  const out: CodeEvidence = {};
  const funcAt = (cell: number, line: number) => enclosingFunc(decls, cell, line);
  const cells = [...new Set(decls.map((d) => d.cell))].map((cell) => ({ cell, source: "" }));
  if (needs.bce) {
    const c = await ctx.session.compile(BCE_FLAGS, ctx.signal, use);
    if (!c.ok) return compileError(c.output);
    out.bce = checksIn(c.output, { cells, funcAt });
  }
  if (needs.asm) {
    const c = await ctx.session.compile(ASM_FLAGS, ctx.signal, use);
    if (!c.ok) return compileError(c.output);
    out.asm = cellFunctions(parseListing(c.output), funcAt);
  }
  return out;
}

/** The layouts of the named types; a name that is not a struct gets no layout (its claim says so). */
export async function layoutEvidence(ctx: MagicContext, staged: Staged, names: readonly string[]): Promise<LayoutType[]> {
  const goarch = ctx.session.go?.goarch;
  if (!goarch) return [];
  const result = await ctx.session.layout(staged, goarch, names);
  return result.types ?? [];
}
