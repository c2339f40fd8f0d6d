// %list's and %env's report (application/vnd.goperf.session.v1+json): what the session holds, as
// data: its declarations (kind, name, the cell that made each), the arguments (%args) and the
// environment variables (%env) every program and benchmark run gets. A published schema (README
// "The vendor JSON types") that imports nothing.

export { SESSION_MIME } from "./mime.js";

export interface SessionDeclaration {
  /** "func" | "method" | "type" | "var" | "const" | "import"; a top-level `x := expr` is a "var". */
  kind: string;
  /** As declared: "Counter.Inc" for a method, the import path for an import. */
  name: string;
  /** The execution count of the cell that made it. */
  cell: number;
}

export interface SessionReport {
  /** What the report shows first: %list shows the declarations, %env the environment. */
  view: "declarations" | "env";
  declarations: SessionDeclaration[];
  args: string[];
  env: Record<string, string>;
}
