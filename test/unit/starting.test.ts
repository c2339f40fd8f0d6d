// The kernel before its session: kernel_info from what is known of the toolchain (no session start),
// the session started once, by the first request that needs it; and the release read from the
// go command's GOROOT without running it.
import { expect } from "chai";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { spawnSync } from "node:child_process";
import type { ExecuteContext, ExecuteOutcome, Executor } from "../../kernel/handler.js";
import { StartingExecutor } from "../../kernel/starting.js";
import { releaseOnPath } from "../../kernel/go/goroot.js";
import { goEnv } from "../../kernel/go/env.js";

class Recorder implements Executor {
  calls: string[] = [];
  interrupted = 0;
  languageVersion() { return "1.26.8"; }
  banner() { return "from the session"; }
  async execute(code: string): Promise<ExecuteOutcome> { this.calls.push(`execute ${code}`); return { status: "ok" }; }
  async isComplete() { this.calls.push("isComplete"); return { status: "complete" as const }; }
  async complete() { this.calls.push("complete"); return { matches: [], cursor_start: 0, cursor_end: 0, metadata: {} }; }
  async inspect() { this.calls.push("inspect"); return { found: false, data: {} }; }
  interrupt() { this.interrupted++; }
  async shutdown() { this.calls.push("shutdown"); }
}

const ctx = {} as ExecuteContext;

describe("StartingExecutor", () => {
  it("answers kernel_info's questions from the release alone, without starting the session", async () => {
    let starts = 0;
    const e = new StartingExecutor({ release: "go1.26.8" }, async () => (starts++, new Recorder()));
    expect(e.languageVersion()).to.equal("1.26.8");
    expect(e.banner()).to.equal("goperf: Go go1.26.8 for performance experiments. %help lists the magics.");
    await e.shutdown(false); // a session that never started has nothing to stop
    expect(starts).to.equal(0);
  });

  it("says what is wrong when the detection found no usable toolchain", () => {
    const e = new StartingExecutor({ ok: false, problem: "no Go toolchain: 'go' was not found on PATH." }, async () => new Recorder());
    expect(e.languageVersion()).to.equal("unknown");
    expect(e.banner()).to.equal("goperf: no Go toolchain: 'go' was not found on PATH.");
  });

  it("starts the session once, for the first request that needs it, then answers from it", async () => {
    let starts = 0;
    const session = new Recorder();
    const e = new StartingExecutor({ release: "go1.26.8" }, async () => (starts++, session));
    const [a, b] = await Promise.all([e.execute("x := 1", ctx), e.complete("fm", 2), e.begin()]);
    expect([a.status, b.matches]).to.deep.equal(["ok", []]);
    expect(starts).to.equal(1);
    expect(session.calls).to.deep.equal(["execute x := 1", "complete"]);
    expect(e.banner()).to.equal("from the session");
    e.interrupt();
    expect(session.interrupted).to.equal(1);
  });

  it("a cell interrupted while the session starts does not run", async () => {
    let release!: () => void;
    const session = new Recorder();
    const e = new StartingExecutor({ release: "go1.26.8" }, () => new Promise<Executor>((r) => (release = () => r(session))));
    const running = e.execute("for {}", ctx);
    e.interrupt();
    release();
    const out = await running;
    expect(out.status).to.equal("error");
    expect(out.status === "error" && out.ename).to.equal("Interrupted");
    expect(session.calls).to.deep.equal([]);
  });
});

describe("releaseOnPath (GOROOT/VERSION of the go on PATH)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "goperf-goroot-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function goroot(name: string, version: string | null): string {
    const root = join(dir, name);
    mkdirSync(join(root, "bin"), { recursive: true });
    writeFileSync(join(root, "bin", "go"), "#!/bin/sh\nexit 1\n");
    chmodSync(join(root, "bin", "go"), 0o755);
    if (version !== null) writeFileSync(join(root, "VERSION"), version);
    return root;
  }

  it("reads the first line of the VERSION file of the first go on PATH, through symlinks", () => {
    const root = goroot("go", "go1.26.8\ntime 2026-11-01T00:00:00Z\n");
    goroot("other", "go1.22.12\n");
    mkdirSync(join(dir, "links"));
    symlinkSync(join(root, "bin", "go"), join(dir, "links", "go"));
    expect(releaseOnPath({ PATH: [join(dir, "empty"), join(dir, "links"), join(dir, "other", "bin")].join(delimiter) })).to.equal("go1.26.8");
  });

  it("gives null where it cannot tell: no go, no VERSION, a development build, relative PATH entries", () => {
    expect(releaseOnPath({ PATH: join(dir, "nothing") })).to.equal(null);
    goroot("plain", null);
    expect(releaseOnPath({ PATH: join(dir, "plain", "bin") })).to.equal(null);
    goroot("devel", "devel go1.27-abcdef Mon Nov 1 2026\n");
    expect(releaseOnPath({ PATH: join(dir, "devel", "bin") })).to.equal(null);
    expect(releaseOnPath({ PATH: "." })).to.equal(null);
  });

  it("agrees with `go env GOVERSION` for the toolchain installed here", function () {
    const env = goEnv(process.env);
    const go = spawnSync("go", ["env", "GOVERSION"], { env, encoding: "utf8" });
    if (go.status !== 0) throw new Error(`go env GOVERSION failed: ${go.stderr}`);
    expect(releaseOnPath(env)).to.equal(go.stdout.trim());
  });
});
