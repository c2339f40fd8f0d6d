import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpus } from "node:os";
import { machineState, noiseAfter, noiseBefore, otherLoad } from "../../kernel/machine.js";

// A fixture tree standing in for /sys and /proc, as Linux lays them out.
function fakeRoot(governors: string[], loadavg: string): string {
  const root = mkdtempSync(join(tmpdir(), "goperf-noise-"));
  governors.forEach((g, i) => {
    mkdirSync(join(root, `sys/devices/system/cpu/cpu${i}/cpufreq`), { recursive: true });
    writeFileSync(join(root, `sys/devices/system/cpu/cpu${i}/cpufreq/scaling_governor`), `${g}\n`);
  });
  mkdirSync(join(root, "proc"), { recursive: true });
  writeFileSync(join(root, "proc/loadavg"), loadavg);
  return root;
}

describe("noise: what the machine says before and after a run", () => {
  it("names a governor other than performance, with what to do", async () => {
    const root = fakeRoot(["powersave", "powersave"], "0.10 0.20 0.30 1/100 42\n");
    try {
      const m = machineState(root);
      expect(m.governors).to.deep.equal(["powersave"]);
      expect(m.load1).to.equal(0.1);
      const f = noiseBefore(m);
      expect(f.map((x) => x.kind)).to.deep.equal(["governor"]);
      expect(f[0].text).to.match(/governor is powersave \(not performance\)/);
      expect(f[0].advice).to.match(/perflock/);
    } finally {
      rmSync(root, { recursive: true });
    }
  });

  it("says nothing under the performance governor on an idle machine, and nothing it cannot know", async () => {
    const root = fakeRoot(["performance"], "0.00 0.00 0.00 1/100 42\n");
    try {
      expect(noiseBefore(machineState(root))).to.deep.equal([]);
    } finally {
      rmSync(root, { recursive: true });
    }
    expect(noiseBefore({ governors: [], cpus: 2 })).to.deep.equal([]);
  });

  it("names other load: busy CPUs or a load average above half the CPUs", () => {
    const f = noiseBefore({ governors: ["performance"], cpus: 2, load1: 15.7, busyCpus: 2 });
    expect(f.map((x) => x.kind)).to.deep.equal(["load"]);
    expect(f[0].text).to.equal("other load on the machine: 2.0 of 2 CPUs busy with other work while the benchmarks ran, load average 15.70");
  });

  it("samples other work's load beside a run: the machine's busy time less the run's process group's", () => {
    const root = fakeRoot(["performance"], "0.00 0.00 0.00 1/100 42\n");
    // /proc/stat's cpu line: user nice system idle iowait irq softirq steal (clock ticks).
    const machine = (busy: number, idle: number) => writeFileSync(join(root, "proc/stat"), `cpu  ${busy} 0 0 ${idle} 0 0 0 0\ncpu0 0 0 0 0\n`);
    // /proc/PID/stat: the run's group is 700 (its leader and a child, one with a name that holds
    // spaces and a parenthesis); 900 is someone else's.
    const proc = (pid: number, comm: string, pgrp: number, utime: number, stime: number) => {
      mkdirSync(join(root, `proc/${pid}`), { recursive: true });
      writeFileSync(join(root, `proc/${pid}/stat`), `${pid} (${comm}) R 1 ${pgrp} ${pgrp} 0 -1 0 0 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 0\n`);
    };
    try {
      machine(200, 800);
      proc(700, "launcher", 700, 1, 0);
      proc(701, "bench (x) y", 700, 10, 2);
      proc(900, "other", 900, 50, 0);
      const sample = otherLoad(root, 700);
      // 200 ticks pass over all CPUs; 150 of them busy, 100 of those the run's own (90 + 10).
      machine(350, 850);
      proc(701, "bench (x) y", 700, 100, 2);
      proc(700, "launcher", 700, 11, 0);
      proc(900, "other", 900, 100, 0);
      expect(sample()).to.be.closeTo((50 / 200) * cpus().length, 0.01);
      expect(otherLoad(join(root, "nothing"), 700)(), "no /proc: unknown").to.equal(undefined);
    } finally {
      rmSync(root, { recursive: true });
    }
  });

  it("after the run, names every benchmark whose spread is above the threshold, and keeps the numbers", () => {
    const f = noiseAfter([
      { name: "BenchmarkA", spreadPct: 3 },
      { name: "BenchmarkB", spreadPct: 37.4 },
    ]);
    expect(f).to.have.length(1);
    expect(f[0].text).to.equal("runs spread above 10% of the median: BenchmarkB 37%");
    expect(f[0].advice).to.match(/shown as measured/);
    expect(noiseAfter([{ name: "BenchmarkA", spreadPct: 3 }])).to.deep.equal([]);
  });
});
