// Other Go releases, the pure parts: naming a release, the go line, why a release cannot be used,
// decisions compared across releases, and claims across releases. Compiler output fixtures were
// captured with go1.22.12 and go1.26.8 linux/amd64 (test/fixtures/compiler/README.md).
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { cellOf, parseCompilerOutput } from "../../kernel/go/diagnostics.js";
import {
  compareGoVersions,
  explainReleaseFailure,
  oldestGoLine,
  parseRelease,
  resolveRelease,
  ReleaseSyntaxError,
  type FailureFacts,
} from "../../kernel/go/releases.js";
import type { RunResult } from "../../kernel/go/toolchain.js";
import { CLAIM_FORMS, ClaimSyntaxError, judge, parseClaim } from "../../magics/claims.js";
import { compareDecisions, decisionKey } from "../../magics/escapecompare.js";
import type { EscapeDiagnostic } from "../../kernel/reports/index.js";
import { readFixture } from "../helpers/paths.js";

const read = (name: string) => readFixture(`compiler/${name}`);

function decisions(text: string): EscapeDiagnostic[] {
  return parseCompilerOutput(text)
    .diagnostics.filter((d) => cellOf(d.file) !== undefined)
    .map((d) => ({ cell: cellOf(d.file)!, line: d.line, col: d.col, kind: d.kind, message: d.message, func: d.func, explanation: d.explanation }));
}

function diag(cell: number, line: number, col: number, message: string, func = "F"): EscapeDiagnostic {
  return { cell, line, col, kind: "other", message, func, explanation: [] };
}

describe("releases: naming a release", () => {
  it("reads 1.22.12, go1.22.12, prereleases, local and paths", () => {
    expect(parseRelease("1.22.12")).to.deep.equal({ kind: "release", name: "go1.22.12" });
    expect(parseRelease(" go1.22.12 ")).to.deep.equal({ kind: "release", name: "go1.22.12" });
    expect(parseRelease("1.25rc1")).to.deep.equal({ kind: "release", name: "go1.25rc1" });
    expect(parseRelease("go1.20")).to.deep.equal({ kind: "release", name: "go1.20" });
    expect(parseRelease("local")).to.deep.equal({ kind: "local" });
    expect(parseRelease("/usr/lib/go-1.19/bin/go")).to.deep.equal({ kind: "binary", path: "/usr/lib/go-1.19/bin/go" });
    expect(parseRelease("~/sdk/go1.21.13/bin/go")).to.deep.equal({ kind: "binary", path: join(homedir(), "sdk/go1.21.13/bin/go") });
    expect(parseRelease("./bin/go")).to.deep.equal({ kind: "binary", path: join(process.cwd(), "bin/go") });
  });

  it("rejects anything else, saying what a release looks like", () => {
    expect(() => parseRelease("latest")).to.throw(ReleaseSyntaxError, /not a Go release \(like 1\.22\.12 or go1\.22\.12\), "local".*path to a go binary/);
    expect(() => parseRelease("go")).to.throw(ReleaseSyntaxError);
  });

  it("orders versions and keeps the go line at the oldest toolchain's", () => {
    const sorted = ["go1.26.8", "go1.22.12", "go1.25rc1", "go1.25.0", "devel go1.27-abc", "go1.9.7"].sort(compareGoVersions);
    expect(sorted).to.deep.equal(["go1.9.7", "go1.22.12", "go1.25rc1", "go1.25.0", "go1.26.8", "devel go1.27-abc"]);
    expect(oldestGoLine(["go1.26.8", "go1.22.12"])).to.equal("1.22");
    expect(oldestGoLine(["go1.26.8"])).to.equal("1.26");
    expect(oldestGoLine(["go1.26.8", "go1.26.8", "go1.19.13"])).to.equal("1.19");
  });
});

