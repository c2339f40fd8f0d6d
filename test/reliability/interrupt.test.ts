// Reliability 3: interrupts, shutdown, a killed kernel, restarts. What runs for a cell stops when
// asked, and nothing the kernel started outlives it for long, however the kernel ends.
import { expect } from "chai";
import { existsSync } from "node:fs";
import { KernelClient, streamText, type Exchange } from "../../kernel/client/client.js";
import {
  Section,
  alive,
  errorsOf,
  groupMembers,
  launchKernel,
  kernelEnv,
  leftIn,
  ms,
  percentile,
  privateTmp,
  proc,
  programOf,
  recordedGroup,
  descendants,
  vmRssKiB,
  processesUsing,
  removeTree,
  scratchDirs,
  sessionDir,
  sleep,
  spawnKernel,
  waitFor,
  watchdogOf,
  within,
  writeConnectionFile,
  type Kernel,
} from "./helpers.js";

const section = new Section("interrupt", "3. Interrupt and shutdown");

const SPIN = "func Spin() int {\n\ts := 0\n\tfor i := 0; i < 1000; i++ {\n\t\ts += i\n\t}\n\treturn s\n}";
const LOOP = 'fmt.Println("spinning")\nfor {}';
const BENCH = "%bench -benchtime 10s Spin()";

/** The pgid the kernel recorded for what runs now, when that is the cell's program (not a go command). */
function runningProgram(tmp: string): number {
  const dir = scratchDirs(tmp)[0];
  if (!dir) return 0;
  const pgid = recordedGroup(dir);
  const p = pgid ? proc(pgid) : null;
  // The program itself (argv[0], or the launcher's), not a go command or linker that names it.
  return p && p.state !== "Z" && /(cell\.bin|\.test)$/.test(programOf(p)) ? pgid : 0;
}

/** Whether the kernel's recorded child is a go command now (a build). */
function goCommandRunning(tmp: string): boolean {
  const dir = scratchDirs(tmp)[0];
  if (!dir) return false;
  const p = proc(recordedGroup(dir));
  return p !== null && p.state !== "Z" && /(^|\/)go$/.test(p.cmdline.split(" ")[0]);
}

