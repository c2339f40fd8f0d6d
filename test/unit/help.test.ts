// %help and %lsmagic through the dispatcher: every magic with its summary, one magic's options,
// generated from the declarations that parse them, in the pager payload (not in the outputs).
import { expect } from "chai";
import type { ExecuteContext, ExecuteOutcome, OutputSink } from "../../kernel/handler.js";
import type { MimeBundle, Payload } from "../../kernel/protocol.js";
import type { Session } from "../../kernel/session.js";
import { usage } from "../../magics/args.js";
import { Dispatcher } from "../../magics/dispatcher.js";
import { Registry, builtinMagics } from "../../magics/registry.js";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/paths.js";

// %help and %lsmagic never touch the session: a cell of magic lines alone runs no Go.
const dispatcher = new Dispatcher({} as Session, new Registry(builtinMagics()), () => undefined);

async function run(code: string): Promise<{ outcome: ExecuteOutcome; displayed: MimeBundle[] }> {
  const displayed: MimeBundle[] = [];
  const sink: OutputSink = { stream: () => undefined, display: (d) => displayed.push(d), update: () => undefined, result: (d) => displayed.push(d) };
  const ctx: ExecuteContext = { count: 1, silent: false, sink };
  return { outcome: await dispatcher.execute(code, ctx), displayed };
}

function paged(outcome: ExecuteOutcome): string {
  expect(outcome.status).to.equal("ok");
  const payload = (outcome as { payload: Payload[] }).payload;
  expect(payload).to.have.length(1);
  expect(payload[0]).to.include({ source: "page", start: 0 });
  return String(payload[0].data["text/plain"]);
}

describe("%help and %lsmagic", () => {
  it("%help lists every magic with its summary, in the pager", async () => {
    const { outcome, displayed } = await run("%help");
    const text = paged(outcome);
    expect(displayed).to.deep.equal([]);
    expect(text.split("\n")[0]).to.match(/^goperf magics .*%help NAME/);
    for (const magic of builtinMagics()) expect(text).to.match(new RegExp(`^  %${magic.name} +${escapeRe(magic.summary)}$`, "m"));
  });

  it("%lsmagic shows the same list", async () => {
    expect(paged((await run("%lsmagic")).outcome)).to.equal(paged((await run("%help")).outcome));
  });

  it("%help NAME shows the options as their declarations say, with or without %", async () => {
    const bench = builtinMagics().find((m) => m.name === "bench")!;
    const text = paged((await run("%help bench")).outcome);
    expect(text).to.equal(usage(bench));
    expect(text).to.match(/^usage: %bench \[options\]/);
    for (const option of bench.options) expect(text).to.contain(`-${option.name}`);
    expect(text).to.match(/-count N +runs per benchmark .*\(default 6\)/);
    const escape = paged((await run("%help %escape")).outcome);
    expect(escape).to.contain("-only heap|inline|all");
    expect(escape).to.contain("(default all)");
  });

  it("%help display pages the goperf/display API, naming every exported function and method", async () => {
    const text = paged((await run("%help display")).outcome);
    expect(text.split("\n")[0]).to.match(/^goperf\/display: rich output from Go cells/);
    expect(paged((await run("%help")).outcome)).to.contain("%help display");
    for (const dir of ["display", "display/chart"]) {
      const full = join(ROOT, "kernel", "go", dir);
      for (const file of readdirSync(full).filter((f) => f.endsWith(".go") && !f.endsWith("_test.go"))) {
        const source = readFileSync(join(full, file), "utf8");
        for (const m of source.matchAll(/^func (?:\(\w+ \*?(\w+)\) )?([A-Z]\w*)\(/gm)) {
          if (m[1] && !/^[A-Z]/.test(m[1])) continue;
          expect(text, `${dir}/${file}: ${m[2]}`).to.match(new RegExp(`\\b${m[2]}\\(`));
        }
      }
    }
  });

  it("%help of an unknown name is a usage error listing the magics", async () => {
    const { outcome } = await run("%help nosuch");
    expect(outcome.status).to.equal("error");
    const err = outcome as { ename: string; evalue: string };
    expect(err.ename).to.equal("UsageError");
    expect(err.evalue).to.match(/no magic named %nosuch; the magics are %args, %asm, %bce, %bench, /);
  });

  it("%NAME --help shows the same usage as an output", async () => {
    const { outcome, displayed } = await run("%expect --help");
    expect(outcome.status).to.equal("ok");
    expect((outcome as { payload: Payload[] }).payload).to.deep.equal([]);
    expect(displayed).to.deep.equal([{ "text/plain": usage(builtinMagics().find((m) => m.name === "expect")!) }]);
  });
});

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
