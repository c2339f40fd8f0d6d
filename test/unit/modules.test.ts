// The module state's pure parts: which imports need the go command, go lines for older releases,
// where a cell declares an import, the directory fingerprint, and the %mod renderer.
import { expect } from "chai";
import { mkdtempSync, rmSync, utimesSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { goLineOf, initialModules, thirdParty, unresolved, usedFingerprint, withGoLine } from "../../kernel/go/modules.js";
import { importSites, type Candidate } from "../../kernel/session/candidate.js";
import type { Decl } from "../../kernel/go/compose.js";
import { MODULES_MIME, type ModulesReport } from "../../kernel/reports/modules.js";
import { renderModules } from "../../renderers/modules.js";
import { expectBalanced } from "../helpers/html.js";

describe("module state", () => {
  it("third-party imports are those whose first element has a dot; known ones need no go command", () => {
    expect(["fmt", "math/bits", "github.com/google/uuid", "example.com/x/y", "golang.org/x/exp/slices"].map(thirdParty)).to.deep.equal([false, false, true, true, true]);
    const state = { ...initialModules("module goperf.session\n\ngo 1.26\n"), known: ["github.com/google/uuid"] };
    const site = (path: string) => ({ path, cell: 1, line: 1, col: 8 });
    expect(unresolved(state, [site("fmt"), site("github.com/google/uuid"), site("example.com/x"), site("example.com/x")]).map((s) => s.path)).to.deep.equal(["example.com/x"]);
  });

  it("an older release's go line replaces the go command's, and its toolchain line goes", () => {
    const mod = "module goperf.session\n\ngo 1.26.0\n\ntoolchain go1.26.8\n\nrequire github.com/google/uuid v1.6.0\n";
    expect(goLineOf(mod)).to.equal("1.26.0");
    expect(withGoLine(mod, "1.22")).to.equal("module goperf.session\n\ngo 1.22\n\nrequire github.com/google/uuid v1.6.0\n");
  });

  it("an import's site is the line of its spec in the cell, grouped imports included", () => {
    const decl: Decl = { key: "import#2", kind: "import", names: [], cell: 2, line: 3, col: 1, text: 'import (\n\t"fmt"\n\t"example.com/x/y"\n)', test: false, imports: [{ path: "fmt", name: "" }, { path: "example.com/x/y", name: "" }] };
    const candidate = { decls: [decl], main: { source: "", imports: ["fmt", "example.com/x/y"] }, test: null, run: null } as unknown as Candidate;
    expect(importSites(candidate)).to.deep.equal([{ path: "example.com/x/y", cell: 2, line: 5, col: 2 }]);
  });

  it("the fingerprint of a module on disk changes with a file's edit, not with a dir the go command ignores", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goperf-fp-"));
    try {
      mkdirSync(join(dir, "testdata"));
      writeFileSync(join(dir, "go.mod"), "module example.com/m\n");
      writeFileSync(join(dir, "a.go"), "package m\n");
      const uses = [{ path: "example.com/m", dir }];
      const first = await usedFingerprint(uses);
      writeFileSync(join(dir, "testdata", "x.txt"), "ignored");
      expect(await usedFingerprint(uses)).to.equal(first);
      writeFileSync(join(dir, "a.go"), "package m\n\nfunc F() {}\n");
      utimesSync(join(dir, "a.go"), new Date(2030, 0, 1), new Date(2030, 0, 1));
      expect(await usedFingerprint(uses)).to.not.equal(first);
      expect(await usedFingerprint([])).to.equal("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("renderModules", () => {
  const report: ModulesReport = {
    go_version: "go1.26.8",
    module: "goperf.session",
    go_line: "1.26",
    requires: [
      { path: "github.com/google/uuid", version: "v1.6.0", indirect: false },
      { path: "example.com/mine", version: "v0.0.0", indirect: false, replace: { path: "/home/u/mine" } },
    ],
    changes: [{ path: "github.com/google/uuid", before: "v1.5.0", after: "v1.6.0" }],
    go_mod: "module goperf.session\n",
  };

  it("shows each requirement, where it comes from and what changed, in text, HTML and the vendor JSON", () => {
    const b = renderModules(report);
    expect(b[MODULES_MIME]).to.equal(report);
    expect(b["text/plain"]).to.equal(
      [
        "module goperf.session, go 1.26: 2 requirements (2 direct)",
        "  github.com/google/uuid  v1.6.0  direct    module proxy",
        "  example.com/mine        v0.0.0  direct    /home/u/mine (on disk)",
        "github.com/google/uuid v1.5.0 => v1.6.0",
      ].join("\n"),
    );
    const html = String(b["text/html"]);
    expectBalanced(html);
    expect(html).to.not.match(/<script|<style|class=/);
    expect(html).to.contain("v1.5.0 → v1.6.0");
  });

  it("says when there are no requirements", () => {
    expect(renderModules({ ...report, requires: [], changes: undefined })["text/plain"]).to.equal("module goperf.session, go 1.26: no requirements (cells use the standard library only)");
  });
});
