// Function names as a reader writes them and as the compiler prints them, and when they mean the
// same function. Pure.
//
// The compiler (-m, -m=2, stack traces) prints `(*Counter).Inc` for a pointer method, `Counter.Get`
// for a value method, `SumSquares[go.shape.int]` for one instantiation of a generic function (and
// `SumSquares[int]` for its wrapper), `MakeCounter.func1` for a closure, `Spawn.gowrap1` and
// `Spawn.deferwrap1` for the wrappers of `go`/`defer` statements, and `Use.MakeCounter.func1` for a
// closure inlined into Use. A reader writes the declared name: `Counter.Inc`, `SumSquares`,
// `MakeCounter`. The rule (README "Function names"):
//   - the declared name (`Counter.Inc`, `SumSquares`, `MakeCounter`) means the declaration: every
//     instantiation and every closure in its source, except that an inlining verdict about a
//     closure ("can inline MakeCounter.func1") is the closure's, not the declaration's;
//   - a receiver written `(*T).M` or `T.M` means the same method (Go has one method M per T);
//   - a type-argument list (`SumSquares[go.shape.int]`) narrows to that instantiation;
//   - a closure suffix (`MakeCounter.func1`, `Spawn.gowrap1`) narrows to that closure (and the
//     closures nested in it).

/** A function name as the claim grammar and --func read it: `(*T).M`, `T.M`, `F[go.shape.int]`, `F.func1`. */
export const FUNC_NAME_SOURCE = String.raw`(?:\(\*?[A-Za-z_]\w*(?:\[(?:[^\[\]]|\[[^\]]*\])*\])?\)|[A-Za-z_]\w*(?:\[(?:[^\[\]]|\[[^\]]*\])*\])?)(?:\.\w+(?:\[(?:[^\[\]]|\[[^\]]*\])*\])?)*`;

const CLOSURE_SEGMENT = /^(?:func|gowrap|deferwrap)\d+$|^\d+$/;

export interface FuncName {
  /** The declaration's path: ["Counter", "Inc"], ["SumSquares"], ["Use", "MakeCounter"] for an inlined copy. */
  decl: string[];
  /** The type-argument list as printed, "" for none: "[go.shape.int]". */
  shape: string;
  /** Closure segments after the declaration: ["func1"], ["func1", "1"], ["gowrap1"]. */
  closure: string[];
}

/** Splits at top-level dots (a type-argument list may hold dots: `[go.shape.int]`). */
function segments(name: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of name) {
    if (ch === "[") depth++;
    else if (ch === "]") depth--;
    if (ch === "." && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export function parseFuncName(name: string): FuncName {
  let s = name.trim().replace(/^main\./, "");
  // (*T).M and (T).M -> T.M
  s = s.replace(/^\(\*?([^)]*)\)/, "$1");
  let shape = "";
  const parts = segments(s).map((seg) => {
    const i = seg.indexOf("[");
    if (i < 0) return seg;
    if (!shape) shape = seg.slice(i).replace(/\s+/g, "");
    return seg.slice(0, i);
  });
  const at = parts.findIndex((p, i) => i > 0 && CLOSURE_SEGMENT.test(p));
  return at < 0 ? { decl: parts, shape, closure: [] } : { decl: parts.slice(0, at), shape, closure: parts.slice(at) };
}

/** The declared name the compiler's name belongs to: `(*Counter).Inc` -> `Counter.Inc`, `F[go.shape.int].func1` -> `F`. */
export function declaredName(compilerName: string): string {
  return parseFuncName(compilerName).decl.join(".");
}

/** What matching reads of a decision. */
export interface Attributed {
  /** The compiler's name for the function the decision is in (or the declared name when it printed none). */
  func?: string;
  /** The declaration whose source holds the decision. */
  declared?: string;
  kind?: string;
  message?: string;
}

/** Whether a verdict is about the named function itself ("can inline F.func1"), not about code inside it. */
function verdictAboutSubject(d: Attributed): boolean {
  return d.kind === "caninline" || (d.kind === "cannotinline" && !/^cannot inline \S+ into /.test(d.message ?? ""));
}

/** Whether `query` (as a reader or the compiler writes it) names the function a decision is in. */
export function funcMatches(query: string, d: Attributed): boolean {
  const q = parseFuncName(query);
  const compiled = d.func === undefined ? undefined : parseFuncName(d.func);
  const declared = d.declared ?? compiled?.decl.join(".");
  if (declared === undefined || q.decl.join(".") !== declared) return false;
  if (q.shape && compiled?.shape !== q.shape) return false;
  const closure = compiled?.closure ?? [];
  if (q.closure.length) return q.closure.every((seg, i) => closure[i] === seg);
  return !(closure.length && verdictAboutSubject(d));
}

/** Every function of the session in both spellings, for an error that lists them. */
export function spellings(declared: readonly string[], decisions: readonly Attributed[]): string[] {
  const byDecl = new Map<string, Set<string>>(declared.map((n) => [n, new Set<string>()]));
  for (const d of decisions) {
    if (d.func === undefined) continue;
    const decl = d.declared ?? declaredName(d.func);
    const name = d.func.replace(/^main\./, "");
    if (name !== decl) byDecl.get(decl)?.add(name);
  }
  return [...byDecl].map(([decl, names]) => (names.size ? `${decl} (${[...names].sort().join(", ")})` : decl));
}

/** Whether some function of the session answers to `query`; the session's declared names and its decisions. */
export function knownFunc(query: string, declared: readonly string[], decisions: readonly Attributed[]): boolean {
  const q = parseFuncName(query);
  if (!declared.includes(q.decl.join("."))) return false;
  if (!q.shape && q.closure.length === 0) return true;
  // A narrowed name must be one the compiler printed.
  return decisions.some((d) => d.func !== undefined && funcMatches(query, { ...d, kind: undefined }));
}

/** The error text for a name that matches no function. */
export function unknownFuncMessage(query: string, declared: readonly string[], decisions: readonly Attributed[], where = "the session"): string {
  const known = spellings(declared, decisions);
  return `no function ${query} in ${where}; the functions are: ${known.length ? known.join(", ") : "none"}`;
}
