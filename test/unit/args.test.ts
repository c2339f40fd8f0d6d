import { expect } from "chai";
import { UsageError, parseArgs, usage, type CommandSpec } from "../../magics/args.js";
import { splitWords } from "../../kernel/magicline.js";

const spec: CommandSpec = {
  name: "bench",
  summary: "Run benchmarks.",
  args: [{ name: "EXPR", description: "what to measure", variadic: true }],
  options: [
    { name: "count", type: "int", value: "N", description: "runs", default: 6, check: (v) => (Number(v) < 1 ? "must be at least 1" : undefined) },
    { name: "benchtime", type: "duration", value: "D|Nx", description: "time per run" },
    { name: "why", type: "flag", description: "explain" },
    { name: "only", type: "enum", values: ["heap", "inline", "all"], description: "filter" },
  ],
};

describe("magic arguments", () => {
  it("splits words, keeping bracketed expressions and quotes whole, expanding nothing", () => {
    expect(splitWords(` SquareQuiet(1 << 20)  Pair{1, 2} "a b" $(rm -rf /) ;x `)).to.deep.equal([
      "SquareQuiet(1 << 20)", "Pair{1, 2}", "a b", "$(rm -rf /)", ";x",
    ]);
  });

  it("parses one-dash and two-dash options, with = or a separate value", () => {
    expect(parseArgs(spec, ["-count", "10", "--benchtime=1000x", "--why", "F(1)"])).to.deep.equal({
      options: { count: 10, benchtime: "1000x", why: true },
      args: ["F(1)"],
    });
    expect(parseArgs(spec, []).options.count).to.equal(6);
  });

  it("refuses bad values before anything runs, saying what would be right", () => {
    const fail = (words: string[]) => {
      try {
        parseArgs(spec, words);
      } catch (err) {
        expect(err).to.be.instanceOf(UsageError);
        return (err as UsageError).text;
      }
      throw new Error("expected a usage error");
    };
    expect(fail(["-count", "0"])).to.match(/-count 0: must be at least 1/);
    expect(fail(["-benchtime", "banana"])).to.match(/not a duration \(like 1s, 500ms\) or an iteration count \(like 1000x\)/);
    expect(fail(["--only", "stack"])).to.match(/must be one of heap, inline, all/);
    const unknown = fail(["--frobnicate"]);
    expect(unknown).to.match(/unknown option --frobnicate/);
    expect(unknown).to.contain("-count N"); // the usage lists the options
    expect(fail(["-count"])).to.match(/needs a value/);
  });

  it("generates help from the same declarations", () => {
    const text = usage(spec);
    expect(text).to.match(/^usage: %bench \[options\] \[EXPR\.\.\.\]/);
    expect(text).to.contain("-count N");
    expect(text).to.contain("(default 6)");
    expect(text).to.contain("-only heap|inline|all");
  });
});
