// The checks that keep goperf's per-user state private on a shared machine, the pure parts: which
// dirs may be used, how a recorded process is told from a later one with the same pid, and where
// the private root is. (test/integration/scratch-root.test.ts plants a second user's dirs and pids
// in front of the real kernel.)
import { expect } from "chai";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatRecord, mismatch, parseRecord, parseStat, recordOf, whyNotOurs, descendants } from "../../kernel/go/processes.js";
import { FRESH_MS, SCRATCH_PREFIX, parentProblem, privateDir, privateDirProblem, privateRootPath, removeStale, tempDirOf, type DirFacts } from "../../kernel/go/workspace.js";

const dir = (over: Partial<DirFacts> = {}): DirFacts => ({ symlink: false, directory: true, uid: 1000, mode: 0o700, ...over });

describe("private dirs: what goperf refuses to use", () => {
  it("accepts a real 0700 dir of the user's", () => {
    expect(privateDirProblem("/tmp/goperf-1000", dir(), 1000, "TMPDIR")).to.equal(null);
  });

  it("refuses a symlink, saying it may be planted and what to do", () => {
    const why = privateDirProblem("/tmp/goperf-1000", dir({ symlink: true, uid: 1001 }), 1000, "TMPDIR");
    expect(why).to.match(/^\/tmp\/goperf-1000 is a symbolic link/);
    expect(why).to.include("as its owner, uid 1001, or as root");
    expect(why).to.include("set TMPDIR to a directory of your own");
  });

  it("refuses a dir another user owns, naming both uids", () => {
    const why = privateDirProblem("/tmp/goperf-1000", dir({ uid: 1001 }), 1000, "TMPDIR");
    expect(why).to.match(/belongs to uid 1001, not to you \(uid 1000\)/);
    expect(why).to.include("Remove it (as its owner or as root)");
  });

  it("refuses group or other bits on the private root, and only write bits on the cache dir", () => {
    for (const mode of [0o750, 0o705, 0o770, 0o777]) {
      expect(privateDirProblem("/r", dir({ mode }), 1000, "TMPDIR"), mode.toString(8)).to.include(`has mode 0${mode.toString(8)}`);
    }
    expect(privateDirProblem("/r", dir({ mode: 0o755 }), 1000, "XDG_CACHE_HOME")).to.include("chmod 700 /r");
    expect(privateDirProblem("/c", dir({ mode: 0o755 }), 1000, "XDG_CACHE_HOME", true)).to.equal(null);
    expect(privateDirProblem("/c", dir({ mode: 0o775 }), 1000, "XDG_CACHE_HOME", true)).to.include("chmod go-w /c");
  });

  it("refuses a file where the dir should be", () => {
    expect(privateDirProblem("/r", dir({ directory: false }), 1000, "TMPDIR")).to.match(/is not a directory/);
  });

  it("accepts /tmp (sticky) and the user's own dirs as the parent, not a dir anyone may rename in", () => {
    expect(parentProblem("/tmp", dir({ uid: 0, mode: 0o1777 }), 1000, "TMPDIR")).to.equal(null);
    expect(parentProblem("/home/me/tmp", dir({ mode: 0o755 }), 1000, "TMPDIR")).to.equal(null);
    expect(parentProblem("/shared", dir({ uid: 0, mode: 0o777 }), 1000, "TMPDIR")).to.match(/without the sticky bit/);
    expect(parentProblem("/home/other/tmp", dir({ uid: 1001, mode: 0o755 }), 1000, "TMPDIR")).to.match(/belongs to uid 1001/);
  });
});

describe("private dirs: where the private root is", () => {
  let runtime: string;
  before(() => (runtime = mkdtempSync(join(tmpdir(), "goperf-xdg-"))));
  after(() => rmSync(runtime, { recursive: true, force: true }));

  it("is $XDG_RUNTIME_DIR/goperf when that dir is the user's alone", () => {
    const uid = process.getuid!();
    chmodSync(runtime, 0o700);
    expect(privateRootPath({ XDG_RUNTIME_DIR: runtime, TMPDIR: "/var/tmp" }, uid)).to.equal(join(runtime, "goperf"));
  });

  it("is <temp dir>/goperf-UID otherwise", () => {
    const uid = process.getuid!();
    chmodSync(runtime, 0o755);
    expect(privateRootPath({ XDG_RUNTIME_DIR: runtime, TMPDIR: "/var/tmp/" }, uid)).to.equal(`/var/tmp/goperf-${uid}`);
    expect(privateRootPath({ XDG_RUNTIME_DIR: runtime }, uid + 1)).to.equal(`/tmp/goperf-${uid + 1}`);
    expect(privateRootPath({ XDG_RUNTIME_DIR: "relative" }, 7)).to.equal("/tmp/goperf-7");
    expect(tempDirOf({ TMP: "/x/" })).to.equal("/x");
  });
});

