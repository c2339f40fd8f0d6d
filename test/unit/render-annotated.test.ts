import { expect } from "chai";
import { annotatedHtml, annotatedText, legend, type BadgeKinds } from "../../renderers/annotated.js";
import { expectBalanced } from "../helpers/html.js";

// The one annotated-source view with kinds of a magic other than %escape: a bounds-check badge, a
// counted badge word, a panel under a line (assembly), and a comparison of two releases.

const KINDS: BadgeKinds = {
  bounds: { badge: "bounds check", bg: "#c92a2a", fg: "#ffffff", meaning: "the compiler kept a bounds check", tint: "rgba(201,42,42,0.13)", rank: 0 },
  cost: { badge: "cost", bg: "#d0ebff", fg: "#0b4f8a", meaning: "inlining cost" },
};
const SRC = ["func Sum(s []int) int {", "\tt := 0", "\tfor i := 0; i < 4; i++ {", "\t\tt += s[i]", "\t}", "\treturn t", "}"].join("\n");

describe("renderers/annotated: the one annotated-source view", () => {
  it("badges marks by kind and word, counts repeats, tints by the lowest rank, and writes a legend", () => {
    const marks = [
      { cell: 3, line: 4, col: 9, kind: "bounds", text: "Found IsInBounds" },
      { cell: 3, line: 4, col: 9, kind: "bounds", text: "Found IsInBounds" },
      { cell: 3, line: 1, col: 6, kind: "cost", badge: "cost 21", text: "can inline Sum with cost 21" },
    ];
    const out = String(annotatedHtml([{ cell: 3, source: SRC, marks }], { kinds: KINDS })[0]);
    expectBalanced(out);
    expect(out).to.match(/<div style="background:rgba\(201,42,42,0\.13\)">.*bounds check ×2<\/span><\/span><\/div>/);
    expect(out).to.contain(">cost 21</span>");
    expect(String(legend(KINDS, ["bounds"]))).to.contain("the compiler kept a bounds check").and.not.contain("inlining cost");
    expect(annotatedText([{ cell: 3, source: SRC, marks }], { kinds: KINDS })).to.deep.equal([
      "cell[3]:4:9: Found IsInBounds",
      "cell[3]:4:9: Found IsInBounds",
      "cell[3]:1:6: can inline Sum with cost 21",
    ]);
  });

  it("puts panels under their line, folded behind a summary when given, in the text too", () => {
    const panels = [{ cell: 3, line: 4, text: "MOVQ (AX)(CX*8), DX\nADDQ DX, BX", summary: "2 instructions", color: "#1971c2" }];
    const cells = [{ cell: 3, source: SRC, marks: [], panels, silence: "no bounds checks" }];
    const out = String(annotatedHtml(cells, { kinds: KINDS })[0]);
    expectBalanced(out);
    expect(out).to.match(/<details[^>]*><summary[^>]*>2 instructions<\/summary><pre[^>]*border-left-color:#1971c2">MOVQ \(AX\)\(CX\*8\), DX\nADDQ DX, BX<\/pre><\/details>/);
    expect(out).to.not.contain("No bounds checks");
    expect(annotatedText(cells, { kinds: KINDS })).to.deep.equal(["cell[3]:4:", "    MOVQ (AX)(CX*8), DX", "    ADDQ DX, BX"]);
    expect(annotatedText([{ cell: 3, source: SRC, marks: [], silence: "no bounds checks" }], { kinds: KINDS })).to.deep.equal(["cell[3]: no bounds checks"]);
  });

  it("shows a comparison's differing lines in two columns and prefixes its text", () => {
    const marks = [
      { cell: 3, line: 4, col: 9, kind: "bounds", text: "Found IsInBounds", side: "before" as const },
    ];
    const view = { kinds: KINDS, releases: ["go1.22.12", "go1.26.8"] as const };
    const out = String(annotatedHtml([{ cell: 3, source: SRC, marks }], view)[0]);
    expect(out).to.contain(">differs</span>").and.contain("(nothing reported)");
    expect(annotatedText([{ cell: 3, source: SRC, marks }], view)).to.deep.equal(["- go1.22.12 cell[3]:4:9: Found IsInBounds"]);
  });
});
