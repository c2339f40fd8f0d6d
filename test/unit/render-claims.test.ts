import { expect } from "chai";
import type { ClaimReport } from "../../kernel/reports/index.js";
import { MIME, renderClaims } from "../../renderers/index.js";
import { writeArtifact } from "../helpers/html.js";

// Chapter 1's micro-claims as %expect lines, judged against go1.26.8's decisions and a %bench run.
function report(extra: Partial<ClaimReport> = {}): ClaimReport {
  return {
    go_version: "go1.26.8",
    kind: "claims",
    claims: [
      { text: "NewPointPtr: p moved to heap", line: 2, passed: true, detail: "cell[2]:3:2: moved to heap: p" },
      { text: "NewPointVal: nothing escapes", line: 3, passed: true, detail: "no escape decision in NewPointVal" },
      { text: "SquareLogged allocs/op == 1", line: 4, passed: true, detail: "BenchmarkSquareLogged-8: 1 allocs/op in all 6 runs" },
      { text: "SquareQuiet allocs/op < 1 && SquareLogged allocs/op > 0", line: 5, passed: false, detail: "no benchmark named <SquareQuiet> in the last %bench" },
    ],
    warnOnly: false,
    ...extra,
  };
}

const text = (r: ClaimReport) => renderClaims(r)["text/plain"] as string;
const html = (r: ClaimReport) => renderClaims(r)["text/html"] as string;

describe("renderClaims", () => {
  it("text: one ✓/✗ line per claim with its evidence, then the count", () => {
    expect(text(report()).split("\n")).to.deep.equal([
      "✓ NewPointPtr: p moved to heap — cell[2]:3:2: moved to heap: p",
      "✓ NewPointVal: nothing escapes — no escape decision in NewPointVal",
      "✓ SquareLogged allocs/op == 1 — BenchmarkSquareLogged-8: 1 allocs/op in all 6 runs",
      "✗ SquareQuiet allocs/op < 1 && SquareLogged allocs/op > 0 — no benchmark named <SquareQuiet> in the last %bench",
      "3 of 4 claims hold",
    ]);
  });

  it("text: the count's wording for one claim, none, and --warn", () => {
    const one = report({ claims: [report().claims[0]] });
    expect(text(one).split("\n").pop()).to.equal("1 of 1 claim holds");
    expect(text(report({ claims: [] }))).to.equal("no claims");
    expect(text(report({ warnOnly: true })).split("\n").pop()).to.equal("3 of 4 claims hold (--warn: failures do not fail the cell)");
  });

  it("html: a green/red pass-fail list with escaped claims, the count, no script or style", () => {
    const out = html(report());
    expect(out).to.not.match(/<script/i).and.not.match(/<style/i);
    expect(out.match(/>✓ holds<\/span>/g)).to.have.length(3);
    expect(out.match(/>✗ fails<\/span>/g)).to.have.length(1);
    expect(out).to.contain("border-left:3px solid #2b8a3e").and.contain("border-left:3px solid #d9480f");
    expect(out).to.contain("SquareQuiet allocs/op &lt; 1 &amp;&amp; SquareLogged allocs/op &gt; 0");
    expect(out).to.contain("no benchmark named &lt;SquareQuiet&gt;");
    expect(out).to.match(/color:#d9480f">3 of 4 claims hold<\/div>/);
    expect(html(report({ claims: report().claims.slice(0, 3) }))).to.match(/color:#2b8a3e">3 of 3 claims hold<\/div>/);
    writeArtifact("claims", out);
  });

  it("vendor JSON: the report as it is", () => {
    const r = report();
    const bundle = renderClaims(r);
    expect(MIME.claims).to.equal("application/vnd.goperf.claims.v1+json");
    expect(bundle[MIME.claims]).to.equal(r);
    expect(Object.keys(bundle).sort()).to.deep.equal(["application/vnd.goperf.claims.v1+json", "text/html", "text/plain"]);
  });

  it("scores predictions as matched or differed, and shows them unscored before the build", () => {
    const pending = renderClaims(report({ kind: "predictions", pending: true, warnOnly: true }));
    expect(String(pending["text/plain"])).to.match(/^\? NewPointPtr: p moved to heap/m);
    expect(String(pending["text/plain"])).to.match(/4 predictions, to be scored when the code is built$/);
    const scored = renderClaims(report({ kind: "predictions", warnOnly: true }));
    expect(String(scored["text/plain"])).to.match(/3 of 4 predictions matched the compiler$/);
    expect(String(scored["text/html"])).to.contain("✗ differed");
  });
});
