// goperf's published schema: the vendor JSON reports and their MIME types. It imports nothing
// outside this directory (test/unit/imports.test.ts holds it to that), so that every reader can take
// it: the magics that produce reports, the renderers, the notebook tools and the JupyterLab extension.

export * from "./mime.js";
export * from "./escape.js";
export * from "./bench.js";
export * from "./claims.js";
export * from "./asm.js";
export * from "./bce.js";
export * from "./inline.js";
export * from "./layout.js";
export * from "./profile.js";
export * from "./sweep.js";
export * from "./noise.js";
export * from "./modules.js";
export * from "./session.js";
export * from "./test.js";
