// A shared machine is a hostile one. A second local user (made here with useradd, removed after)
// plants session dirs where goperf kept them before (the shared temp dir) and in goperf's private
// root, with pid files that point at live processes; and squats the private root itself. The real
// kernel starts anyway, kills nothing it did not start, removes nothing it does not own, and refuses
// a root that is not its own with an error that says what to do.
//
// Needs root (useradd, chown, a process under another uid); CI runs the tests as root. Not skipped
// elsewhere: it fails and says why.
import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, lchownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KernelClient, streamText } from "../../kernel/client/client.js";
import { bootId, formatRecord, recordOf } from "../../kernel/go/processes.js";
import { alive, kernelEnv, scratchDirs, scratchRoot, spawnKernel, waitFor, within, writeConnectionFile } from "../reliability/helpers.js";

const USER = `goperft${process.pid % 100000}`;

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.error?.message ?? r.stderr.trim()}`);
  return r.stdout.trim();
}

describe("scratch dirs on a shared machine (a second local user)", function () {
  this.timeout(180_000);
  let uid = -1;
  let gid = -1;
  let made = false;
  const victims: ChildProcess[] = [];
  const temps: string[] = [];
  const newTemp = (label: string) => {
    const dir = mkdtempSync(join(tmpdir(), `goperf-shared-${label}-`));
    chmodSync(dir, 0o1777); // a shared temp dir, as /tmp is
    temps.push(dir);
    return dir;
  };

  before(() => {
    if (process.getuid?.() !== 0) {
      throw new Error("this test needs root: it creates a second local user (useradd) and plants that user's dirs and processes; run it as root, as CI does");
    }
    sh("useradd", ["--no-create-home", "--shell", "/usr/sbin/nologin", USER]);
    made = true;
    uid = Number(sh("id", ["-u", USER]));
    gid = Number(sh("id", ["-g", USER]));
  });

  after(() => {
    for (const v of victims) if (v.exitCode === null && v.signalCode === null) v.kill("SIGKILL");
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
    if (made) sh("userdel", [USER]);
  });

  /** A live process the kernel must not kill: `sleep 300` as `owner` (a uid). */
  function victim(owner: number, ownerGid: number): number {
    const child = spawn("sleep", ["300"], { uid: owner, gid: ownerGid, stdio: "ignore", detached: true, cwd: "/" });
    victims.push(child);
    return child.pid!;
  }

  /** A session dir as a kernel leaves it, owned by `owner`. */
  function plant(dir: string, files: Record<string, string>, owner: number, ownerGid: number): void {
    mkdirSync(dir, { mode: 0o700 });
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(dir, name), text);
      chownSync(join(dir, name), owner, ownerGid);
    }
    chownSync(dir, owner, ownerGid);
  }

  it("starts, kills no planted process group, and removes only its own stale dirs", async () => {
    const tmp = newTemp("plant");
    const theirs = victim(uid, gid); // the other user's process
    const ours = victim(0, 0); // one of root's own, which root could kill
    await waitFor(() => recordOf(theirs) !== null && recordOf(ours) !== null, 5000);
    const real = recordOf(ours)!;
    const dead = { pid: 999_999_0, start: 1, boot: bootId() };

    // Where goperf kept session dirs before: the shared temp dir. A bare pid there was trusted.
    const oldPlace = join(tmp, "goperf-session-planted");
    plant(oldPlace, { "kernel.pid": "999999\n", "running.pgid": `${theirs}\n` }, uid, gid);

    // The private root, ours; in it a dir of the other user's (as if it had got in) and two of ours
    // whose records point at the live victims with a wrong start time and a wrong boot.
    const root = scratchRoot(tmp);
    mkdirSync(root, { mode: 0o700 });
    const foreign = join(root, "goperf-session-foreign");
    plant(foreign, { "kernel.pid": formatRecord(dead), "running.pgid": formatRecord(recordOf(theirs)!) }, uid, gid);
    const wrongStart = join(root, "goperf-session-wrongstart");
    plant(wrongStart, { "kernel.pid": formatRecord(dead), "running.pgid": formatRecord({ ...real, start: real.start + 7 }) }, 0, 0);
    const wrongBoot = join(root, "goperf-session-wrongboot");
    plant(wrongBoot, { "kernel.pid": formatRecord(dead), "running.pgid": formatRecord({ ...real, boot: "00000000-0000-4000-8000-000000000000" }) }, 0, 0);

    const k = await KernelClient.launch({ env: kernelEnv(tmp) });
    try {
      const x = await k.execute('fmt.Println("started")');
      expect(streamText(x, "stdout")).to.equal("started\n");
      expect(alive(theirs), "the other user's process lives").to.equal(true);
      expect(alive(ours), "the process named with a wrong start time or boot lives").to.equal(true);
      expect(readdirSync(oldPlace).sort(), "the dir in the old shared place is untouched").to.deep.equal(["kernel.pid", "running.pgid"]);
      expect(readdirSync(foreign).sort(), "the other user's dir in the root is untouched").to.deep.equal(["kernel.pid", "running.pgid"]);
      expect(existsSync(wrongStart) || existsSync(wrongBoot), "our own stale dirs are removed").to.equal(false);
      expect(scratchDirs(tmp).filter((d) => d !== foreign), "the kernel's own session dir is in the root").to.have.length(1);
      expect(statSync(root).mode & 0o777).to.equal(0o700);
      expect(k.kernelLog).to.match(/did not kill process group \d+ recorded in .*wrongstart: another process has its pid now/);
      expect(k.kernelLog).to.match(/did not kill process group \d+ recorded in .*wrongboot: it was recorded before the machine last booted/);
      expect(k.kernelLog).to.include(`left ${foreign} alone: it belongs to uid ${uid}`);
    } finally {
      await k.close();
    }
  });

  it("two kernels starting at once in one root keep each other's session dir", async () => {
    const tmp = newTemp("twins");
    const kernels = await Promise.all([0, 1].map(() => KernelClient.launch({ env: kernelEnv(tmp) })));
    try {
      const outs = await Promise.all(kernels.map((k, i) => k.execute(`fmt.Println(${i})`)));
      expect(outs.map((x) => streamText(x, "stdout"))).to.deep.equal(["0\n", "1\n"]);
      expect(scratchDirs(tmp), "one session dir each").to.have.length(2);
    } finally {
      await Promise.all(kernels.map((k) => k.close()));
    }
  });

  for (const squat of ["owned by the other user", "a symlink to the other user's dir", "ours but group-writable"] as const) {
    it(`refuses a private root ${squat}, with an error that says what to do`, async () => {
      const tmp = newTemp("squat");
      const root = scratchRoot(tmp);
      const expected =
        squat === "owned by the other user"
          ? `${root} belongs to uid ${uid}, not to you (uid 0)`
          : squat === "ours but group-writable"
            ? `${root} has mode 0770`
            : `${root} is a symbolic link`;
      if (squat === "a symlink to the other user's dir") {
        const target = join(tmp, "elsewhere");
        mkdirSync(target, { mode: 0o700 });
        chownSync(target, uid, gid);
        symlinkSync(target, root);
        lchownSync(root, uid, gid); // the link itself
      } else {
        mkdirSync(root, { mode: 0o700 });
        if (squat === "ours but group-writable") chmodSync(root, 0o770);
        else chownSync(root, uid, gid);
      }
      const { file, connection } = await writeConnectionFile(newTemp("conn"));
      const kernel = spawnKernel(file, kernelEnv(tmp));
      // As every front end does: ask for kernel_info at once. The kernel answers it, starts its
      // session right after (kernel/starting.ts), and that is where the root is refused.
      const client = await KernelClient.attach(connection);
      void client.request("shell", "kernel_info_request", {}).catch(() => undefined);
      try {
        const code = await within(kernel.exited, 30_000, "the kernel's exit");
        expect(code, kernel.log()).to.not.equal(0);
        expect(kernel.log()).to.include(expected);
        expect(kernel.log()).to.match(/set TMPDIR to a directory of your own/);
        expect(readdirSync(tmp).filter((n) => n.startsWith("goperf-session-")), "nothing made beside the root").to.deep.equal([]);
      } finally {
        await client.close().catch(() => undefined);
        kernel.child.kill("SIGKILL"); // one that started after all
      }
    });
  }
});
