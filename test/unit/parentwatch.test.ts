// The kernel ends when the Jupyter server that started it (JPY_PARENT_PID) is gone, as ipykernel
// does: the rule, and a real orphan (a parent that exits without stopping its child).
import { expect } from "chai";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parentGone, parentToWatch } from "../../kernel/parentwatch.js";

describe("parent watch (JPY_PARENT_PID)", () => {
  it("watches only a real parent pid", () => {
    expect(parentToWatch({ JPY_PARENT_PID: "4242" })).to.equal(4242);
    for (const value of [undefined, "", "1", "0", "-3", "12x", "1.5"]) expect(parentToWatch({ JPY_PARENT_PID: value }), String(value)).to.equal(null);
  });

  it("follows ipykernel's rule: a changed parent when started by it, init otherwise", () => {
    expect(parentGone(100, 100, 100)).to.equal(false);
    expect(parentGone(100, 100, 1)).to.equal(true);
    expect(parentGone(100, 100, 57)).to.equal(true); // re-parented to a subreaper
    expect(parentGone(100, 80, 80)).to.equal(false); // started through a wrapper
    expect(parentGone(100, 80, 1)).to.equal(true);
  });

  /** Starts a watching child through a parent that exits at once, leaving it orphaned; its pid. */
  async function orphan(tellParent: boolean): Promise<number> {
    const module = fileURLToPath(new URL("../../kernel/parentwatch.js", import.meta.url));
    const child = `import { watchParent } from ${JSON.stringify(module)};
watchParent(() => process.exit(0), process.env, 100);
process.stdout.write("watching\\n");
setInterval(() => undefined, 1000);`;
    const parent = `const { spawn } = require("node:child_process");
const env = { ...process.env };
delete env.JPY_PARENT_PID;
if (${tellParent}) env.JPY_PARENT_PID = String(process.pid);
const c = spawn(process.execPath, ["--input-type=module", "-e", ${JSON.stringify(child)}], { stdio: ["ignore", "pipe", "inherit"], env });
c.stdout.once("data", () => { process.stdout.write("pid " + c.pid + "\\n"); process.exit(0); });`;
    const p = spawn(process.execPath, ["-e", parent], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.setEncoding("utf8").on("data", (t: string) => (out += t));
    await new Promise((resolve) => p.on("exit", resolve));
    const pid = Number(/pid (\d+)/.exec(out)?.[1]);
    expect(pid, out).to.be.greaterThan(0);
    return pid;
  }

  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  async function aliveAfter(pid: number, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const still = alive(pid);
    if (still) process.kill(pid, "SIGKILL");
    return still;
  }

  it("ends a child whose parent exits without stopping it", async function () {
    this.timeout(20_000);
    expect(await aliveAfter(await orphan(true), 10_000), "the orphan is still running 10 s after its parent exited").to.equal(false);
  });

  it("leaves a child that was told no parent running (it is the watch that ends it)", async function () {
    this.timeout(20_000);
    expect(await aliveAfter(await orphan(false), 1_500), "the orphan without JPY_PARENT_PID").to.equal(true);
  });
});
