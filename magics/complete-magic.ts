// Completion and inspection on a magic line (`%bench --cou|`), from the magics' option declarations
// alone: pure functions of the line, the magics and the session's declared names. No gopls, no
// toolchain: these answer the same whether or not either is there.

import type { Decl } from "../kernel/go/compose.js";
import { identifierStart } from "../kernel/go/positions.js";
import { splitWords } from "../kernel/magicline.js";
import { usage, type OptionSpec } from "./args.js";
import type { Magic } from "./types.js";

/** One completion, as the reply's _jupyter_types_experimental describes it. */
export interface Match {
  text: string;
  type: string;
  signature?: string;
}

/** The matches for the word before `cursor` on the magic line starting at `lineStart`, and where that word starts. */
export function completeMagicLine(
  code: string,
  lineStart: number,
  cursor: number,
  magics: readonly Magic[],
  declarations: readonly Pick<Decl, "kind" | "names">[],
): { matches: Match[]; start: number } {
  const line = code.slice(lineStart, cursor);
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
    const matches = options.filter((o) => o.name.startsWith(option[2])).map((o) => ({ text: option[1] + o.name, type: "option", signature: o.description }));
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
    const names = declarations.filter((d) => d.kind === "func" || d.kind === "method").flatMap((d) => d.names);
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
  const names = declarations
    .filter((d) => d.kind === "func" || d.kind === "type")
    .flatMap((d) => d.names)
    .filter((n) => prefix !== "" && n.startsWith(prefix));
  return { matches: [...new Set(names)].sort().map((n) => ({ text: n, type: "function" })), start };
}

/** The magic's usage, for inspection anywhere on its line; null for a name that is no magic. */
export function inspectMagicLine(code: string, lineStart: number, magics: readonly Magic[]): { "text/plain": string; "text/markdown": string } | null {
  const name = /^%(\w*)/.exec(code.slice(lineStart))![1];
  const magic = magics.find((m) => m.name === name);
  if (!magic) return null;
  const text = usage(magic);
  return { "text/plain": text, "text/markdown": "```\n" + text + "\n```" };
}
