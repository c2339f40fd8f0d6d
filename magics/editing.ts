// Completion and inspection, as in an IDE: over the session's code plus the cell being edited.
//
// The cell is placed where the kernel would compose it (Session.candidate: the session's
// declarations, the cell's declarations beside them and its statements in main), and that program
// goes to gopls as the overlay content of main.go; the cursor is mapped from the cell to the
// composed file through the `//line cell[N]:L:C` directive before the cell's piece. A cell that does
// not parse (it rarely does mid-typing) is split by small repairs or by lines instead.
//
// Budget: every answer comes within `budgetMs` (1.8 s, under the 2 s promise): whatever gopls has
// not answered by then is dropped and the local answer is given (session names, keywords,
// predeclared names and packages for completion; the session's own declarations and `go doc` for
// inspection). Magic lines complete and inspect from the magics' option declarations alone.
//
// While a cell runs: complete_request and inspect_request come on the shell channel, which the
// handler serves in order, so they are answered after the running cell, as IPython does (the
// protocol allows a late answer; front ends drop the stale ones). A request is then answered within
// the budget, so it holds up the next cell for at most that long, and it never touches the
// control channel. gopls itself is asked nothing while a cell runs.

import type { MimeBundle } from "../kernel/protocol.js";
import type { Session } from "../kernel/session.js";
import type { Unit } from "../kernel/go/parse.js";
import { cellFile, lineDirective } from "../kernel/go/compose.js";
import { Gopls, INSTALL_HINT, locateGopls, type CompletionItem, type Hover } from "../kernel/go/gopls.js";
import {
  codePointsFromIndex,
  identifierEnd,
  identifierStart,
  indexFromCodePoints,
  indexFromLineByteCol,
  lineByteColOf,
  locatePiece,
  lspPosition,
  type LspPosition,
} from "../kernel/go/positions.js";
import { repairs, roughSplit, type Piece } from "../kernel/go/tolerant.js";
import { run } from "../kernel/go/toolchain.js";
import { usage, type OptionSpec } from "./args.js";
import { splitWords } from "../kernel/magicline.js";
import type { Magic } from "./types.js";

export interface CompleteReply {
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata: Record<string, unknown>;
}

export interface InspectReply {
  found: boolean;
  data: MimeBundle;
}

export interface EditingOptions {
  session: Session;
  magics: () => readonly Magic[];
  log: (line: string) => void;
  /** How long an answer may take, everything included. */
  budgetMs?: number;
  /** Use this gopls (null: none) instead of locating one. */
  gopls?: Gopls | null;
}

export const DEFAULT_BUDGET_MS = 1800;

interface Match {
  text: string;
  type: string;
  signature?: string;
}

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

export const GO_KEYWORDS = [
  "break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough", "for", "func", "go", "goto",
  "if", "import", "interface", "map", "package", "range", "return", "select", "struct", "switch", "type", "var",
];

const PREDECLARED: Record<string, string> = {
  ...Object.fromEntries(
    ("any bool byte comparable complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string uint uint8 " +
      "uint16 uint32 uint64 uintptr")
      .split(" ")
      .map((n) => [n, "type"]),
  ),
  ...Object.fromEntries(["true", "false", "iota"].map((n) => [n, "constant"])),
  nil: "variable",
  ...Object.fromEntries(
    "append cap clear close complex copy delete imag len make max min new panic print println real recover".split(" ").map((n) => [n, "function"]),
  ),
};

/** LSP CompletionItemKind -> the type names Jupyter front ends show. */
const KIND: Record<number, string> = {
  2: "method", 3: "function", 4: "function", 5: "field", 6: "variable", 7: "class", 8: "interface", 9: "module",
  10: "property", 13: "enum", 14: "keyword", 20: "enum member", 21: "constant", 22: "struct", 25: "type parameter",
};

export class Editing {
  private gopls: Gopls | null | undefined;
  private locating: Promise<void> | undefined;
  private hinted = false;
  private generation = 0;
  /** Package names the overlays have imported so far. */
  private readonly imported = new Set<string>();
  private readonly budget: number;

  constructor(private readonly options: EditingOptions) {
    this.budget = options.budgetMs ?? DEFAULT_BUDGET_MS;
    if (options.gopls !== undefined) this.gopls = options.gopls;
  }

  /** The gopls process id while one runs. */
  get goplsPid(): number | undefined {
    return this.gopls?.pid;
  }