describe("releases: why a release cannot be used", () => {
  const listed = ["v0.0.1-go1.22.0.linux-amd64", "v0.0.1-go1.22.12.linux-amd64", "v0.0.1-go1.26.8.linux-amd64", "v0.0.1-go1.27.4.linux-amd64", "v0.0.1-go1.21.0.darwin-arm64"];
  const facts = (over: Partial<FailureFacts>): FailureFacts => ({
    name: "go1.99.0",
    stderr: "",
    goproxy: "https://proxy.golang.org,direct",
    gosumdb: "sum.golang.org",
    goos: "linux",
    goarch: "amd64",
    listing: { ok: true, versions: listed },
    ...over,
  });

  it("a release the proxy does not list does not exist; the message says how to list them", () => {
    // What the go command printed here for GOTOOLCHAIN=go1.99.0 (this proxy answers 403; proxy.golang.org 404).
    const stderr =
      "go: downloading go1.99.0 (linux/amd64)\ngo: download go1.99.0: golang.org/toolchain@v0.0.1-go1.99.0.linux-amd64: reading https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-go1.99.0.linux-amd64.zip: 403 Forbidden\n\tserver response: This module version is not available.\n";
    const r = explainReleaseFailure(facts({ stderr }));
    expect(r.cause).to.equal("missing");
    expect(r.problem).to.match(/^go1\.99\.0 does not exist: the module proxy \(GOPROXY=https:\/\/proxy\.golang\.org,direct\) has no golang\.org\/toolchain@v0\.0\.1-go1\.99\.0\.linux-amd64; the newest releases are go1\.27\.4, go1\.26\.8, go1\.22\.12\./);
    expect(r.problem).to.include("list the releases with: go list -m -versions golang.org/toolchain");
    expect(r.problem).to.include("403 Forbidden");
    expect(r.problem).not.to.include("go: downloading");
  });

  it("names the releases of the same line, and a release built for other platforms only", () => {
    expect(explainReleaseFailure(facts({ name: "go1.22" })).problem).to.match(/go1\.22 does not exist: .*; the go1\.22 releases are go1\.22\.0, go1\.22\.12\./);
    const other = explainReleaseFailure(facts({ name: "go1.21.0" }));
    expect([other.cause, other.problem.split("\n")[0]]).to.deep.equal(["missing", "go1.21.0 exists, but not for linux/amd64."]);
  });

  it("an unreachable proxy is a fetch failure naming GOTOOLCHAIN, GOPROXY and GOSUMDB", () => {
    const stderr =
      'go: downloading go1.22.12 (linux/amd64)\ngo: download go1.22.12: golang.org/toolchain@v0.0.1-go1.22.12.linux-amd64: Get "http://127.0.0.1:9/golang.org/toolchain/@v/v0.0.1-go1.22.12.linux-amd64.zip": dial tcp 127.0.0.1:9: connect: connection refused\n';
    const r = explainReleaseFailure(facts({ name: "go1.22.12", stderr, goproxy: "http://127.0.0.1:9", listing: { ok: false, error: "connection refused" } }));
    expect(r.cause).to.equal("fetch");
    expect(r.problem).to.match(/^could not fetch go1\.22\.12: the module proxy \(GOPROXY=http:\/\/127\.0\.0\.1:9\) could not be reached\./);
    expect(r.problem).to.include("GOTOOLCHAIN=go1.22.12, GOPROXY=http://127.0.0.1:9, GOSUMDB=sum.golang.org");
    expect(r.problem).to.include("connection refused");
  });

  it("a checksum database that cannot verify, and GOPROXY=off, are named as such", () => {
    const sumdb = explainReleaseFailure(
      facts({
        name: "go1.22.12",
        gosumdb: "sum.golang.org https://127.0.0.1:9",
        stderr: 'go: download go1.22.12: golang.org/toolchain@v0.0.1-go1.22.12.linux-amd64: verifying module: golang.org/toolchain@v0.0.1-go1.22.12.linux-amd64: initializing sumdb.Client: checking tree#71769961: Get "https://127.0.0.1:9/tile/8/3/000.p/4": dial tcp 127.0.0.1:9: connect: connection refused',
      }),
    );
    expect([sumdb.cause, sumdb.problem.split("\n")[0]]).to.deep.equal(["fetch", "could not fetch go1.22.12: the checksum database (GOSUMDB=sum.golang.org https://127.0.0.1:9) could not verify the download."]);
    const off = explainReleaseFailure(facts({ name: "go1.22.11", goproxy: "off", stderr: "go: download go1.22.11 for linux/amd64: toolchain not available", listing: { ok: false, error: "module lookup disabled by GOPROXY=off" } }));
    expect(off.cause).to.equal("fetch");
    expect(off.problem).to.match(/downloads are turned off \(GOPROXY=off\)/);
  });

  it("without a listing, a proxy that answers 404 still means the release does not exist", () => {
    const r = explainReleaseFailure(facts({ stderr: "go: download go1.99.0: ...: 404 Not Found", listing: { ok: false, error: "no list" } }));
    expect(r.cause).to.equal("missing");
  });
});

