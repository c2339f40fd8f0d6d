// Completion latency, by hand: `node dist/bench/completion.js [--cells 50] [--rounds 40]`.
//
// A real kernel (and the real gopls) with a session of N cells (types with methods, functions with
// doc comments, vars, consts, imports, benchmarks), then complete_request round trips as a front
// end sends them, over ZeroMQ: package members, a session type's fields and methods, session
// names, a member inside a function body mid-cell, a cell that does not parse. The median after
// warm-up is the figure (target: 150 ms); inspection is measured alongside.

import { KernelClient } from "../kernel/client/client.js";
import { median } from "../kernel/go/stats.js";
import { time } from "./measure.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const cells = option("--cells", 50);
const rounds = option("--rounds", 40);
const TARGET_MS = 150;

/** Cell i of the session: one of six kinds of declarations, each with what later cells use. */
function cell(i: number): string {
  switch (i % 6) {
    case 0:
      return `// T${i} is a record of the experiment.\ntype T${i} struct {\n\tA${i}, B${i} int\n\tName string\n}`;
    case 1:
      return `// Sum${i} adds the fields.\nfunc (t T${i - 1}) Sum${i}() int {\n\treturn t.A${i - 1} + t.B${i - 1}\n}\n\nfunc (t *T${i - 1}) Reset${i}() { t.A${i - 1} = 0 }`;
    case 2:
      return `import "strings"\n\n// F${i} builds a string of n copies.\nfunc F${i}(n int) string {\n\treturn strings.Repeat("x", n)\n}`;
    case 3:
      return `var V${i} = map[string]int{"a": 1, "b": 2}\n\nconst C${i} = ${i} * 2`;
    case 4:
      return `import "sort"\n\n// G${i} sorts a copy.\nfunc G${i}(xs []int) []int {\n\tys := append([]int(nil), xs...)\n\tsort.Ints(ys)\n\treturn ys\n}`;
    default:
      return `func BenchmarkG${i - 1}(b *testing.B) {\n\txs := []int{3, 1, 2}\n\tfor b.Loop() {\n\t\tG${i - 1}(xs)\n\t}\n}`;
  }
}

interface Request {
  name: string;
  code: string;
  cursor?: number;
  expect: string;
}

function requests(n: number): Request[] {
  const type = Math.floor(n / 2 / 6) * 6; // a type declared mid-session
  const body = "func Use() int {\n\tx := strings.Rep\n\treturn len(x)\n}\nfmt.Println(Use())";
  return [
    { name: "package member (fmt.Sprin)", code: "fmt.Sprin", expect: "Sprintf" },
    { name: "fields and methods of a session type", code: `t := T${type}{}\nt.`, expect: `Sum${type + 1}` },
    { name: "session names (lexical)", code: "x := F", expect: "F2" },
    { name: "member mid-cell in a function body", code: body, cursor: body.indexOf("Rep") + 3, expect: "Repeat" },
    { name: "a cell that does not parse", code: `func H() {\n\tv := T${type}{}\n\tv.`, expect: `A${type}` },
  ];
}

async function complete(k: KernelClient, r: Request): Promise<string[]> {
  const x = await k.request("shell", "complete_request", { code: r.code, cursor_pos: [...r.code.slice(0, r.cursor ?? r.code.length)].length });
  return (x.reply.content as { matches: string[] }).matches;
}

function summary(xs: number[]): string {
  const sorted = [...xs].sort((a, b) => a - b);
  const p90 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))];
  return `median ${median(xs).toFixed(1)} ms, p90 ${p90.toFixed(1)} ms, min ${sorted[0].toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms (n=${xs.length})`;
}

async function main(): Promise<void> {
  const k = await KernelClient.launch();
  try {
    process.stdout.write(`session: ${cells} cells `);
    for (let i = 0; i < cells; i++) {
      const x = await k.execute(cell(i));
      if ((x.reply.content as { status: string }).status !== "ok") throw new Error(`cell ${i} failed: ${JSON.stringify(x.reply.content)}`);
      if (i % 10 === 9) process.stdout.write(".");
    }
    console.log();
    const kinds = requests(cells);
    // Warm-up: the first request starts gopls; each kind once more after it answers.
    const started = performance.now();
    while (!(await complete(k, kinds[0])).includes(kinds[0].expect)) {
      if (performance.now() - started > 120_000) throw new Error("gopls did not answer within 2 minutes (is it installed?)");
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`first answer from gopls after ${(performance.now() - started).toFixed(0)} ms (cold start, not counted)`);
    for (const r of kinds) for (let i = 0; i < 3; i++) await complete(k, r);

    const all: number[] = [];
    const byKind = new Map<string, number[]>(kinds.map((r) => [r.name, []]));
    let misses = 0;
    for (let i = 0; i < rounds; i++) {
      const r = kinds[i % kinds.length];
      let matches: string[] = [];
      const ms = await time(async () => void (matches = await complete(k, r)));
      if (!matches.includes(r.expect)) misses++;
      all.push(ms);
      byKind.get(r.name)!.push(ms);
    }
    const inspections: number[] = [];
    for (let i = 0; i < 10; i++) {
      inspections.push(await time(() => k.request("shell", "inspect_request", { code: i % 2 ? "fmt.Println" : "F2(3", cursor_pos: i % 2 ? 11 : 4, detail_level: 0 })));
    }

    console.log(`\ncomplete_request round trip over ZeroMQ, ${cells}-cell session, after warm-up:`);
    console.log(`  all kinds: ${summary(all)}${misses ? `, ${misses} without the expected match` : ""}`);
    for (const [name, xs] of byKind) console.log(`  ${name.padEnd(38)} median ${median(xs).toFixed(1)} ms`);
    console.log(`inspect_request: ${summary(inspections)}`);
    const verdict = median(all) <= TARGET_MS ? "met" : "NOT met";
    console.log(`\ntarget: median ≤ ${TARGET_MS} ms: ${verdict} (${median(all).toFixed(1)} ms)`);
  } finally {
    await k.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
