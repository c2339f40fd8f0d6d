import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { machineState, noiseAfter, noiseBefore } from "../../kernel/machine.js";

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
      const m = await machineState(root, 1);
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
      expect(noiseBefore(await machineState(root, 1))).to.deep.equal([]);
    } finally {
      rmSync(root, { recursive: true });
    }
    expect(noiseBefore({ governors: [], cpus: 2 })).to.deep.equal([]);
  });

  it("names other load: busy CPUs or a load average above half the CPUs", () => {
    const f = noiseBefore({ governors: ["performance"], cpus: 2, load1: 15.7, busyCpus: 2 });
    expect(f.map((x) => x.kind)).to.deep.equal(["load"]);
    expect(f[0].text).to.equal("other load on the machine: 2.0 of 2 CPUs busy just before the run, load average 15.70");
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
