// A cell's program and everything it starts end with the cell, and with the kernel: also what left
// the program's process group (setsid) or its ancestry (a double fork), which a process-group kill
// does not reach. The real kernel, the real go, real processes found in /proc.
import { expect } from "chai";
import { KernelClient, streamText } from "../../kernel/client/client.js";
import { processes, waitFor, watchdogOf, within } from "../reliability/helpers.js";

/** A cell that starts `sleep MARK.1` in a session of its own and `sleep MARK.2` by a double fork. */
function escapingCell(mark: string, thenWait: boolean): string {
  return [
    "import (",
    '\t"os/exec"',
    '\t"syscall"',
    '\t"time"',
    ")",
    "",
    `own := exec.Command("sleep", "${mark}1")`,
    "own.SysProcAttr = &syscall.SysProcAttr{Setsid: true}",
    "if err := own.Start(); err != nil {",
    "\tpanic(err)",
    "}",
    // sh starts sleep in the background and exits: sleep is an orphan, no longer the program's child.
    `if err := exec.Command("sh", "-c", "sleep ${mark}2 & exit 0").Run(); err != nil {`,
    "\tpanic(err)",
    "}",
    'fmt.Println("started")',
    thenWait ? "time.Sleep(time.Hour)" : "_ = time.Second",
  ].join("\n");
}

describe("a cell's process tree (setsid, double fork)", function () {
  this.timeout(180_000);
  // Unique per run: the sleeps are found by their argument.
  const marks: string[] = [];
  const newMark = () => {
    const mark = `${300 + marks.length}.${process.pid}${Date.now() % 100000}`;
    marks.push(mark);
    return mark;
  };
  const alive = (mark: string) => processes().filter((p) => p.state !== "Z" && p.cmdline.startsWith(`sleep ${mark}`));

  after(() => {
    // A failing run leaves nothing behind either.
    for (const mark of marks) for (const p of alive(mark)) process.kill(p.pid, "SIGKILL");
  });

  it("ends with the cell: nothing the program started is left when the cell is done", async () => {
    const k = await KernelClient.launch();
    try {
      const mark = newMark();
      const x = await k.execute(escapingCell(mark, false));
      expect(x.reply.content.status, JSON.stringify(x.reply.content)).to.equal("ok");
      expect(streamText(x, "stdout")).to.equal("started\n");
      const gone = await waitFor(() => alive(mark).length === 0, 5000, 20);
      expect(gone, `still running after the cell: ${alive(mark).map((p) => p.cmdline).join(", ")}`).to.not.equal(null);
      // The kernel goes on as before.
      const next = await k.execute('fmt.Println("next")');
      expect(streamText(next, "stdout")).to.equal("next\n");
    } finally {
      await k.close();
    }
  });

  for (const alsoWatchdog of [false, true]) {
    it(`ends with the kernel killed by SIGKILL mid-cell${alsoWatchdog ? ", its watchdog killed too (the launcher alone)" : ""}`, async () => {
      const k = await KernelClient.launch();
      const mark = newMark();
      try {
        let started = false;
        const running = k.execute(escapingCell(mark, true), {
          onIopub: (m) => m.header.msg_type === "stream" && (started ||= String((m.content as { text: string }).text).includes("started")),
        });
        void running.catch(() => undefined);
        expect(await waitFor(() => started, 90_000, 20), "the cell printed 'started'").to.not.equal(null);
        expect(alive(mark).length, "both sleeps run").to.equal(2);
        if (alsoWatchdog) {
          const watchdog = watchdogOf(k.pid!);
          expect(watchdog, "the kernel runs a watchdog").to.not.equal(undefined);
          process.kill(watchdog!.pid, "SIGKILL");
        }
        process.kill(k.pid!, "SIGKILL");
        await within(k.waitForExit(), 10_000, "the killed kernel's exit");
        const gone = await waitFor(() => alive(mark).length === 0, 5000, 20);
        expect(gone, `still running after the kernel died: ${alive(mark).map((p) => p.cmdline).join(", ")}`).to.not.equal(null);
      } finally {
        await k.close();
      }
    });
  }
});