describe("reliability 3: interrupt and shutdown", function () {
  this.timeout(600_000);
  after(() => section.save());

  describe("50 interrupts of running cells and benchmarks", () => {
    let k: Kernel;
    before(async () => {
      k = await launchKernel("interrupt");
      expect((await k.client.execute(SPIN + '\n\nfunc Alive() string { return "alive" }')).reply.content.status).to.equal("ok");
    });
    after(async () => {
      await k?.close();
      removeTree(k.tmp);
    });

    it("each is idle within 1 s of the interrupt, and the next cell works", async () => {
      const toIdle: Record<"loop" | "bench", number[]> = { loop: [], bench: [] };
      const located: Record<"loop" | "bench", number> = { loop: 0, bench: 0 };
      const interruptReplyLatencies: number[] = [];
      let leftovers = 0;
      let nextOk = 0;
      for (let round = 0; round < 50; round++) {
        const kind = round % 2 === 0 ? "loop" : "bench";
        const running = k.client.execute(kind === "loop" ? LOOP : BENCH);
        let ready = await waitFor(() => runningProgram(k.tmp) !== 0, 60_000, 10);
        expect(ready, `round ${round}: the ${kind} started`).to.not.equal(null);
        await sleep(100 + ((round * 37) % 200));
        const asked = Date.now();
        const reply = k.client.request("control", "interrupt_request", {}).then(() => interruptReplyLatencies.push(Date.now() - asked));
        const x: Exchange = await within(running, 10_000, `round ${round}: the interrupted ${kind}`);
        const idle = Date.now() - asked;
        await reply;
        toIdle[kind].push(idle);
        const errors = errorsOf(x);
        expect(errors.map((e) => e.ename), `round ${round} (${kind})`).to.deep.equal(["Interrupted"]);
        if (/ at cell\[\d+\]/.test(errors[0].evalue)) located[kind]++;
        ready = null;
        leftovers += processesUsing(scratchDirs(k.tmp)[0] ?? "/nonexistent").length;
        const next = await within(k.client.execute("fmt.Println(Alive())"), 60_000, `round ${round}: the next cell`);
        if (streamText(next, "stdout") === "alive\n") nextOk++;
      }
      const workDirs = leftIn(k.tmp).filter((n) => /(^|\/)go-build/.test(n));
      const all = [...toIdle.loop, ...toIdle.bench];
      section.add(
        "50 interrupts (25 `for {}` cells, 25 `%bench -benchtime 10s`): interrupt → idle",
        `all ${all.length} interrupted; p50 ${ms(percentile(all, 50))}, p99 ${ms(percentile(all, 99))}, max ${ms(Math.max(...all))} (loops p50 ${ms(percentile(toIdle.loop, 50))}, benchmarks p50 ${ms(percentile(toIdle.bench, 50))})`,
        all.length === 50,
      );
      section.add("interrupt_reply latency", `p50 ${ms(percentile(interruptReplyLatencies, 50))}, p99 ${ms(percentile(interruptReplyLatencies, 99))}`, true);
      section.add("the error names where the program was", `${located.loop}/25 loops, ${located.bench}/25 benchmarks: "interrupted at cell[N]:L (in F)"`, true);
      section.add(
        "after each: processes left in the scratch dir; next cell; go-build dirs left in TMPDIR",
        `${leftovers} left; next cell worked ${nextOk}/50; ${workDirs.length} go-build dirs`,
        leftovers === 0 && nextOk === 50 && workDirs.length === 0,
      );
      expect(leftovers).to.equal(0);
      expect(workDirs).to.deep.equal([]);
      expect(nextOk).to.equal(50);
    });
  });

  it("an interrupt during a go command's build answers Interrupted, and the go command leaves nothing behind", async () => {
    // A build flag in GOFLAGS sends every build through the go command (kernel/go/goflags.ts):
    // test binaries are otherwise compiled and linked by goperf directly, with no go command to stop.
    const k = await launchKernel("build", { GOFLAGS: "-trimpath" });
    expect((await k.client.execute(SPIN)).reply.content.status).to.equal("ok");
    const times: number[] = [];
    const enames: string[] = [];
    for (let round = 0; round < 5; round++) {
      // New code each round, so that go test -c really builds.
      const running = k.client.execute(`${BENCH}\nvar nonce${round} = ${round}`);
      const building = await waitFor(() => goCommandRunning(k.tmp), 60_000, 5);
      expect(building, `round ${round}: a go command runs`).to.not.equal(null);
      await sleep(50);
      const asked = Date.now();
      await k.client.request("control", "interrupt_request", {});
      const x = await within(running, 10_000, `round ${round}: the interrupted build`);
      times.push(Date.now() - asked);
      enames.push(...errorsOf(x).map((e) => e.ename));
    }
    const outside = leftIn(k.tmp).filter((n) => !/(^|\/)goperf-session-/.test(n));
    const next = await k.client.execute('fmt.Println("built fine")');
    await k.close();
    const afterShutdown = leftIn(k.tmp);
    removeTree(k.tmp);
    section.add(
      "5 interrupts during `go test -c` (a %bench cell's build, GOFLAGS=-trimpath)",
      `errors: ${[...new Set(enames)].join(", ")} ×${enames.length}; idle p50 ${ms(percentile(times, 50))}, max ${ms(Math.max(...times))}; go-build dirs outside the scratch dir: ${outside.length}; left after shutdown: ${afterShutdown.length}`,
      enames.length === 5 && enames.every((e) => e === "Interrupted") && outside.length === 0 && afterShutdown.length === 0,
    );
    expect(enames).to.deep.equal(Array(5).fill("Interrupted"));
    expect(outside, "go command work dirs outside the scratch dir").to.deep.equal([]);
    expect(afterShutdown, "nothing left in TMPDIR after shutdown").to.deep.equal([]);
    expect(streamText(next, "stdout")).to.equal("built fine\n");
  });

  it("shutdown during a benchmark leaves no Go process and no scratch dir", async () => {
    const k = await launchKernel("shutdown");
    expect((await k.client.execute(SPIN)).reply.content.status).to.equal("ok");
    const dir = scratchDirs(k.tmp)[0];
    expect(dir).to.be.a("string");
    void k.client.execute(BENCH);
    expect(await waitFor(() => runningProgram(k.tmp) !== 0, 60_000, 10)).to.not.equal(null);
    const pgid = runningProgram(k.tmp);
    await sleep(500);
    const watchdog = watchdogOf(k.pid);
    const asked = Date.now();
    const x = await within(k.client.shutdown(false), 10_000, "shutdown_reply");
    expect((x.reply.content as { status: string }).status).to.equal("ok");
    const exitCode = await within(k.client.waitForExit(), 10_000, "kernel exit");
    const exited = Date.now() - asked;
    const goneIn = await waitFor(() => groupMembers(pgid).length === 0 && processesUsing(dir).length === 0, 5000, 5);
    const dirGone = !existsSync(dir);
    const watchdogGone = watchdog ? await waitFor(() => !alive(watchdog.pid), 5000, 10) : 0;
    const leftInTmp = leftIn(k.tmp);
    await k.close();
    removeTree(k.tmp);
    section.add(
      "shutdown_request during `%bench -benchtime 10s`",
      `kernel exited (code ${exitCode}) ${ms(exited)} after the request; benchmark group and scratch-dir processes gone: ${goneIn === null ? "NO" : "yes"}; scratch dir removed: ${dirGone ? "yes" : "NO"}; watchdog exited: ${watchdogGone === null ? "NO" : "yes"}; left in TMPDIR: ${leftInTmp.length ? leftInTmp.join(", ") : "nothing"}`,
      goneIn !== null && dirGone && watchdogGone !== null && leftInTmp.length === 0,
    );
    expect(leftInTmp, "nothing left in the kernel's TMPDIR").to.deep.equal([]);
    expect(goneIn, "no process of the benchmark's group or in the scratch dir").to.not.equal(null);
    expect(dirGone, "scratch dir removed").to.equal(true);
    expect(watchdogGone, "the watchdog exits with its kernel").to.not.equal(null);
  });

  it("kill -9 of the kernel mid-cell: the watchdog kills the orphan at once and removes the scratch dir", async () => {
    const k = await launchKernel("kill9");
    const dir = await sessionDir(k.tmp);
    const running = k.client.execute(LOOP);
    expect(await waitFor(() => runningProgram(k.tmp) !== 0, 60_000, 10)).to.not.equal(null);
    const pgid = runningProgram(k.tmp);
    await sleep(300);
    expect(groupMembers(pgid).length).to.be.greaterThan(0);
    const watchdog = watchdogOf(k.pid);
    expect(watchdog, "the kernel runs a watchdog").to.not.equal(undefined);
    const watchdogRss = Math.round(vmRssKiB(watchdog!.pid) / 1024);
    const family = descendants(k.pid);
    const killedAt = Date.now();
    process.kill(k.pid, "SIGKILL");
    const survived = await waitFor(() => groupMembers(pgid).length === 0, 10_000, 2);
    const measured = survived === null ? null : Date.now() - killedAt;
    const dirGone = await waitFor(() => !existsSync(dir), 5000, 5);
    const watchdogGone = await waitFor(() => !alive(watchdog!.pid), 5000, 10);
    const familyGone = await waitFor(() => family.every((p) => !alive(p.pid)), 5000, 10);
    const familyTook = familyGone === null ? null : Date.now() - killedAt;
    const names = [...new Set(family.map((p) => p.comm))].join(", ");
    void running.catch(() => undefined);
    await k.close();
    removeTree(k.tmp);
    section.add(
      "kill -9 of the kernel during `for {}`: the orphan survives",
      `${measured === null ? "more than 10 s" : ms(measured)} (watchdog: end-of-file on its pipe from the kernel); scratch dir removed ${dirGone === null ? "NO" : `after ${ms(dirGone)}`}; watchdog exited: ${watchdogGone === null ? "NO" : "yes"} (its RSS ${watchdogRss} MiB); all ${family.length} descendants (${names}) gone ${familyTook === null ? "NOT within 5 s" : `within ${ms(familyTook)}`}`,
      measured !== null && dirGone !== null && familyGone !== null,
    );
    expect(familyGone, `every process the kernel started (${names}) ends`).to.not.equal(null);
    expect(measured, "the orphan is killed").to.not.equal(null);
    expect(dirGone, "the scratch dir is removed").to.not.equal(null);
  });

  // The launcher ends the program when the kernel dies (see test/integration/process-tree.test.ts);
  // stopped, it cannot: the group outlives kernel and watchdog, its leader still the one recorded.
  it("kill -9 of the kernel and its watchdog, the launcher stopped: the next kernel start kills the orphan and removes the stale dir", async () => {
    const tmp = privateTmp("stale");
    const k = await launchKernel("stale", {}, tmp);
    const dir = await sessionDir(tmp);
    void k.client.execute(LOOP).catch(() => undefined);
    expect(await waitFor(() => runningProgram(tmp) !== 0, 60_000, 10)).to.not.equal(null);
    const pgid = runningProgram(tmp);
    const watchdog = watchdogOf(k.pid)!;
    process.kill(pgid, "SIGSTOP"); // the group's leader: the launcher
    process.kill(watchdog.pid, "SIGKILL");
    process.kill(k.pid, "SIGKILL");
    await within(k.client.waitForExit(), 5000, "the killed kernel's exit");
    await sleep(1000);
    const orphanStillRuns = groupMembers(pgid).length > 0;
    expect(existsSync(dir), "the dir is stale now").to.equal(true);
    const started = Date.now();
    const next = await launchKernel("stale", {}, tmp);
    const killed = await waitFor(() => groupMembers(pgid).length === 0, 10_000, 5);
    const took = Date.now() - started;
    const x = await next.client.execute('fmt.Println("fresh kernel")');
    // Read once a cell has run: the session starts after kernel_info (kernel/starting.ts), and its
    // start kills the orphan first, then removes the stale dir and makes its own.
    const staleGone = !existsSync(dir);
    const fresh = scratchDirs(tmp).filter((d) => d !== dir);
    await k.close();
    await next.close();
    removeTree(tmp);
    section.add(
      "kill -9 of kernel and watchdog during `for {}`, launcher stopped; next kernel start",
      `orphan still running 1 s later: ${orphanStillRuns ? "yes" : "no"}; the next kernel killed it ${ms(took)} after its launch (ready to answer) and removed the stale dir: ${staleGone ? "yes" : "NO"}`,
      killed !== null && staleGone,
    );
    expect(orphanStillRuns, "without the watchdog and the launcher the orphan survives the kernel").to.equal(true);
    expect(killed, "the next kernel kills the orphan").to.not.equal(null);
    expect(staleGone, "the stale dir is removed").to.equal(true);
    expect(fresh).to.have.length(1);
    expect(streamText(x, "stdout")).to.equal("fresh kernel\n");
  });

  it("restarts 5 times on the same connection file", async () => {
    const tmp = privateTmp("restart");
    const { file, connection } = await writeConnectionFile(tmp);
    const env = kernelEnv(tmp);
    const times: number[] = [];
    let worked = 0;
    let kernel = spawnKernel(file, env);
    let client = await within(KernelClient.attach(connection), 90_000, "first kernel");
    for (let i = 1; i <= 5; i++) {
      const x = await within(client.execute(`fmt.Println("run", ${i})`), 60_000, `cell in kernel ${i}`);
      if (streamText(x, "stdout") === `run ${i}\n`) worked++;
      const dir = scratchDirs(tmp)[0];
      const down = await within(client.shutdown(true), 10_000, "shutdown_reply");
      expect(down.reply.content).to.deep.include({ status: "ok", restart: true });
      const asked = Date.now();
      await within(kernel.exited, 10_000, `kernel ${i} exit`);
      await client.close();
      expect(existsSync(dir), `kernel ${i}'s scratch dir removed`).to.equal(false);
      kernel = spawnKernel(file, env);
      client = await within(KernelClient.attach(connection), 90_000, `kernel ${i + 1}`);
      times.push(Date.now() - asked);
    }
    const last = await within(client.execute('fmt.Println("after 5 restarts")'), 60_000, "cell after the restarts");
    if (streamText(last, "stdout") === "after 5 restarts\n") worked++;
    await within(client.shutdown(false), 10_000, "final shutdown");
    await within(kernel.exited, 10_000, "final exit");
    await client.close();
    const leftover = scratchDirs(tmp);
    removeTree(tmp);
    section.add(
      "restart (shutdown_request restart=true, new kernel on the same connection file) ×5",
      `${worked}/6 kernels ran a cell; shutdown → next kernel answering: p50 ${ms(percentile(times, 50))}, max ${ms(Math.max(...times))}; scratch dirs left: ${leftover.length}`,
      worked === 6 && leftover.length === 0,
    );
    expect(worked).to.equal(6);
    expect(leftover).to.deep.equal([]);
  });
});