  async complete(code: string, cursorPos: number): Promise<CompleteReply> {
    const deadline = Date.now() + this.budget;
    const generation = ++this.generation;
    const cursor = indexFromCodePoints(code, clampCount(cursorPos));
    const reply = (matches: Match[], start: number, end = cursor): CompleteReply => {
      const [s, e] = [codePointsFromIndex(code, start), codePointsFromIndex(code, end)];
      return {
        matches: matches.map((m) => m.text),
        cursor_start: s,
        cursor_end: e,
        metadata: {
          _jupyter_types_experimental: matches.map((m) => ({ start: s, end: e, text: m.text, type: m.type, signature: m.signature ?? "" })),
        },
      };
    };
    try {
      const lineStart = code.lastIndexOf("\n", cursor - 1) + 1;
      if (code[lineStart] === "%") {
        const { matches, start } = this.completeMagic(code, lineStart, cursor);
        return reply(matches, start);
      }
      // A match replaces the whole identifier at the cursor (`fmt.Sp|rintln`), not only what precedes it.
      const start = identifierStart(code, cursor);
      const end = identifierEnd(code, cursor);
      const prefix = code.slice(start, cursor);
      const member = code[start - 1] === ".";
      const viaGopls = await beforeDeadline(this.completeWithGopls(code, cursor, start, deadline, generation), deadline);
      if (viaGopls) return reply(member ? viaGopls : [...viaGopls, ...this.packageMatches(prefix, viaGopls)], start, end);
      return reply(this.localMatches(prefix, member), start, end);
    } catch (err) {
      this.options.log(`complete_request: ${(err as Error).stack ?? err}`);
      return reply([], cursor);
    }
  }

  async inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<InspectReply> {
    const deadline = Date.now() + this.budget;
    const generation = ++this.generation;
    const cursor = indexFromCodePoints(code, clampCount(cursorPos));
    try {
      const lineStart = code.lastIndexOf("\n", cursor - 1) + 1;
      if (code[lineStart] === "%") return this.inspectMagic(code, lineStart);
      const name = nameAround(code, cursor);
      if (!name) return { found: false, data: {} };
      const hover = await beforeDeadline(this.hoverWithGopls(code, name.start, deadline, generation), deadline);
      const bundle = hover ? hoverBundle(hover) : null;
      const decl = this.sessionDecl(name.qualifier ? null : code.slice(name.start, name.end));
      if (bundle) {
        if (detailLevel === 1 && decl) addSource(bundle, decl);
        return { found: true, data: bundle };
      }
      if (decl) {
        const bundle: MimeBundle = { "text/plain": "", "text/markdown": "" };
        addSource(bundle, decl);
        return { found: true, data: bundle };
      }
      const doc = await this.goDoc(code, name, deadline);
      return doc ? { found: true, data: doc } : { found: false, data: {} };
    } catch (err) {
      this.options.log(`inspect_request: ${(err as Error).stack ?? err}`);
      return { found: false, data: {} };
    }
  }

  close(): void {
    this.gopls?.close();
  }

  // ---- gopls --------------------------------------------------------------------------------

  private async completeWithGopls(code: string, cursor: number, start: number, deadline: number, generation: number): Promise<Match[] | null> {
    const gopls = await this.goplsFor();
    if (!gopls) return null;
    const target = await this.target(code, cursor, start);
    if (!target || generation !== this.generation) return null;
    const items = await gopls.completion(target.files, target.file, target.position, deadline);
    if (!items) return null;
    return toMatches(items, code.slice(start, cursor), target);
  }

  private async hoverWithGopls(code: string, at: number, deadline: number, generation: number): Promise<Hover | null> {
    const gopls = await this.goplsFor();
    if (!gopls) return null;
    const target = await this.target(code, at, identifierStart(code, at));
    if (!target || generation !== this.generation) return null;
    return gopls.hover(target.files, target.file, target.position, deadline);
  }

