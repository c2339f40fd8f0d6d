// Completion and inspection through gopls: the cell placed where the kernel would compose it
// (Session.candidate: the session's declarations, the cell's declarations beside them and its
// statements in main), that program sent to gopls as the overlay content of main.go, and the cursor
// mapped from the cell to the composed file through the `//line cell[N]:L:C` directive before the
// cell's piece. A cell that does not parse (it rarely does mid-typing) is split by small repairs or
// by lines instead. gopls's answers come back as Jupyter matches and MIME bundles (pure functions).

import type { MimeBundle } from "../kernel/protocol.js";
import type { Session } from "../kernel/session.js";
import type { Unit } from "../kernel/go/parse.js";
import { cellFile, lineDirective } from "../kernel/go/compose.js";
import { Gopls, INSTALL_HINT, locateGopls, type CompletionItem, type Hover } from "../kernel/go/gopls.js";
import { identifierStart, indexFromLineByteCol, lineByteColOf, locatePiece, lspPosition, type LspPosition } from "../kernel/go/positions.js";
import { repairs, roughSplit, type Piece } from "../kernel/go/tolerant.js";
import type { Match } from "./complete-magic.js";

/** Where the cursor is in the program gopls is given. */
export interface Target {
  files: Record<string, string>;
  file: "main.go" | "main_test.go";
  position: LspPosition;
  /** The composed file's text (to read gopls's ranges against). */
  text: string;
  /** The index in `text` that corresponds to index `cellIndex` of the cell. */
  index: number;
  cellIndex: number;
}

/** LSP CompletionItemKind -> the type names Jupyter front ends show. */
const KIND: Record<number, string> = {
  2: "method", 3: "function", 4: "function", 5: "field", 6: "variable", 7: "class", 8: "interface", 9: "module",
  10: "property", 13: "enum", 14: "keyword", 20: "enum member", 21: "constant", 22: "struct", 25: "type parameter",
};

export interface GoplsEditingOptions {
  session: Session;
  log: (line: string) => void;
  /** Use this gopls (null: none) instead of locating one. */
  gopls?: Gopls | null;
}

/** The session's gopls, located once, and the cell's place in the program it is shown. */
export class GoplsEditing {
  private gopls: Gopls | null | undefined;
  private locating: Promise<void> | undefined;
  private hinted = false;
  /** Package names the overlays have imported so far. */
  private readonly imported = new Set<string>();

  constructor(private readonly options: GoplsEditingOptions) {
    if (options.gopls !== undefined) this.gopls = options.gopls;
  }

  /** The gopls process id while one runs. */
  get pid(): number | undefined {
    return this.gopls?.pid;
  }

  /** gopls's matches for the identifier from `start` to `cursor`; null when gopls has no answer (in time). */
  async complete(code: string, cursor: number, start: number, deadline: number, current: () => boolean): Promise<Match[] | null> {
    const gopls = await this.located();
    if (!gopls) return null;
    const target = await this.target(code, cursor, start);
    if (!target || !current()) return null;
    const items = await gopls.completion(target.files, target.file, target.position, deadline);
    if (!items) return null;
    return toMatches(items, code.slice(start, cursor), target);
  }

  async hover(code: string, at: number, deadline: number, current: () => boolean): Promise<Hover | null> {
    const gopls = await this.located();
    if (!gopls) return null;
    const target = await this.target(code, at, identifierStart(code, at));
    if (!target || !current()) return null;
    return gopls.hover(target.files, target.file, target.position, deadline);
  }

  close(): void {
    this.gopls?.close();
  }

  /** gopls, located once; null when there is none (said once in the log, with how to install it). */
  private async located(): Promise<Gopls | null> {
    if (this.gopls === undefined) {
      const { session, log } = this.options;
      this.locating ??= locateGopls(session.go?.binary ?? null, session.goEnv).then((binary) => {
        if (!session.go) this.gopls = null;
        else if (!binary) {
          this.gopls = null;
          if (!this.hinted && session.goEnv.GOPERF_GOPLS !== "off") {
            this.hinted = true;
            log(`gopls is not on PATH nor in $(go env GOPATH)/bin: completion offers the session's names, keywords and magics only, and inspection the session's declarations and go doc. For package members, fields and methods: ${INSTALL_HINT}`);
          }
        } else {
          this.gopls = new Gopls({ binary, dir: session.workspace.dir, env: session.goEnv, goBinary: session.go.binary, log });
        }
      });
      await this.locating;
    }
    return this.gopls && this.gopls.usable ? this.gopls : null;
  }

  /**
   * The program gopls is given for a cursor at `cursor` in the cell, and where the cursor lands in
   * it; null when the cursor is in no piece of Go code (a blank line, an import line).
   */
  async target(code: string, cursor: number, identStart: number): Promise<Target | null> {
    const session = this.options.session;
    // Magic lines blanked with as many spaces: every index stays where it was.
    const go = code.replace(/^%[^\n]*/gm, (line) => " ".repeat(line.length));
    const pieces = await this.pieces(go, cursor, identStart);
    const piece = pieces.find((p) => p.start <= cursor && cursor <= p.end);
    if (!piece || piece.kind === "import") return null;
    const count = Math.max(0, ...session.declarations().map((d) => d.cell)) + 1;
    const units: Unit[] = pieces.map((p) => ({ ...lineByteColOf(go, p.start), kind: p.kind, names: p.names, text: go.slice(p.start, p.end), imports: p.imports, group: false }));
    // Imports once needed stay (unused ones are harmless: gopls's diagnostics are off), so that
    // gopls does not reload the package each time a cell uses another package.
    const declared = new Set([...session.declarations(), ...units].flatMap((d) => d.names));
    const files = await session.preview(units, count, [...this.imported].filter((n) => !declared.has(n)));
    for (const name of files.packages) if (Object.hasOwn(session.stdlibPackages(), name) || this.importable(name)) this.imported.add(name);
    const unit = units[pieces.indexOf(piece)];
    const directive = lineDirective(cellFile(count), unit.line, unit.col);
    for (const file of ["main.go", "main_test.go"] as const) {
      const text = file === "main.go" ? files.main : files.test;
      const at = locatePiece(text, directive, unit.text);
      if (at < 0) continue;
      const index = at + (cursor - piece.start);
      return {
        files: { "main.go": files.main, "main_test.go": files.test || "package main\n" },
        file,
        position: lspPosition(text, index),
        text,
        index,
        cellIndex: cursor,
      };
    }
    return null;
  }

