// Session declarations as the kernel keeps them, for tests of what is built from them.
import type { Decl } from "../../kernel/go/compose.js";

export function decl(kind: Decl["kind"], names: string[], text: string, extra: Partial<Decl> = {}): Decl {
  return { key: `${kind} ${names.join(",")}`, kind, names, cell: 1, line: 1, col: 1, text, test: false, ...extra };
}
