// Completion and inspection, as in an IDE: over the session's code plus the cell being edited.
// This file decides who answers and shapes the reply (in code points); the answers come from three
// places: magic lines from the magics' declarations (complete-magic.ts), Go code from gopls
// (complete-gopls.ts), and, without gopls or past its budget, from what the kernel knows itself
// (complete-local.ts).
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
import type { Gopls } from "../kernel/go/gopls.js";
import { codePointsFromIndex, identifierEnd, identifierStart, indexFromCodePoints } from "../kernel/go/positions.js";
import { GoplsEditing, hoverBundle, type Target } from "./complete-gopls.js";
import { addSource, goDoc, localMatches, packageMatches, sessionDecl } from "./complete-local.js";
import { completeMagicLine, inspectMagicLine, type Match } from "./complete-magic.js";
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

export class Editing {
  private readonly viaGopls: GoplsEditing;
  private generation = 0;
  private readonly budget: number;

  constructor(private readonly options: EditingOptions) {
    this.budget = options.budgetMs ?? DEFAULT_BUDGET_MS;
    this.viaGopls = new GoplsEditing({ session: options.session, log: options.log, gopls: options.gopls });
  }

  /** The gopls process id while one runs. */
  get goplsPid(): number | undefined {
    return this.viaGopls.pid;
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
      const { session } = this.options;
      const lineStart = code.lastIndexOf("\n", cursor - 1) + 1;
      if (code[lineStart] === "%") {
        const { matches, start } = completeMagicLine(code, lineStart, cursor, this.options.magics(), session.declarations());
        return reply(matches, start);
      }
      // A match replaces the whole identifier at the cursor (`fmt.Sp|rintln`), not only what precedes it.
      const start = identifierStart(code, cursor);
      const end = identifierEnd(code, cursor);
      const prefix = code.slice(start, cursor);
      const member = code[start - 1] === ".";
      const current = () => generation === this.generation;
      const viaGopls = await beforeDeadline(this.viaGopls.complete(code, cursor, start, deadline, current), deadline);
      if (viaGopls) return reply(member ? viaGopls : [...viaGopls, ...packageMatches(session, prefix, viaGopls)], start, end);
      return reply(localMatches(session, prefix, member), start, end);
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
      const { session } = this.options;
      const lineStart = code.lastIndexOf("\n", cursor - 1) + 1;
      if (code[lineStart] === "%") {
        const data = inspectMagicLine(code, lineStart, this.options.magics());
        return data ? { found: true, data } : { found: false, data: {} };
      }
      const name = nameAround(code, cursor);
      if (!name) return { found: false, data: {} };
      const current = () => generation === this.generation;
      const hover = await beforeDeadline(this.viaGopls.hover(code, name.start, deadline, current), deadline);
      const bundle = hover ? hoverBundle(hover) : null;
      const decl = sessionDecl(session, name.qualifier ? null : code.slice(name.start, name.end));
      if (bundle) {
        if (detailLevel === 1 && decl) addSource(bundle, decl);
        return { found: true, data: bundle };
      }
      if (decl) {
        const bundle: MimeBundle = { "text/plain": "", "text/markdown": "" };
        addSource(bundle, decl);
        return { found: true, data: bundle };
      }
      const doc = await goDoc(session, code, name, deadline);
      return doc ? { found: true, data: doc } : { found: false, data: {} };
    } catch (err) {
      this.options.log(`inspect_request: ${(err as Error).stack ?? err}`);
      return { found: false, data: {} };
    }
  }

  /** Where gopls would be shown the cursor (tests read the composed program through it). */
  target(code: string, cursor: number, identStart: number): Promise<Target | null> {
    return this.viaGopls.target(code, cursor, identStart);
  }

  close(): void {
    this.viaGopls.close();
  }
}

function clampCount(n: number): number {
  return Math.max(0, Math.trunc(Number(n)) || 0);
}

/** Resolves to the promise's value, or to null once the deadline passes (the work goes on unheeded). */
export function beforeDeadline<T>(work: Promise<T | null>, deadline: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), Math.max(0, deadline - Date.now()))));
  const settled = work.catch(() => null);
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
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