  /** gopls, located once; null when there is none (said once in the log, with how to install it). */
  private async goplsFor(): Promise<Gopls | null> {
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
    const files = await session.candidate(units, count, [...this.imported].filter((n) => !declared.has(n)));
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

  // ---- without gopls ------------------------------------------------------------------------

  private localMatches(prefix: string, member: boolean): Match[] {
    if (member || prefix === "") return [];
    const out: Match[] = [];
    const seen = new Set<string>();
    const add = (text: string, type: string, signature?: string) => {
      if (!text.startsWith(prefix) || seen.has(text)) return;
      seen.add(text);
      out.push({ text, type, signature });
    };
    const session = this.options.session;
    const declared = session
      .declarations()
      .filter((d) => d.kind !== "import" && d.kind !== "method")
      .flatMap((d) => d.names.filter((n) => n !== "_" && n !== "init").map((n) => ({ n, kind: d.kind })))
      .sort((a, b) => a.n.localeCompare(b.n));
    for (const { n, kind } of declared) add(n, kind === "func" ? "function" : kind === "const" ? "constant" : kind === "var" ? "variable" : "class");
    for (const k of GO_KEYWORDS) add(k, "keyword");
    for (const [n, type] of Object.entries(PREDECLARED).sort()) add(n, type);
    return [...out, ...this.packageMatches(prefix, out)];
  }

  /** Standard packages named with this prefix (the kernel imports them when a cell uses them). */
  private packageMatches(prefix: string, besides: readonly Match[]): Match[] {
    if (prefix === "") return [];
    const taken = new Set(besides.map((m) => m.text));
    return Object.entries(this.options.session.stdlibPackages())
      .filter(([name]) => name.startsWith(prefix) && !taken.has(name))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, path]) => ({ text: name, type: "module", signature: path }));
  }

  private sessionDecl(name: string | null) {
    if (!name) return undefined;
    const decls = this.options.session.declarations();
    return [...decls].reverse().find((d) => d.kind !== "import" && d.names.some((n) => n === name || n.endsWith("." + name)));
  }

  /** `go doc` for a standard-library package or one of its members, within the budget. */
  private async goDoc(code: string, name: { start: number; end: number; qualifier?: string }, deadline: number): Promise<MimeBundle | null> {
    const session = this.options.session;
    const go = session.go;
    if (!go) return null;
    const packages = session.stdlibPackages();
    const ident = code.slice(name.start, name.end);
    const query = name.qualifier ? (Object.hasOwn(packages, name.qualifier) ? `${packages[name.qualifier]}.${ident}` : null) : Object.hasOwn(packages, ident) ? packages[ident] : null;
    if (!query || Date.now() >= deadline) return null;
    const result = await run(go.binary, ["doc", query], {
      cwd: session.workspace.dir,
      env: session.goEnv,
      capture: true,
      signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
    }).catch(() => null);
    if (!result || result.code !== 0 || !result.stdout.trim()) return null;
    const text = result.stdout.trimEnd();
    return { "text/plain": text, "text/markdown": "```\n" + text + "\n```" };
  }

  // ---- magics -------------------------------------------------------------------------------

  private completeMagic(code: string, lineStart: number, cursor: number): { matches: Match[]; start: number } {
    const line = code.slice(lineStart, cursor);
    const magics = this.options.magics();
    const partial = /^%(\w*)$/.exec(line);
    if (partial) {
      const matches = magics.filter((m) => m.name.startsWith(partial[1])).map((m) => ({ text: "%" + m.name, type: "magic", signature: m.summary }));
      return { matches, start: lineStart };
    }
    const head = /^%(\w*)/.exec(line)!;
    const magic = magics.find((m) => m.name === head[1]);
    const wordStart = lineStart + line.search(/\S*$/);
    const word = code.slice(wordStart, cursor);
    if (!magic) return { matches: [], start: cursor };
    const before = splitWords(code.slice(lineStart + head[0].length, wordStart));
    const options: OptionSpec[] = [...magic.options, { name: "help", type: "flag", description: "show this magic's options" }];
    const option = /^(--?)([\w-]*)$/.exec(word);
    if (option) {
      const matches = options
        .filter((o) => o.name.startsWith(option[2]))
        .map((o) => ({ text: option[1] + o.name, type: "option", signature: o.description }));
      return { matches, start: wordStart };
    }
    const assigned = /^(--?)([\w-]+)=(.*)$/.exec(word);
    const previous = assigned ? assigned[2] : before[before.length - 1]?.replace(/^--?/, "");
    const spec = previous !== undefined && (assigned || /^--?[\w-]+$/.test(before[before.length - 1] ?? "")) ? options.find((o) => o.name === previous) : undefined;
    const value = assigned ? assigned[3] : word;
    const valueStart = assigned ? cursor - value.length : wordStart;
    if (spec?.values) {
      return { matches: spec.values.filter((v) => v.startsWith(value)).map((v) => ({ text: v, type: "value", signature: spec.description })), start: valueStart };
    }
    if (spec && spec.type !== "flag") {
      if (spec.name !== "func") return { matches: [], start: cursor };
      const names = this.options.session.declarations().filter((d) => d.kind === "func" || d.kind === "method").flatMap((d) => d.names);
      return { matches: names.filter((n) => n.startsWith(value)).sort().map((n) => ({ text: n, type: "function" })), start: valueStart };
    }
    if (magic.name === "help") {
      const bare = word.replace(/^%/, "");
      const matches = magics.filter((m) => m.name.startsWith(bare)).map((m) => ({ text: (word.startsWith("%") ? "%" : "") + m.name, type: "magic", signature: m.summary }));
      return { matches, start: wordStart };
    }
    if (!magic.args?.length || word === "") return { matches: [], start: cursor };
    // Arguments are Go (calls to measure, names): the session's functions and types.
    const start = identifierStart(code, cursor);
    const prefix = code.slice(start, cursor);
    const names = this.options.session
      .declarations()
      .filter((d) => d.kind === "func" || d.kind === "type")
      .flatMap((d) => d.names)
      .filter((n) => prefix !== "" && n.startsWith(prefix));
    return { matches: [...new Set(names)].sort().map((n) => ({ text: n, type: "function" })), start };
  }

  private inspectMagic(code: string, lineStart: number): InspectReply {
    const name = /^%(\w*)/.exec(code.slice(lineStart))![1];
    const magic = this.options.magics().find((m) => m.name === name);
    if (!magic) return { found: false, data: {} };
    const text = usage(magic);
    return { found: true, data: { "text/plain": text, "text/markdown": "```\n" + text + "\n```" } };
  }
}

