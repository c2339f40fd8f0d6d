import { expect } from "chai";
import { StderrSplitter, describeDeath } from "../../kernel/go/runoutput.js";

describe("program stderr", () => {
  it("streams ordinary stderr and holds back a panic trace, even split across chunks", () => {
    const s = new StderrSplitter();
    let streamed = s.push("warning: x\npa");
    streamed += s.push("nic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\tcell[2]:3 +0x1d\n");
    expect(streamed).to.equal("warning: x\n");
    const death = describeDeath(s.deathTrace!);
    expect(death.ename).to.equal("panic");
    expect(death.evalue).to.equal("boom");
    expect(death.traceback).to.include("\tcell[2]:3 +0x1d");
  });

  it("recognises fatal runtime errors", () => {
    const s = new StderrSplitter();
    s.push("fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [chan receive]:\n");
    expect(describeDeath(s.deathTrace!)).to.include({ ename: "fatal error", evalue: "all goroutines are asleep - deadlock!" });
  });

  it("does not hold text that merely starts like a marker", () => {
    const s = new StderrSplitter();
    expect(s.push("pan")).to.equal("");
    expect(s.push("cake\n")).to.equal("pancake\n");
    expect(s.push("partial")).to.equal("partial");
    expect(s.deathTrace).to.equal(null);
  });
});
