// Two releases' decisions about the same code -> the decisions both report, those only the first
// reports (removed) and those only the second reports (added).
//
// Decisions are matched by cell, line and the compiler's words, not by column. Releases move where
// they point within a line (a call's name or its "(", a literal's type or its brace) without
// deciding anything differently, and a reader compares lines; the same words about the same line
// are the same decision. Each record keeps the column its own release reported, and a decision
// both report is kept as the second release reports it. Repeats count: two "... does not escape"
// on one line under the first release and one under the second leave one removed.
//
// Inlining costs are detail, not the decision: "can inline F with cost 24 as: ..." is matched as
// "can inline F", and "cannot inline F: function too complex: cost 87 exceeds budget 80" as
// "cannot inline F: function too complex" (the cost still shows, with --why for can-inline).

import type { EscapeComparison, EscapeDiagnostic } from "../kernel/reports/index.js";

export function decisionKey(d: Pick<EscapeDiagnostic, "cell" | "line" | "message">): string {
  const words = d.message.replace(/^(can inline \S+) with cost \d+ as: .*$/s, "$1").replace(/: cost \d+ exceeds budget \d+$/, "");
  return `${d.cell}\u0000${d.line}\u0000${words}`;
}

export function compareDecisions(first: readonly EscapeDiagnostic[], second: readonly EscapeDiagnostic[], releases: [string, string]): EscapeComparison {
  const pending = new Map<string, EscapeDiagnostic[]>();
  for (const d of [...first].sort(byColumn)) {
    const key = decisionKey(d);
    pending.set(key, [...(pending.get(key) ?? []), d]);
  }
  const same: EscapeDiagnostic[] = [];
  const added: EscapeDiagnostic[] = [];
  for (const d of [...second].sort(byColumn)) {
    const queue = pending.get(decisionKey(d));
    if (queue?.length) {
      queue.shift();
      same.push(d);
    } else {
      added.push(d);
    }
  }
  const removed = [...pending.values()].flat();
  const order = (ds: EscapeDiagnostic[]) => ds.sort((a, b) => a.cell - b.cell || a.line - b.line || a.col - b.col);
  return { releases, same: order(same), removed: order(removed), added: order(added) };
}

function byColumn(a: EscapeDiagnostic, b: EscapeDiagnostic): number {
  return a.col - b.col;
}
