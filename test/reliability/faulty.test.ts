// Reliability 2: cells that fail in every way a Go program can. Each answers one clear error in the
// cell's own coordinates, the kernel stays usable, and what earlier cells declared still works.
import { expect } from "chai";
import { streamText, type Exchange } from "../../kernel/client/client.js";
import { DEFAULT_MEMORY_LIMIT_MIB } from "../../kernel/go/guard.js";
import { Section, errorsOf, launchKernel, proc, programOf, recordedGroup, removeTree, scratchDirs, sleep, waitFor, within, type Kernel } from "./helpers.js";

const section = new Section("faulty", "2. Faulty cells");

interface Case {
  name: string;
  code: string;
  ename: string;
  evalue: RegExp;
  /** Lines of the cell the error may point at (null: the failure has no position, e.g. os.Exit). */
  lines: number[] | null;
  /** Interrupt it once it runs (after this much output, or once the program has started). */
  interrupt?: "after output" | "once running";
  maxMs: number;
}

const LIMIT = DEFAULT_MEMORY_LIMIT_MIB;

const CASES: Case[] = [
  { name: "panic", code: 'fmt.Println("before")\npanic("boom")', ename: "panic", evalue: /^boom$/, lines: [2], maxMs: 30_000 },
  { name: "nil dereference", code: "var p *Point\nfmt.Println(p.X)", ename: "panic", evalue: /nil pointer dereference/, lines: [2], maxMs: 30_000 },
  { name: "os.Exit(1)", code: 'fmt.Println("bye")\nos.Exit(1)', ename: "ExitError", evalue: /^exit status 1$/, lines: null, maxMs: 30_000 },
  { name: "deadlock", code: "ch := make(chan int)\n<-ch", ename: "fatal error", evalue: /all goroutines are asleep - deadlock!/, lines: [2], maxMs: 30_000 },
  {
    name: "unbounded recursion",
    code: "func Down(n int) int {\n\tvar pad [64]byte\n\tpad[n%64] = byte(n)\n\treturn Down(n+1) + int(pad[0])\n}\n\nfmt.Println(Down(0))",
    ename: "fatal error",
    evalue: /^stack overflow$/,
    lines: [1, 2, 3, 4],
    maxMs: 60_000,
  },
  {
    name: "runaway allocation",
    code: "var hoard [][]byte\nfor {\n\thoard = append(hoard, make([]byte, 1<<20))\n}",
    ename: "MemoryLimitExceeded",
    evalue: new RegExp(`^the program exceeded the memory limit of ${LIMIT} MiB at cell\\[\\d+\\]:3`),
    lines: [3],
    maxMs: 60_000,
  },
  {
    name: "a million goroutines",
    code: 'for i := 0; i < 1_000_000; i++ {\n\tgo func() { time.Sleep(time.Hour) }()\n}\nfmt.Println("spawned")',
    ename: "MemoryLimitExceeded",
    evalue: new RegExp(`^the program exceeded the memory limit of ${LIMIT} MiB at cell\\[\\d+\\]:[12]`),
    lines: [1, 2],
    maxMs: 120_000,
  },
  {
    name: "read from stdin",
    code: 'var s string\n_, err := fmt.Scanln(&s)\nfmt.Println("read returned:", err)\nif err != nil {\n\tpanic(err)\n}',
    ename: "panic",
    evalue: /EOF/,
    lines: [5],
    maxMs: 30_000,
  },
  { name: "infinite loop, no output", code: "x := 1\nfor {\n\tx = x*3 + 1\n}", ename: "Interrupted", evalue: /^the cell was interrupted at cell\[\d+\]/, lines: [2, 3], interrupt: "once running", maxMs: 60_000 },
  {
    name: "infinite loop with output",
    code: "for i := 0; ; i++ {\n\tfmt.Println(i)\n}",
    ename: "Interrupted",
    evalue: /^the cell was interrupted at cell\[\d+\]/,
    lines: [1, 2],
    interrupt: "after output",
    maxMs: 60_000,
  },
];

describe("reliability 2: faulty cells", function () {
  this.timeout(600_000);
  let k: Kernel;

  before(async () => {
    k = await launchKernel("faulty");
    const decl = await k.client.execute('type Point struct{ X, Y int }\n\nfunc Alive() string { return "alive" }');
    expect(decl.reply.content.status).to.equal("ok");
  });
  after(async () => {
    section.save();
    await k?.close();
    removeTree(k.tmp);
  });

  /** The program the cell runs, once it runs: its pid from the running.pgid marker. */
  function programRunning(): boolean {
    const dir = scratchDirs(k.tmp)[0];
    if (!dir) return false;
    const pgid = recordedGroup(dir);
    const p = pgid ? proc(pgid) : null;
    return p !== null && p.state !== "Z" && /cell\.bin$/.test(programOf(p));
  }

  for (const c of CASES) {
    it(`${c.name}: one clear error at the cell's line, the kernel usable, declarations intact`, async () => {
      const started = Date.now();
      let sawOutput = false;
      const running = k.client.execute(c.code, { onIopub: (m) => m.header.msg_type === "stream" && (sawOutput = true) });
      if (c.interrupt) {
        const ready = c.interrupt === "after output" ? () => sawOutput : programRunning;
        expect(await waitFor(ready, 60_000, 10), "the cell started running").to.not.equal(null);
        await sleep(200);
        await k.client.request("control", "interrupt_request", {});
      }
      const x: Exchange = await within(running, c.maxMs, c.name);
      const took = Date.now() - started;
      const errors = errorsOf(x);
      expect(errors, "exactly one error output").to.have.length(1);
      const [err] = errors;
      const count = x.reply.content.execution_count as number;
      expect(x.reply.content.status).to.equal("error");
      expect(err.ename, err.evalue).to.equal(c.ename);
      expect(err.evalue).to.match(c.evalue);
      const text = [err.evalue, ...err.traceback].join("\n");
      const positions = [...text.matchAll(/cell\[(\d+)\]:(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
      // An interrupted tight loop may sit on a jump the compiler placed at the function's entry: then
      // the kernel names the cell and the function without a line.
      const located =
        positions.some(([n, l]) => n === count && c.lines!.includes(l)) || (c.interrupt !== undefined && err.evalue.includes(`at cell[${count}] (in `));
      if (c.lines) expect(located, `a cell[${count}]:${c.lines.join("|")} position in ${text.slice(0, 400)}`).to.equal(true);
      // No position may point anywhere else than this cell.
      expect(positions.every(([n]) => n === count || n < count), "positions name this cell or an earlier one").to.equal(true);

      const check = await within(k.client.execute("fmt.Println(Alive(), Point{1, 2})"), 60_000, "the cell after");
      expect(streamText(check, "stdout")).to.equal("alive {1 2}\n");
      const first = positions.find(([n, l]) => n === count && (c.lines ?? []).includes(l));
      const where = first ? `at cell[${first[0]}]:${first[1]}` : located ? `at cell[${count}], no line` : "no position in the dump";
      section.add(
        c.name,
        `${err.ename}: ${err.evalue.length > 90 ? err.evalue.slice(0, 87) + "..." : err.evalue}${!c.lines ? " (no position: os.Exit leaves no trace)" : err.evalue.includes(`cell[${count}]`) ? "" : ` (${where})`}; ${(took / 1000).toFixed(1)} s; next cell and earlier declarations OK`,
        true,
      );
    });
  }
});