describe("process records: a pid with its start time and boot", () => {
  const boot = "0e5b2a8c-7d8e-4f4e-9a51-1d6f6d1a2b3c";

  it("round-trips and refuses anything that proves nothing (a bare pid, pid 1, junk)", () => {
    const r = { pid: 4242, start: 123456, boot };
    expect(parseRecord(formatRecord(r))).to.deep.equal(r);
    expect(parseRecord("4242")).to.equal(null);
    expect(parseRecord("4242\n")).to.equal(null);
    expect(parseRecord(`1 5 ${boot}`)).to.equal(null);
    expect(parseRecord(`4242 x ${boot}`)).to.equal(null);
    expect(parseRecord(`-4242 5 ${boot}`)).to.equal(null);
  });

  it("matches only the same start time, the same boot, and our uid", () => {
    const r = { pid: 4242, start: 100, boot };
    expect(mismatch(r, { start: 100, boot, uid: 1000 }, 1000)).to.equal(null);
    expect(mismatch(r, null, 1000)).to.equal("it is not running");
    expect(mismatch(r, { start: 101, boot, uid: 1000 }, 1000)).to.match(/start time differs/);
    expect(mismatch(r, { start: 100, boot: "another", uid: 1000 }, 1000)).to.match(/before the machine last booted/);
    expect(mismatch({ ...r, boot: "" }, { start: 100, boot: "", uid: 1000 }, 1000)).to.match(/booted/);
    expect(mismatch(r, { start: 100, boot, uid: 1001 }, 1000)).to.match(/belongs to uid 1001, not to us/);
  });

  it("reads field 22 of /proc/PID/stat, whatever the command name holds", () => {
    const stat = "77 (a) b (c)) S 1 77 77 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 98765 1000 200 18446744073709551615";
    expect(parseStat(stat)).to.deep.equal({ state: "S", ppid: 1, pgid: 77, start: 98765 });
    expect(parseStat("garbage")).to.equal(null);
  });

  it("recognises this process, and not a record of it with another start time", () => {
    const me = recordOf(process.pid)!;
    expect(me.boot).to.match(/^[0-9a-f-]{36}$/);
    expect(whyNotOurs(me)).to.equal(null);
    expect(whyNotOurs({ ...me, start: me.start + 1 })).to.match(/start time differs/);
    expect(descendants(process.pid)).to.not.include(process.pid);
  });
});

describe("stale session dirs: what removeStale removes", () => {
  let root: string;
  beforeEach(() => (root = privateDir(join(mkdtempSync(join(tmpdir(), "goperf-stale-")), "root"), "TMPDIR")));
  afterEach(() => rmSync(join(root, ".."), { recursive: true, force: true }));

  const make = (name: string, files: Record<string, string>, ageMs = 0) => {
    const dir = join(root, name);
    mkdirSync(dir, { mode: 0o700 });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    const when = (Date.now() - ageMs) / 1000;
    utimesSync(dir, when, when);
    return dir;
  };

  it("keeps a dir being created (no kernel.pid yet) and a live kernel's; removes a dead kernel's and an old unmarked one", async () => {
    const creating = make(`${SCRATCH_PREFIX}creating`, {});
    const live = make(`${SCRATCH_PREFIX}live`, { "kernel.pid": formatRecord(recordOf(process.pid)!) }, 10 * FRESH_MS);
    const dead = make(`${SCRATCH_PREFIX}dead`, { "kernel.pid": formatRecord({ ...recordOf(process.pid)!, start: 1 }) });
    const old = make(`${SCRATCH_PREFIX}old`, {}, 2 * FRESH_MS);
    const other = make("not-a-session", {}, 2 * FRESH_MS);
    const logged: string[] = [];
    const removed = await removeStale(root, (line) => logged.push(line));
    expect(removed.sort()).to.deep.equal([dead, old].sort());
    for (const kept of [creating, live, other]) expect(existsSync(kept), kept).to.equal(true);
    expect(logged).to.deep.equal([]);
  });

  it("logs, never throws, when the root cannot be listed", async () => {
    const logged: string[] = [];
    expect(await removeStale(join(root, "missing"), (line) => logged.push(line))).to.deep.equal([]);
    expect(logged[0]).to.match(/^could not list .*missing for stale session dirs: ENOENT/);
  });
});
