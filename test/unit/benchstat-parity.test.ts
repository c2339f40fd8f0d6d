import { expect } from "chai";
import { readdirSync } from "node:fs";
import { parseBenchOutput } from "../../kernel/go/benchfmt.js";
import { buildReport } from "../../magics/bench.js";
import { compareReports } from "../../magics/benchcompare.js";
import type { BenchComparison, MetricComparison, Summary } from "../../kernel/reports/index.js";
import { deltaCell, displayName, formatCi, formatGeomeanChange, formatP } from "../../renderers/benchformat.js";
import { fixture, readFixture } from "../helpers/paths.js";

// The same raw `go test -bench` output fed to goperf and, once, to the real benchstat
// (golang.org/x/perf v0.0.0-20260908200009-22c9c6c9d4da built with go1.26.8; see
// test/fixtures/benchstat/README.md). benchstat's CSV gives its centers at full precision and
// its cells as printed: every cell goperf claims to share must match.

interface CsvRow {
  name: string;
  before: number | undefined;
  beforeCi: string;
  after: number | undefined;
  afterCi: string;
  delta: string;
  p: string;
}

/** benchstat -format csv: one block per unit, "name,center,CI,center,CI,vs base,P" rows. */
function readCsv(text: string): Map<string, CsvRow[]> {
  const units = new Map<string, CsvRow[]>();
  for (const block of text.split(/\n\n+/)) {
    const lines = block.split("\n").filter((l) => l.includes(","));
    const head = lines.findIndex((l) => /,CI,/.test(l));
    if (head < 0) continue;
    const unit = lines[head].split(",")[1];
    const num = (s: string) => (s === "" ? undefined : Number(s));
    units.set(
      unit,
      lines.slice(head + 1).map((l) => {
        const [name, b, bci, a, aci, delta, p] = l.split(",");
        return { name, before: num(b), beforeCi: bci, after: num(a), afterCi: aci, delta, p };
      }),
    );
  }
  return units;
}

const close = (actual: number, expected: number | undefined, what: string) => {
  expect(expected, what).to.not.equal(undefined);
  expect(Math.abs(actual - expected!), `${what}: goperf ${actual}, benchstat ${expected}`).to.be.at.most(Math.abs(expected!) * 1e-12);
};

/** benchstat's CI cell: "12%", "∞", "?". */
const ci = (s: Summary) => formatCi(s).replace(/^± /, "");

function goperfComparison(dir: string): BenchComparison {
  const report = (file: string) => {
    const raw = readFixture(`benchstat/${dir}/${file}`);
    return buildReport(parseBenchOutput(raw), raw, "go1.26.8", [], false);
  };
  return compareReports(report("old.txt"), report("new.txt"), "old.txt", "new.txt");
}

const CASES = readdirSync(fixture("benchstat"), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe("benchstat parity: goperf's numbers against the real benchstat's on the same input", () => {
  it("covers the cases the issue names", () => {
    expect(CASES).to.include.members(["six-vs-six", "ten-vs-ten-ties", "three-vs-ten", "identical", "zero-variance"]);
  });

  for (const dir of CASES) {
    it(dir, () => {
      const csv = readCsv(readFixture(`benchstat/${dir}/benchstat.csv`));
      const c = goperfComparison(dir);
      const units: [string, number, (i: number) => MetricComparison | undefined, "ns" | "bytes_per_op" | "allocs_per_op"][] = [
        ["sec/op", 1e-9, (i) => c.rows[i], "ns"],
        ["B/op", 1, (i) => c.rows[i].bytes_per_op, "bytes_per_op"],
        ["allocs/op", 1, (i) => c.rows[i].allocs_per_op, "allocs_per_op"],
      ];
      for (const [unit, scale, of, key] of units) {
        const rows = csv.get(unit);
        expect(rows, `benchstat's ${unit} table`).to.not.equal(undefined);
        const data = rows!.filter((r) => r.name !== "geomean");
        expect(data.map((r) => r.name), unit).to.deep.equal(c.rows.map((r) => displayName(r.name, r.procs)));
        data.forEach((want, i) => {
          const got = of(i)!;
          const at = `${dir} ${unit} ${want.name}`;
          close(got.before.median * scale, want.before, `${at} old center`);
          close(got.after.median * scale, want.after, `${at} new center`);
          expect(ci(got.before), `${at} old CI`).to.equal(want.beforeCi);
          expect(ci(got.after), `${at} new CI`).to.equal(want.afterCi);
          expect(deltaCell(got), `${at} delta`).to.equal(want.delta);
          expect(formatP(got), `${at} p`).to.equal(`(${want.p})`);
        });
        const geo = rows!.find((r) => r.name === "geomean");
        expect(Boolean(geo), `${dir} ${unit}: geomean row iff more than one benchmark`).to.equal(c.rows.length > 1);
        if (!geo) continue;
        const g = key === "ns" ? c.geomean : c.geomeans?.[key];
        expect(g, `${dir} ${unit} geomean`).to.not.equal(undefined);
        if (geo.before === undefined) expect(g!.before, `${dir} ${unit} geomean old`).to.be.NaN;
        else close(g!.before * scale, geo.before, `${dir} ${unit} geomean old`);
        if (geo.after === undefined) expect(g!.after, `${dir} ${unit} geomean new`).to.be.NaN;
        else close(g!.after * scale, geo.after, `${dir} ${unit} geomean new`);
        expect(formatGeomeanChange(g!.deltaPct), `${dir} ${unit} geomean change`).to.equal(geo.delta);
      }
    });
  }

  it("says why a difference cannot be told, in benchstat's words", () => {
    const c = goperfComparison("three-vs-ten");
    expect(readFixture("benchstat/three-vs-ten/benchstat.txt")).to.include("need >= 6 samples for confidence interval at level 0.95");
    expect(c.rows.every((r) => r.before.tooFew && !r.after.tooFew)).to.equal(true);
    const z = goperfComparison("zero-variance");
    expect(readFixture("benchstat/zero-variance/benchstat.txt")).to.include("all samples are equal");
    expect(z.rows[0].note).to.equal("all samples are equal");
  });
});
