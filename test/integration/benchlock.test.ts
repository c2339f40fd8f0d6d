// Two real kernels benchmarking at once: their benchmark binaries never run at the same time (the
// machine-wide lock), the one that waits says who it waits for, and building is not held back.
// The benchmark itself records when its runs start and end, so the test reads the order of events
// from the programs, not from a clock of its own.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KernelClient, type Exchange } from "../../kernel/client/client.js";
import type { BenchReport } from "../../kernel/reports/index.js";
import { reportWith } from "../helpers/outputs.js";

const SPANS_BENCH = `
func BenchmarkSpan(b *testing.B) {
	f, err := os.OpenFile(os.Getenv("SPANS"), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	fmt.Fprintf(f, "%d start %s\\n", time.Now().UnixNano(), os.Getenv("WHO"))
	for i := 0; i < b.N; i++ {
		time.Sleep(time.Millisecond)
	}
	fmt.Fprintf(f, "%d end %s\\n", time.Now().UnixNano(), os.Getenv("WHO"))
}`;

function waitingTexts(x: Exchange): string[] {
  return x.iopub
    .filter((m) => m.header.msg_type === "update_display_data")
    .map((m) => String((m.content as { data: Record<string, string> }).data["text/plain"]))
    .filter((t) => t.includes("waiting for the machine-wide benchmark lock"));
}

describe("the machine-wide benchmark lock (two real kernels)", function () {
  this.timeout(240_000);
  let dir: string;
  const kernels: KernelClient[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "goperf-benchlock-"));
    for (const who of ["A", "B"]) {
      const env = { ...process.env, GOPERF_BENCH_LOCK: join(dir, "bench.lock"), SPANS: join(dir, "spans"), WHO: who };
      const k = await KernelClient.launch({ env });
      kernels.push(k);
      expect((await k.execute(SPANS_BENCH)).reply.content.status).to.equal("ok");
    }
  });
  after(async () => {
    await Promise.all(kernels.map((k) => k.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs two kernels' %bench one after the other, the waiter naming the holder", async () => {
    const [a, b] = kernels;
    const runs = await Promise.all([a.execute("%bench -count 3 -benchtime 100x Span"), b.execute("%bench -count 3 -benchtime 100x Span")]);
    for (const x of runs) expect(x.reply.content.status).to.equal("ok");
    // Each kernel's binary wrote its spans; sorted by the programs' own clock, one kernel's events
    // all come before the other's.
    const events = readFileSync(join(dir, "spans"), "utf8").trim().split("\n").map((l) => l.split(" "));
    events.sort((x, y) => (BigInt(x[0]) < BigInt(y[0]) ? -1 : 1));
    const order = events.map((e) => e[2]).join("");
    expect(order, `events: ${events.map((e) => e.slice(1).join(" ")).join(", ")}`).to.match(/^(A+B+|B+A+)$/);
    expect(events.filter((e) => e[1] === "start")).to.have.length(events.length / 2);
    // The one that came second waited, and said for whom.
    const waited = runs.flatMap(waitingTexts);
    expect(waited.length).to.be.greaterThan(0);
    expect(waited[0]).to.match(/held by process \d+ of \S+: goperf kernel, cell\[\d+\] \(%bench -count 3 -benchtime 100x Span\)/);
    for (const x of runs) expect(reportWith<BenchReport>(x, "application/vnd.goperf.bench.v1+json").benchmarks[0].runs).to.have.length(3);
  });

  it("--no-lock runs at once, and the report says so", async () => {
    const x = await kernels[0].execute("%bench --no-lock -count 1 -benchtime 1x Span");
    const r = reportWith<BenchReport>(x, "application/vnd.goperf.bench.v1+json");
    expect(r.notes.join("\n")).to.match(/--no-lock/);
  });
});
