// Shared by the report guards: readers (the JupyterLab extension, goperf check) take a bundle's
// data from a notebook file, which anyone can edit, so they check it before they trust it.

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
