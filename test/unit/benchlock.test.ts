// The machine-wide benchmark lock with the real flock(1): exclusion, the holder's description shown
// to a waiter, release on close and on death, and a shared file that is not trusted.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { acquireBenchLock, describeHolder, type HeldLock, type LockUnavailable } from "../../kernel/go/benchlock.js";

function held(lock: HeldLock | LockUnavailable): HeldLock {
  if ("unavailable" in lock) throw new Error(lock.unavailable);
  return lock;
}

describe("the benchmark lock (real flock)", () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "goperf-lock-test-"));
    path = join(dir, "bench.lock");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("lets one holder in at a time, and tells the waiter who holds it", async () => {
    const first = held(await acquireBenchLock({ path, description: "%bench in cell 3" }));
    expect(statSync(path).mode & 0o777).to.equal(0o666);
    let waitedFor = "";
    let secondIn = false;
    const second = acquireBenchLock({ path, description: "%bench in cell 9", onWait: (h) => (waitedFor = h) }).then((l) => {
      secondIn = true;
      return held(l);
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(secondIn, "the second holder got in while the first held the lock").to.equal(false);
    expect(waitedFor).to.match(new RegExp(`^process ${process.pid} of .+: %bench in cell 3$`));
    first.release();
    const got = await second;
    expect(got.tookOver).to.equal(undefined);
    expect(readFileSync(path, "utf8")).to.include("%bench in cell 9");
    got.release();
    got.release(); // idempotent
    expect(readFileSync(path, "utf8")).to.equal("");
  });

  it("is released when its holder is killed, and the next holder notes the takeover", async () => {
    // A child process takes the lock through the same module, reports, and is SIGKILLed.
    const script = `import("${join(process.cwd(), "dist/kernel/go/benchlock.js")}").then(async (m) => {
      const l = await m.acquireBenchLock({ path: ${JSON.stringify(path)}, description: "doomed" });
      if ("unavailable" in l) process.exit(3);
      process.stdout.write("held\\n");
      setInterval(() => {}, 1000);
    });`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d) => String(d).includes("held") && resolve());
      child.on("exit", (code) => reject(new Error(`the holder exited (${code}) before taking the lock`)));
    });
    const died = new Promise((r) => child.on("exit", r));
    child.kill("SIGKILL");
    await died;
    const next = held(await acquireBenchLock({ path, description: "after" }));
    expect(next.tookOver).to.match(new RegExp(`^process ${child.pid} of .+: doomed$`));
    next.release();
  });

  it("gives up waiting when the cell is interrupted, leaving the holder's lock alone", async () => {
    const first = held(await acquireBenchLock({ path, description: "long run" }));
    const controller = new AbortController();
    const waiting = acquireBenchLock({ path, description: "impatient", signal: controller.signal, onWait: () => controller.abort() });
    let error: unknown;
    await waiting.catch((e) => (error = e));
    expect((error as Error)?.name).to.equal("AbortError");
    expect(readFileSync(path, "utf8")).to.include("long run");
    first.release();
    held(await acquireBenchLock({ path, description: "then" })).release();
  });

  it("refuses a planted link and a directory, saying why", async () => {
    const target = join(dir, "victim");
    writeFileSync(target, "precious");
    symlinkSync(target, path);
    const viaLink = await acquireBenchLock({ path, description: "x" });
    expect((viaLink as LockUnavailable).unavailable).to.match(/cannot be used/);
    expect(readFileSync(target, "utf8")).to.equal("precious");
    const asDir = join(dir, "lockdir");
    mkdirSync(asDir);
    expect((await acquireBenchLock({ path: asDir, description: "x" }) as LockUnavailable).unavailable).to.match(/not a regular file|cannot be used/);
  });

  it("shows foreign text as one capped line, never as markup or control characters", () => {
    const shown = describeHolder({ pid: 0, start: "", user: "", what: "x\u001b[31m\nrm -rf /" + "y".repeat(5000) });
    expect(shown).to.not.match(/[\u0000-\u001f]/);
    expect(shown.length).to.be.at.most(400);
  });

  it("says when flock(1) is missing, rather than failing the benchmark", async () => {
    const result = await acquireBenchLock({ path, description: "x", flock: join(dir, "no-flock-here") });
    expect((result as LockUnavailable).unavailable).to.match(/flock\(1\)/);
  });
});