describe("releases: checking a toolchain by running it (the go command injected)", () => {
  const ok = (stdout: string): RunResult => ({ code: 0, killedBy: null, interrupted: false, stdout, stderr: "" });
  const fail = (stderr: string): RunResult => ({ code: 1, killedBy: null, interrupted: false, stdout: "", stderr });
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "goperf-releases-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a release runs as the local go with GOTOOLCHAIN set to it", async () => {
    const calls: [string, string[], string | undefined][] = [];
    const r = await resolveRelease(
      { kind: "release", name: "go1.22.12" },
      {
        localBinary: "go",
        env: { GOTOOLCHAIN: "local" },
        runner: async (bin, args, env) => {
          calls.push([bin, args, env.GOTOOLCHAIN]);
          return ok('{"GOVERSION":"go1.22.12","GOROOT":"/m/golang.org/toolchain@v0.0.1-go1.22.12.linux-amd64","GOOS":"linux","GOARCH":"amd64"}');
        },
      },
    );
    expect(calls).to.deep.equal([["go", ["env", "-json", "GOVERSION", "GOROOT", "GOOS", "GOARCH"], "go1.22.12"]]);
    expect(r).to.deep.equal({ ok: true, info: { binary: "go", gotoolchain: "go1.22.12", version: "go1.22.12", goroot: "/m/golang.org/toolchain@v0.0.1-go1.22.12.linux-amd64", goos: "linux", goarch: "amd64" } });
  });

  it("a failed release asks the proxy for its list (GOTOOLCHAIN=local) to tell missing from unreachable", async () => {
    const r = await resolveRelease(
      { kind: "release", name: "go1.99.0" },
      {
        localBinary: "go",
        env: {},
        runner: async (_bin, args, env) => {
          if (args[0] === "list") return env.GOTOOLCHAIN === "local" ? ok("golang.org/toolchain v0.0.1-go1.26.8.linux-amd64\n") : fail("wrong env");
          if (args.includes("GOPROXY")) return ok('{"GOPROXY":"https://proxy.golang.org,direct","GOSUMDB":"sum.golang.org","GOOS":"linux","GOARCH":"amd64"}');
          return fail("go: download go1.99.0: ...: 403 Forbidden");
        },
      },
    );
    expect(r.ok).to.equal(false);
    if (!r.ok) expect([r.cause, r.problem.split(":")[0]]).to.deep.equal(["missing", "go1.99.0 does not exist"]);
  });

  it("a path that is not a go binary: missing, a directory, or a program that is not go", async () => {
    const runner = async () => ok("hello\n");
    const missing = await resolveRelease({ kind: "binary", path: join(dir, "nope") }, { localBinary: "go", env: {}, runner });
    expect(missing).to.deep.equal({ ok: false, cause: "not-go", problem: `${join(dir, "nope")} is not a go binary: there is no such file` });
    const asDir = await resolveRelease({ kind: "binary", path: dir }, { localBinary: "go", env: {}, runner });
    expect(!asDir.ok && asDir.problem).to.equal(`${dir} is not a go binary: it is a directory; give the go command inside it, e.g. ${dir}/bin/go`);
    const file = join(dir, "tool");
    writeFileSync(file, "");
    const other = await resolveRelease({ kind: "binary", path: file }, { localBinary: "go", env: {}, runner });
    expect(!other.ok && [other.cause, other.problem]).to.deep.equal(["not-go", `${file} is not a go binary: '${file} version' did not print 'go version goX.Y.Z os/arch': hello`]);
  });

  it("a go binary at a path runs itself (GOTOOLCHAIN=local)", async () => {
    const file = join(dir, "go");
    writeFileSync(file, "");
    const envs: (string | undefined)[] = [];
    const r = await resolveRelease(
      { kind: "binary", path: file },
      {
        localBinary: "go",
        env: {},
        runner: async (_bin, args, env) => {
          envs.push(env.GOTOOLCHAIN);
          return args[0] === "version" ? ok("go version go1.19.8 linux/amd64\n") : ok('{"GOVERSION":"go1.19.8","GOROOT":"/usr/lib/go-1.19","GOOS":"linux","GOARCH":"amd64"}');
        },
      },
    );
    expect(envs).to.deep.equal(["local", "local"]);
    expect(r).to.deep.equal({ ok: true, info: { binary: file, gotoolchain: "local", version: "go1.19.8", goroot: "/usr/lib/go-1.19", goos: "linux", goarch: "amd64" } });
  });
});

