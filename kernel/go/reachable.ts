// What a cell's run needs of the session: the declarations its code can reach. The compiler's cost
// grows with every function it compiles (about 0.2 ms each here: a package of 200 one-line
// functions compiles in 65 ms, one of 10 in 16 ms), while a run needs only what it uses. Pure.
//
// Reachability is by name and errs on the side of keeping: any identifier in a kept declaration
// that names a session declaration keeps it (a shadowed name, or a field or method selector that
// happens to share the name, included). What a run may reach without naming it is always kept:
// package-level variables (their initializers run), init functions, every method of a kept type
// (interfaces and reflection find them), and declarations carrying //go:linkname or //export.
// session.ts decides when building less than the whole package is safe.

import type { Decl } from "./compose.js";
import { tokenizeGo } from "./gotokens.js";

const identifiers = new Map<string, ReadonlySet<string>>();
const MAX_CACHED = 4096;

/** The identifiers a piece of Go code names (keywords and literals aside), cached by text. */
export function namesIn(text: string): ReadonlySet<string> {
  let names = identifiers.get(text);
  if (!names) {
    names = new Set(tokenizeGo(text).flatMap((t) => (t.kind === "ident" || t.kind === "builtin" ? [t.text] : [])));
    if (identifiers.size >= MAX_CACHED) identifiers.delete(identifiers.keys().next().value!);
    identifiers.set(text, names);
  }
  return names;
}

function alwaysKept(d: Decl): boolean {
  return d.kind === "import" || d.kind === "var" || (d.kind === "func" && d.names.includes("init")) || /\/\/(go:linkname|export) /.test(d.text);
}

/** A method's receiver type: "List" for "List.Len". */
function receiver(d: Decl): string {
  return d.names[0]?.split(".")[0] ?? "";
}

/**
 * The program's declarations (test code aside) that code naming `roots`, plus the declarations in
 * `also`, can reach, in their original order.
 */
export function reachableDecls(decls: readonly Decl[], roots: readonly string[], also: readonly Decl[] = []): Decl[] {
  const code = decls.filter((d) => !d.test);
  const byName = new Map<string, Decl[]>();
  const methods = new Map<string, Decl[]>();
  const add = (map: Map<string, Decl[]>, key: string, d: Decl) => map.set(key, [...(map.get(key) ?? []), d]);
  for (const d of code) {
    if (d.kind === "method") add(methods, receiver(d), d);
    else for (const name of d.names) add(byName, name, d);
  }
  const kept = new Set<Decl>();
  const pending: Decl[] = [];
  const keep = (d: Decl) => {
    if (kept.has(d) || d.test) return;
    kept.add(d);
    pending.push(d);
    if (d.kind === "type") for (const name of d.names) for (const m of methods.get(name) ?? []) keep(m);
  };
  const follow = (names: ReadonlySet<string>) => {
    for (const name of names) for (const d of byName.get(name) ?? []) keep(d);
  };
  for (const d of code) if (alwaysKept(d)) keep(d);
  for (const d of also) keep(d);
  for (const root of roots) follow(namesIn(root));
  while (pending.length > 0) {
    const d = pending.pop()!;
    follow(namesIn(d.text));
    if (d.kind === "method") follow(new Set([receiver(d)]));
  }
  return code.filter((d) => kept.has(d));
}
