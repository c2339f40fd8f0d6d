// The session report %list, %env and %args show (kernel/reports/session.ts), gathered in one place.

import type { Session } from "../kernel/session.js";
import type { SessionReport } from "../kernel/reports/index.js";

export function sessionReport(session: Session, view: SessionReport["view"]): SessionReport {
  const declarations = session.declarations().flatMap((d) =>
    d.kind === "import" ? (d.imports ?? []).map((i) => ({ kind: "import", name: i.name ? `${i.name} ${i.path}` : i.path, cell: d.cell })) : d.names.map((name) => ({ kind: d.kind, name, cell: d.cell })),
  );
  return { view, declarations, args: [...session.args], env: { ...session.envVars } };
}
