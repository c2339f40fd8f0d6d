// Completion and inspection without gopls: what the kernel knows by itself. The session's declared
// names, Go's keywords and predeclared names, and the standard packages for completion; the
// session's own declarations (doc comment and source) and `go doc` for inspection. This is the whole
// answer when gopls is not installed, and the answer given when gopls misses the budget.

import type { MimeBundle } from "../kernel/protocol.js";
import type { Session } from "../kernel/session.js";
import { GO_KEYWORDS, PREDECLARED_BY_KIND } from "../kernel/go/gotokens.js";
import { run } from "../kernel/go/toolchain.js";
import type { Match } from "./complete-magic.js";

/** What the fallback reads from the session. */
export type LocalSession = Pick<Session, "declarations" | "stdlibPackages" | "go" | "goEnv" | "workspace">;

/** The type names Jupyter front ends show, for each kind of predeclared name. */
const PREDECLARED_TYPE: Record<keyof typeof PREDECLARED_BY_KIND, string> = { type: "type", constant: "constant", zero: "variable", function: "function" };
const PREDECLARED_MATCHES: readonly [string, string][] = Object.entries(PREDECLARED_BY_KIND)
  .flatMap(([kind, names]) => names.map((n): [string, string] => [n, PREDECLARED_TYPE[kind as keyof typeof PREDECLARED_BY_KIND]]))
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Names starting with `prefix`: the session's, keywords, predeclared names, standard packages. */
export function localMatches(session: LocalSession, prefix: string, member: boolean): Match[] {
  if (member || prefix === "") return [];
  const out: Match[] = [];
  const seen = new Set<string>();
  const add = (text: string, type: string, signature?: string) => {
    if (!text.startsWith(prefix) || seen.has(text)) return;
    seen.add(text);
    out.push({ text, type, signature });
  };
  const declared = session
    .declarations()
    .filter((d) => d.kind !== "import" && d.kind !== "method")
    .flatMap((d) => d.names.filter((n) => n !== "_" && n !== "init").map((n) => ({ n, kind: d.kind })))
    .sort((a, b) => a.n.localeCompare(b.n));
  for (const { n, kind } of declared) add(n, kind === "func" ? "function" : kind === "const" ? "constant" : kind === "var" ? "variable" : "class");
  for (const k of GO_KEYWORDS) add(k, "keyword");
  for (const [n, type] of PREDECLARED_MATCHES) add(n, type);
  return [...out, ...packageMatches(session, prefix, out)];
}

/** Standard packages named with this prefix (the kernel imports them when a cell uses them). */
export function packageMatches(session: Pick<Session, "stdlibPackages">, prefix: string, besides: readonly Match[]): Match[] {
  if (prefix === "") return [];
  const taken = new Set(besides.map((m) => m.text));
  return Object.entries(session.stdlibPackages())
    .filter(([name]) => name.startsWith(prefix) && !taken.has(name))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, path]) => ({ text: name, type: "module", signature: path }));
}

/** The session's latest declaration of `name` (a method by its bare name too). */
export function sessionDecl(session: Pick<Session, "declarations">, name: string | null) {
  if (!name) return undefined;
  return [...session.declarations()].reverse().find((d) => d.kind !== "import" && d.names.some((n) => n === name || n.endsWith("." + name)));
}

/** `go doc` for a standard-library package or one of its members, within the budget. */
export async function goDoc(session: LocalSession, code: string, name: { start: number; end: number; qualifier?: string }, deadline: number): Promise<MimeBundle | null> {
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

/** A declaration's source (at most 40 lines) after what the bundle already says. */
export function addSource(bundle: MimeBundle, decl: { cell: number; line: number; text: string }): void {
  const lines = decl.text.split("\n");
  const shown = lines.length > 40 ? [...lines.slice(0, 40), "\t…"] : lines;
  const where = `cell[${decl.cell}]:${decl.line}`;
  const plain = String(bundle["text/plain"] ?? "");
  const md = String(bundle["text/markdown"] ?? "");
  bundle["text/plain"] = (plain ? plain + "\n\n" : "") + `${where}:\n${shown.join("\n")}`;
  bundle["text/markdown"] = (md ? md + "\n\n" : "") + `${where}:\n\n\`\`\`go\n${shown.join("\n")}\n\`\`\``;
}