describe("releases: go1.22.12's -m=2 output (headers without the function)", () => {
  const old = parseCompilerOutput(read("ch01-m2.go1.22.12.txt"));

  it("explanations still reach their decisions", () => {
    const heap = old.diagnostics.find((d) => d.file === "cell[1]" && d.line === 5 && d.message === "moved to heap: p")!;
    expect(heap.explanation).to.deep.equal([
      "p escapes to heap:",
      "  flow: ~r0 = &p:",
      "    from &p (address-of) at cell[1]:6:9",
      "    from return &p (return) at cell[1]:6:2",
    ]);
    const leak = old.diagnostics.find((d) => d.file === "cell[4]" && d.line === 14 && d.message === "leaking param: t")!;
    expect(leak.explanation[0]).to.equal("parameter t leaks to {heap} with derefs=0:");
    // What no decision claims is the same block in both releases (Spawn's x captured by a goroutine closure).
    const unclaimed = (o: string[]) => o.filter((l) => l.startsWith("cell[")).map((l) => l.replace(" for Spawn", "").replace("←", "="));
    expect(unclaimed(old.other)).to.deep.equal(unclaimed(parseCompilerOutput(read("ch01-m2.go1.26.8.txt")).other));
  });
});

describe("releases: decisions compared (same / removed / added)", () => {
  it("Chapter 1 under go1.22.12 and go1.26.8: real differences, inlining costs not among them", () => {
    const c = compareDecisions(decisions(read("ch01-m2.go1.22.12.txt")), decisions(read("ch01-m2.go1.26.8.txt")), ["go1.22.12", "go1.26.8"]);
    const show = (ds: EscapeDiagnostic[]) => ds.map((d) => `cell[${d.cell}]:${d.line}: ${d.message}`);
    expect(show(c.removed)).to.include("cell[3]:13: func literal does not escape"); // go1.26 inlines SumLocally's closure
    expect(show(c.added)).to.include("cell[7]:49: moved to heap: buf"); // a 1 MiB local: stack in go1.22, heap in go1.26
    expect(show(c.same)).to.include.members(["cell[1]:5: moved to heap: p", "cell[2]:9: x escapes to heap", "cell[3]:3: moved to heap: n"]);
    const removedKeys = new Set(c.removed.map(decisionKey));
    expect(c.added.filter((d) => removedKeys.has(decisionKey(d)))).to.deep.equal([]);
    expect(c.same.length + c.removed.length).to.equal(decisions(read("ch01-m2.go1.22.12.txt")).length);
  });

  it("matches by cell, line and words: a moved column is the same decision, kept as the second release reports it", () => {
    const c = compareDecisions([diag(1, 5, 9, "x escapes to heap")], [diag(1, 5, 11, "x escapes to heap")], ["a", "b"]);
    expect([c.same.map((d) => d.col), c.removed, c.added]).to.deep.equal([[11], [], []]);
  });

  it("counts repeats, and treats inlining costs as detail", () => {
    const a = [diag(2, 3, 5, "... argument does not escape"), diag(2, 3, 9, "... argument does not escape"), diag(2, 1, 6, "can inline F with cost 24 as: func() {}"), diag(2, 7, 6, "cannot inline G: function too complex: cost 87 exceeds budget 80")];
    const b = [diag(2, 3, 5, "... argument does not escape"), diag(2, 1, 6, "can inline F with cost 30 as: func() {  }"), diag(2, 7, 6, "cannot inline G: function too complex: cost 91 exceeds budget 80")];
    const c = compareDecisions(a, b, ["a", "b"]);
    expect(c.same.map((d) => d.message)).to.deep.equal(["can inline F with cost 30 as: func() {  }", "... argument does not escape", "cannot inline G: function too complex: cost 91 exceeds budget 80"]);
    expect(c.removed.map((d) => [d.line, d.col])).to.deep.equal([[3, 9]]);
    expect(c.added).to.deep.equal([]);
  });
});