// ---- pure helpers (exported for tests) ----------------------------------------------------------

function clampCount(n: number): number {
  return Math.max(0, Math.trunc(Number(n)) || 0);
}

/** A unit of `text` as a piece of the original cell (`toOriginal` undoes a repair's insertions). */
function fromUnit(text: string, u: Unit, toOriginal: (i: number) => number): Piece {
  const start = indexFromLineByteCol(text, u.line, u.col);
  return { kind: u.kind, names: u.names, start: toOriginal(start), end: toOriginal(start + u.text.length), imports: u.imports };
}

/** Resolves to the promise's value, or to null once the deadline passes (the work goes on unheeded). */
export function beforeDeadline<T>(work: Promise<T | null>, deadline: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), Math.max(0, deadline - Date.now()))));
  const settled = work.catch(() => null);
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
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
      // The edit starts before or after the identifier the reply replaces: re-base its text.
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

/**
 * The name to inspect at the cursor: the identifier under or just before it, or, inside a call's
 * parentheses, the function called (as IPython does). `qualifier` is the package or value before
 * a selector (`fmt` in `fmt.Println`).
 */
export function nameAround(code: string, cursor: number): { start: number; end: number; qualifier?: string } | null {
  let start = identifierStart(code, cursor);
  let end = identifierEnd(code, cursor);
  if (/^\p{Nd}/u.test(code.slice(start, end))) start = end = cursor; // a number: look for the call around it
  if (start === end) {
    let depth = 0;
    let open = -1;
    for (let i = cursor - 1; i >= 0 && i >= cursor - 4000; i--) {
      const ch = code[i];
      if (ch === ")" || ch === "]") depth++;
      else if (ch === "[" && depth > 0) depth--;
      else if (ch === "(") {
        if (depth === 0) {
          open = i;
          break;
        }
        depth--;
      } else if ((ch === "{" || ch === "}" || ch === ";") && depth === 0) break;
    }
    if (open < 0) return null;
    let j = open;
    while (j > 0 && /[ \t]/.test(code[j - 1])) j--;
    start = identifierStart(code, j);
    end = j;
    if (start === end) return null;
  }
  const qualifier = code[start - 1] === "." ? code.slice(identifierStart(code, start - 1), start - 1) || undefined : undefined;
  return { start, end, qualifier };
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

export function plainFromMarkdown(markdown: string): string {
  return markdown
    .split("\n")
    .filter((line) => !/^```/.test(line) && !/^---\s*$/.test(line))
    .map((line) => line.replace(/\[([^\]]*)\]\(([^)]*)\)/g, "$1 ($2)").replace(/\\([\\`*_{}[\]()#+\-.!<>|])/g, "$1"))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function addSource(bundle: MimeBundle, decl: { cell: number; line: number; text: string }): void {
  const lines = decl.text.split("\n");
  const shown = lines.length > 40 ? [...lines.slice(0, 40), "\t…"] : lines;
  const where = `cell[${decl.cell}]:${decl.line}`;
  const plain = String(bundle["text/plain"] ?? "");
  const md = String(bundle["text/markdown"] ?? "");
  bundle["text/plain"] = (plain ? plain + "\n\n" : "") + `${where}:\n${shown.join("\n")}`;
  bundle["text/markdown"] = (md ? md + "\n\n" : "") + `${where}:\n\n\`\`\`go\n${shown.join("\n")}\n\`\`\``;
}
