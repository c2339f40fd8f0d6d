// Reliability 4: load. Five hundred execute_requests queued at once come back in order with
// consecutive counts; control requests stay fast while a long cell runs; memory stays flat.
import { expect } from "chai";
import { streamText, type Exchange } from "../../kernel/client/client.js";
import { Section, errorsOf, launchKernel, ms, percentile, proc, programOf, recordedGroup, removeTree, scratchDirs, sleep, vmRssKiB, waitFor, within, type Kernel } from "./helpers.js";

const section = new Section("load", "4. Load");
const QUEUED = 500;

describe("reliability 4: load", function () {
  this.timeout(900_000);
  let k: Kernel;
  before(async () => {
    k = await launchKernel("load");
  });
  after(async () => {
    section.save();
    await k?.close();
    removeTree(k.tmp);
  });

  it(`answers ${QUEUED} queued execute_requests in order with consecutive counts; RSS after ${QUEUED} within 1.5x of after 10`, async () => {
    for (let i = 0; i < 10; i++) {
      const x = await k.client.execute(`fmt.Println(${i})`);
      expect(streamText(x, "stdout")).to.equal(`${i}\n`);
    }
    await sleep(1000);
    const rss10 = vmRssKiB(k.pid);
    const first = 11;
    const arrival: number[] = [];
    const started = Date.now();
    const pending = Array.from({ length: QUEUED }, (_, i) =>
      k.client.execute(`fmt.Println(${i})`, { silent: false, storeHistory: true }).then((x) => {
        arrival.push(i);
        return x;
      }),
    );
    const all: Exchange[] = await within(Promise.all(pending), 800_000, `${QUEUED} queued cells`);
    const took = Date.now() - started;
    await sleep(1000);
    const rss500 = vmRssKiB(k.pid);
    const counts = all.map((x) => x.reply.content.execution_count as number);
    const inOrder = arrival.every((v, i) => v === i);
    const consecutive = counts.every((c, i) => c === first + i);
    const outputsRight = all.filter((x, i) => x.reply.content.status === "ok" && streamText(x, "stdout") === `${i}\n`).length;
    const ratio = rss500 / rss10;
    section.add(
      `${QUEUED} execute_requests queued at once (\`fmt.Println(i)\`)`,
      `${outputsRight}/${QUEUED} right; replies in order: ${inOrder ? "yes" : "NO"}; execution counts ${counts[0]}..${counts[counts.length - 1]} consecutive: ${consecutive ? "yes" : "NO"}; ${(took / 1000).toFixed(1)} s (${ms(took / QUEUED)} per cell)`,
      inOrder && consecutive && outputsRight === QUEUED,
    );
    section.add(
      `kernel VmRSS after 10 cells → after ${10 + QUEUED}`,
      `${Math.round(rss10 / 1024)} MiB → ${Math.round(rss500 / 1024)} MiB (×${ratio.toFixed(2)})`,
      ratio <= 1.5,
    );
    expect(inOrder, "replies arrive in the order sent").to.equal(true);
    expect(consecutive, `counts ${counts.slice(0, 5).join(",")}...`).to.equal(true);
    expect(outputsRight).to.equal(QUEUED);
    expect(ratio, `VmRSS ${rss10} kB -> ${rss500} kB`).to.be.at.most(1.5);
  });

  it("answers kernel_info and interrupt on control while a long cell runs (50 each)", async () => {
    const running = () => {
      const dir = scratchDirs(k.tmp)[0];
      const p = dir ? proc(recordedGroup(dir)) : null;
      return p !== null && p.state !== "Z" && /cell\.bin$/.test(programOf(p));
    };
    // A long cell that also keeps the kernel busy relaying its output.
    const LONG = "for i := 0; ; i++ {\n\tfmt.Println(i)\n\ttime.Sleep(time.Millisecond)\n}";
    const long = k.client.execute(LONG);
    expect(await waitFor(running, 60_000, 10)).to.not.equal(null);
    await sleep(300);
    const info: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      const x = await within(k.client.request("control", "kernel_info_request", {}), 5000, "kernel_info on control");
      info.push(performance.now() - t0);
      expect((x.reply.content as { status: string }).status).to.equal("ok");
      await sleep(20);
    }
    const stillRunning = running();
    await k.client.request("control", "interrupt_request", {});
    await within(long, 10_000, "the long cell, interrupted");

    const interrupts: number[] = [];
    for (let i = 0; i < 50; i++) {
      const cell = k.client.execute(LONG);
      expect(await waitFor(running, 60_000, 5), `interrupt ${i}: the cell runs`).to.not.equal(null);
      await sleep(50);
      const t0 = performance.now();
      await within(k.client.request("control", "interrupt_request", {}), 5000, "interrupt on control");
      interrupts.push(performance.now() - t0);
      const x = await within(cell, 10_000, "the interrupted cell");
      expect(errorsOf(x).map((e) => e.ename)).to.deep.equal(["Interrupted"]);
    }
    const row = (name: string, v: number[]) =>
      section.add(
        `${name} on control while a long cell runs (50 requests, reply and idle)`,
        `p50 ${percentile(v, 50).toFixed(1)} ms, p99 ${percentile(v, 99).toFixed(1)} ms, max ${Math.max(...v).toFixed(1)} ms`,
        v.length === 50, // how fast is reported, not asserted: times belong in bench/
      );
    row("kernel_info_request", info);
    row("interrupt_request", interrupts);
    expect(stillRunning, "the long cell ran throughout").to.equal(true);
    expect([info.length, interrupts.length]).to.deep.equal([50, 50]);
  });
});
