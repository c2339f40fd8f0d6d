// The session's module requirements as %mod, %get and %use show them: the published schema of
// application/vnd.goperf.modules.v1+json (see README). Imports nothing.

export { MODULES_MIME } from "./mime.js";

export interface ModuleRequirement {
  /** The module path, e.g. "github.com/google/uuid". */
  path: string;
  /** The required version, e.g. "v1.6.0" ("v0.0.0" for a module on disk, which its replace supplies). */
  version: string;
  /** Required only by other modules, not by the session's code (go.mod's "// indirect"). */
  indirect: boolean;
  /** Where the module comes from instead: a directory (%use) or another module version. */
  replace?: { path: string; version?: string };
}

/** A requirement %get or %use changed: `before`/`after` are versions, null when absent. */
export interface ModuleChange {
  path: string;
  before: string | null;
  after: string | null;
}

export interface ModulesReport {
  go_version: string;
  /** The scratch module's path ("goperf.session") and its go line ("1.26"). */
  module: string;
  go_line: string;
  requires: ModuleRequirement[];
  /** What the last %get or %use changed (absent for %mod). */
  changes?: ModuleChange[];
  /** go.mod exactly as the go command wrote it. */
  go_mod: string;
}