  /** Whether a session import declares this package name. */
  private importable(name: string): boolean {
    return this.options.session
      .declarations()
      .some((d) => d.kind === "import" && (d.imports ?? []).some((i) => (i.name || i.path.split("/").pop()) === name));
  }

  /** The cell's pieces: exact when it parses, else after a small repair, else split by lines. */
  private async pieces(go: string, cursor: number, identStart: number): Promise<Piece[]> {
    const session = this.options.session;
    const exact = await session.split(go);
    if (exact.ok) return exact.units.map((u) => fromUnit(go, u, (i) => i));
    for (const repair of repairs(go, cursor, identStart)) {
      const split = await session.split(repair.text);
      if (split.ok) return split.units.map((u) => fromUnit(repair.text, u, repair.toOriginal)).filter((p) => p.end > p.start || p.start === cursor);
    }
    return roughSplit(go);
  }
}

/** A unit of `text` as a piece of the original cell (`toOriginal` undoes a repair's insertions). */
function fromUnit(text: string, u: Unit, toOriginal: (i: number) => number): Piece {
  const start = indexFromLineByteCol(text, u.line, u.col);
  // The cell's own `x := expr` stays a statement of main here: its text (the cursor's place) is
  // then the cell's byte for byte, and its names are in scope for what follows all the same.
  if (u.define !== undefined) return { kind: "stmt", names: [], start: toOriginal(start), end: toOriginal(start + u.text.length) };
  return { kind: u.kind, names: u.names, start: toOriginal(start), end: toOriginal(start + u.text.length), imports: u.imports };
}

/**
 * gopls's items as Jupyter matches: what each inserts in place of the identifier before the cursor
 * (`prefix`, which ends at `target.index` in the composed file). Prefix-filtered, case-insensitively
 * as gopls's matcher is set, whatever the server did; in gopls's order of relevance.
 */
export function toMatches(items: readonly CompletionItem[], prefix: string, target: Pick<Target, "text" | "index"> | null): Match[] {
  const out: Match[] = [];
  const seen = new Set<string>();
  const lower = prefix.toLowerCase();
  const ours = target ? lspPosition(target.text, target.index - prefix.length) : null;
  const lineOf = (n: number) => target!.text.split("\n")[n] ?? "";
  const sorted = items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => (a.item.sortText ?? "").localeCompare(b.item.sortText ?? "") || a.i - b.i)
    .map((x) => x.item);
  for (const item of sorted) {
    let text = item.textEdit?.newText ?? item.insertText ?? item.label;
    const edit = item.textEdit?.range.start;
    if (ours && edit && edit.line === ours.line && edit.character !== ours.character) {
      // The edit starts before or after the identifier being replaced: re-base its text.
      const line = lineOf(edit.line);
      if (edit.character < ours.character) {
        const lead = line.slice(edit.character, ours.character);
        if (!text.startsWith(lead)) continue;
        text = text.slice(lead.length);
      } else {
        text = line.slice(ours.character, edit.character) + text;
      }
    }
    if (!text || !text.toLowerCase().startsWith(lower) || seen.has(text)) continue;
    seen.add(text);
    out.push({ text, type: KIND[item.kind ?? 0] ?? "", signature: item.detail });
  }
  return out;
}

/** gopls's hover (Markdown) as a bundle: text/markdown as given, text/plain without the markup. */
export function hoverBundle(hover: Hover): MimeBundle | null {
  const contents = hover.contents;
  const markdown = (Array.isArray(contents) ? contents : [contents])
    .map((c) => (typeof c === "string" ? c : "language" in c ? "```" + c.language + "\n" + c.value + "\n```" : c.value))
    .join("\n\n");
  // The session's package is no module on pkg.go.dev: drop links there.
  const cleaned = markdown
    .replace(/\n*(---\s*\n+)?\[[^\]\n]*\]\(https:\/\/pkg\.go\.dev\/goperf\.session[^)\n]*\)\s*$/, "")
    .replace(/(\n+---\s*)+$/, "")
    .trim();
  if (!cleaned) return null;
  return { "text/plain": plainFromMarkdown(cleaned), "text/markdown": cleaned };
}

/**
 * gopls's hover Markdown as plain text: code fences and rules dropped, links as "text (url)",
 * escapes undone. Hand-written: gopls's hovers use that much Markdown and no more, and markdown-it
 * renders HTML, not text (its tokens would need a text renderer longer than this).
 */
export function plainFromMarkdown(markdown: string): string {
  return markdown
    .split("\n")
    .filter((line) => !/^```/.test(line) && !/^---\s*$/.test(line))
    .map((line) => line.replace(/\[([^\]]*)\]\(([^)]*)\)/g, "$1 ($2)").replace(/\\([\\`*_{}[\]()#+\-.!<>|])/g, "$1"))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