describe("releases: claims across releases", () => {
  const window22 = [diag(1, 4, 6, "cannot inline Window: marked go:noinline", "Window"), { ...diag(1, 5, 13, "make([]int, n) escapes to heap", "Window"), kind: "escape" as const }];
  const window26 = [diag(1, 4, 6, "cannot inline Window: marked go:noinline", "Window"), { ...diag(1, 5, 13, "make([]int, n) does not escape", "Window"), kind: "noescape" as const }];
  const evidence = {
    benches: [],
    funcs: ["Window"],
    releases: { "1.22.12": { version: "go1.22.12", diagnostics: window22 }, local: { version: "go1.26.8", diagnostics: window26 } },
  };

  it("parses differs / agrees around any claim about a function's decisions", () => {
    expect(parseClaim("Window: escapes to heap differs between 1.22.12 and local")).to.deep.equal({
      type: "releases",
      func: "Window",
      relation: "differs",
      releases: ["1.22.12", "local"],
      inner: { type: "decision", func: "Window", negated: false, pattern: "escapes to heap" },
    });
    expect(parseClaim("Window: nothing escapes agrees between go1.22.12 and /usr/lib/go-1.19/bin/go")).to.deep.include({ relation: "agrees", inner: { type: "nothing-escapes", func: "Window" } });
    expect(CLAIM_FORMS.join("\n")).to.match(/differs between A and B/);
    expect(() => parseClaim("W: allocs/op == 1 differs between a and b")).to.throw(ClaimSyntaxError, /only a claim about FUNC's decisions/);
  });

  it("Micro-claim 4: make([]int, n) escapes under go1.22.12 and not under go1.26.8", () => {
    const differs = judge(parseClaim("Window: escapes to heap differs between 1.22.12 and local"), evidence);
    expect(differs.passed).to.equal(true);
    expect(differs.detail).to.match(/^the releases differ; go1\.22\.12: holds \(cell\[1\]:5:13: make\(\[\]int, n\) escapes to heap\); go1\.26\.8: does not hold/);
    expect(judge(parseClaim("Window: escapes to heap agrees between 1.22.12 and local"), evidence).passed).to.equal(false);
    expect(judge(parseClaim("Window: cannot inline Window agrees between 1.22.12 and local"), evidence)).to.deep.include({ passed: true });
    expect(judge(parseClaim("Window: moved to heap agrees between 1.22.12 and local"), evidence).detail).to.match(/^both releases agree: it does not hold/);
  });

  it("a release that could not be used fails the claim with its reason", () => {
    const v = judge(parseClaim("Window: escapes to heap differs between 1.99.0 and local"), { ...evidence, releases: { ...evidence.releases, "1.99.0": { problem: "go1.99.0 does not exist" } } });
    expect(v).to.deep.equal({ passed: false, detail: "release 1.99.0: go1.99.0 does not exist" });
    expect(judge(parseClaim("Nope: escapes to heap differs between 1.22.12 and local"), evidence).detail).to.match(/^no function Nope in the session/);
  });
});
