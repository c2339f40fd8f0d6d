// The published schema's guards (kernel/reports), on the reports the committed chapter notebook
// stores (executed by the real kernel with go1.26.8) and on reports with a field a reader needs
// taken away.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ASM_MIME, BCE_MIME, BENCH_MIME, CLAIMS_MIME, ESCAPE_MIME, INLINE_MIME, LAYOUT_MIME, MIME, MODULES_MIME, PROFILE_MIME, SESSION_MIME, TEST_MIME, isBenchReport, isEscapeReport } from "../../kernel/reports/index.js";
import { ROOT } from "../helpers/paths.js";

interface StoredOutput {
  output_type: string;
  data?: Record<string, unknown>;
}

function stored(mime: string): unknown[] {
  const nb = JSON.parse(readFileSync(join(ROOT, "notebooks", "ch01-escape-analysis.ipynb"), "utf8")) as { cells: { outputs?: StoredOutput[] }[] };
  return nb.cells.flatMap((c) => c.outputs ?? []).flatMap((o) => (o.data && mime in o.data ? [o.data[mime]] : []));
}

const without = (report: unknown, key: string) => Object.fromEntries(Object.entries(report as object).filter(([k]) => k !== key));

describe("kernel/reports: the published schema", () => {
  it("names each report's MIME type once, versioned", () => {
    expect(MIME).to.deep.equal({ escape: ESCAPE_MIME, bench: BENCH_MIME, claims: CLAIMS_MIME, asm: ASM_MIME, bce: BCE_MIME, inline: INLINE_MIME, layout: LAYOUT_MIME, profile: PROFILE_MIME, modules: MODULES_MIME, test: TEST_MIME, session: SESSION_MIME });
    for (const mime of Object.values(MIME)) expect(mime).to.match(/^application\/vnd\.goperf\.[a-z]+\.v\d+\+json$/);
  });

  it("accepts every escape report the chapter notebook stores, and refuses one missing what a view needs", () => {
    const reports = stored(ESCAPE_MIME);
    expect(reports.length).to.be.greaterThan(0);
    for (const r of reports) expect(isEscapeReport(r)).to.equal(true);
    const r = reports[0] as { diagnostics: object[] };
    expect(isEscapeReport(without(r, "diagnostics"))).to.equal(false);
    expect(isEscapeReport(without(r, "view"))).to.equal(false);
    expect(isEscapeReport({ ...r, diagnostics: [{ line: "3", kind: "heap", message: "moved to heap: x" }] })).to.equal(false);
    expect(isEscapeReport([r])).to.equal(false);
  });

  it("accepts every bench report the chapter notebook stores, and refuses one missing what a view needs", () => {
    const reports = stored(BENCH_MIME);
    expect(reports.length).to.be.greaterThan(0);
    for (const r of reports) expect(isBenchReport(r)).to.equal(true);
    const r = reports[0] as { benchmarks: { summary: object }[] };
    expect(isBenchReport(without(r, "benchmarks"))).to.equal(false);
    expect(isBenchReport({ ...r, benchmarks: [{ ...r.benchmarks[0], summary: without(r.benchmarks[0].summary, "ns_per_op") }] })).to.equal(false);
    expect(isBenchReport(null)).to.equal(false);
  });
});
