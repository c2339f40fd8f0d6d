// Other Go releases against the real toolchains: the kernel's own go (local) and go1.22.12, which
// the go command fetches through the module proxy into the module cache the first time (about
// 70 MB; later runs find it there). go1.22.12 is the newest release before go1.25, which gave a
// small make([]T, n) with a run-time n a stack buffer: Window below is the decision that differs.
import { expect } from "chai";
import { reportWith } from "../helpers/outputs.js";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KernelClient, type Exchange } from "../../kernel/client/client.js";
import type { BenchReport, EscapeReport } from "../../kernel/reports/index.js";

const OLD = "1.22.12";
const LOCAL = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8", env: { ...process.env, GOTOOLCHAIN: "local" } }).stdout.trim();

// Micro-claim 4's function near a decision boundary: a slice whose size is known only at run time.
// go1.22.12: "make([]int, n) escapes to heap" (-m=2: "non-constant size"); go1.25 and later: "does
// not escape" (a 32-byte stack buffer, the heap only when n*8 is larger). //go:noinline keeps the
// benchmark's constant argument from making the size constant.
const WINDOW = [
  "// Window sums the squares of 0..n-1 through a scratch slice sized at run time.",
  "//go:noinline",
  "func Window(n int) int {",
  "\tbuf := make([]int, n)",
  "\tfor i := range buf {",
  "\t\tbuf[i] = i * i",
  "\t}",
  "\ttotal := 0",
  "\tfor _, v := range buf {",
  "\t\ttotal += v",
  "\t}",
  "\treturn total",
  "}",
].join("\n");

// b.N loops: go1.22.12 has no testing.B.Loop.
const WINDOW_BENCH = [
  "func BenchmarkWindow4(b *testing.B) {",
  "\tfor i := 0; i < b.N; i++ {",
  "\t\tWindow(4)",
  "\t}",
  "}",
  "",
  "func BenchmarkWindow64(b *testing.B) {",
  "\tfor i := 0; i < b.N; i++ {",
  "\t\tWindow(64)",
  "\t}",
  "}",
].join("\n");

/** The report under `mime`, displayed or (%bench's) shown as the update of its progress display. */
function data<T>(x: Exchange, mime: string): T {
  return reportWith<T>(x, mime);
}

/** The text/plain of the cell's displays and streams, in order. */
function textOf(x: Exchange): string {
  return x.iopub
    .map((m) => {
      const c = m.content as { data?: Record<string, string>; text?: string };
      if (m.header.msg_type === "display_data" || m.header.msg_type === "execute_result") return c.data?.["text/plain"] ?? "";
      if (m.header.msg_type === "stream") return c.text ?? "";
      return "";
    })
    .filter(Boolean)
    .join("\n");
}

function errorOf(x: Exchange) {
  expect(x.reply.content.status, JSON.stringify(x.iopub.map((m) => m.content))).to.equal("error");
  const errors = x.iopub.filter((m) => m.header.msg_type === "error");
  expect(errors).to.have.length(1);
  return errors[0].content as { ename: string; evalue: string; traceback: string[] };
}

async function ok(k: KernelClient, code: string): Promise<Exchange> {
  const x = await k.execute(code);
  expect(x.reply.content.status, `${code}\n${JSON.stringify(x.iopub.map((m) => m.content))}`).to.equal("ok");
  return x;
}

const VERSION_CELL = 'import "runtime"\n\nfmt.Println(runtime.Version())';

describe("Go releases (real toolchains: local and go1.22.12 through the module proxy)", function () {
  this.timeout(600_000);
  let k: KernelClient;
  before(async () => {
    k = await KernelClient.launch();
  });
  after(async () => {
    await k?.close();
  });

  it("%go shows the session's toolchain: version, go command, GOROOT, GOOS/GOARCH", async () => {
    const text = textOf(await ok(k, "%go"));
    const [goroot, goos, goarch] = spawnSync("go", ["env", "GOROOT", "GOOS", "GOARCH"], { encoding: "utf8" }).stdout.trim().split("\n");
    expect(text.split("\n")[0]).to.equal(`${LOCAL} ${goos}/${goarch}`);
    expect(text).to.include(`GOROOT       ${goroot}`);
    expect(text).to.include("GOTOOLCHAIN=local");
  });

  it(`%go ${OLD} switches through the go command's toolchain switching; %go local switches back`, async () => {
    const switched = textOf(await ok(k, `%go ${OLD}`));
    expect(switched).to.include(`switched the session from ${LOCAL} to go${OLD}`);
    expect(switched).to.include(`with GOTOOLCHAIN=go${OLD}`);
    expect(switched).to.match(new RegExp(`GOROOT\\s+\\S*golang\\.org/toolchain@v0\\.0\\.1-go${OLD.replace(/\./g, "\\.")}\\.`));
    expect(switched).to.include("go.mod       go 1.22");
    expect(switched).to.include("testing.B.Loop needs Go 1.24");
    expect(textOf(await ok(k, VERSION_CELL))).to.equal(`go${OLD}\n`);
    expect(textOf(await ok(k, "%go"))).to.match(new RegExp(`^go${OLD.replace(/\./g, "\\.")} `));
    expect(textOf(await ok(k, "%go local"))).to.include(`switched the session from go${OLD} to ${LOCAL}`);
    expect(textOf(await ok(k, 'fmt.Println(runtime.Version())'))).to.equal(`${LOCAL}\n`);
  });

  it(`%go above code builds that code with the release; go${OLD} is accepted as well`, async () => {
    expect(textOf(await ok(k, `%go go${OLD}\nfmt.Println(runtime.Version())`))).to.match(new RegExp(`go${OLD.replace(/\./g, "\\.")}\n$`));
    await ok(k, "%go local");
  });

  it(`%go /path/to/bin/go uses that binary (here go${OLD}'s, from the module cache); a directory is refused with a hint`, async () => {
    const goroot = spawnSync("go", ["env", "GOROOT"], { encoding: "utf8", env: { ...process.env, GOTOOLCHAIN: `go${OLD}` } }).stdout.trim();
    const switched = textOf(await ok(k, `%go ${goroot}/bin/go`));
    expect(switched).to.include(`go command   ${goroot}/bin/go (GOTOOLCHAIN=local)`);
    expect(textOf(await ok(k, VERSION_CELL))).to.equal(`go${OLD}\n`);
    const dir = errorOf(await k.execute(`%go ${goroot}`));
    expect(dir.evalue).to.equal(`%go ${goroot}: ${goroot} is not a go binary: it is a directory; give the go command inside it, e.g. ${goroot}/bin/go`);
    await ok(k, "%go local");
  });

  it(`%escape --go ${OLD},local: make([]int, n) escapes under go${OLD}, not under ${LOCAL}`, async () => {
    const cell = `%escape --go ${OLD},local\n${WINDOW}`;
    const r = data<EscapeReport>(await ok(k, cell), "application/vnd.goperf.escape.v1+json");
    const line = cell.split("\n").findIndex((l) => l.includes("make([]int, n)")) + 1;
    const show = (ds: EscapeReport["diagnostics"]) => ds.map((d) => `${d.line}: ${d.message} (${d.func})`);
    expect(r.comparison!.releases).to.deep.equal([`go${OLD}`, LOCAL]);
    expect(show(r.comparison!.removed)).to.deep.equal([`${line}: make([]int, n) escapes to heap (Window)`]);
    expect(show(r.comparison!.added)).to.deep.equal([`${line}: make([]int, n) does not escape (Window)`]);
    expect(show(r.comparison!.same)).to.deep.equal([`${line - 1}: cannot inline Window: marked go:noinline (Window)`]);
    expect(r.go_version).to.equal(LOCAL);
    expect(r.diagnostics.map((d) => d.message)).to.include("make([]int, n) does not escape");
  });

  it(`%escape --go ${OLD} --why: one compile with that release, its -m=2 reason included`, async () => {
    const r = data<EscapeReport>(await ok(k, `%escape --go ${OLD} --why`), "application/vnd.goperf.escape.v1+json");
    expect(r.go_version).to.equal(`go${OLD}`);
    expect(r.comparison).to.equal(undefined);
    const esc = r.diagnostics.find((d) => d.message === "make([]int, n) escapes to heap")!;
    expect(esc.func).to.equal("Window");
    expect(esc.explanation.join("\n")).to.include("(non-constant size)");
  });

  it("%expect: Micro-claim 4 — the decision differs between the releases (and 'agrees' fails)", async () => {
    await ok(k, `%expect Window: escapes to heap differs between ${OLD} and local\n%expect Window: cannot inline Window agrees between ${OLD} and local`);
    const e = errorOf(await k.execute(`%expect Window: make([]int, n) escapes to heap agrees between go${OLD} and local`));
    expect(e.ename).to.equal("ClaimFailed");
    expect(e.traceback.join("\n")).to.include(`the releases differ; go${OLD}: holds`);
  });

  it(`%bench --go ${OLD},local: Window(4) 1 → 0 allocs/op; Window(64) allocates under both`, async () => {
    await ok(k, WINDOW_BENCH);
    const r = data<BenchReport>(await ok(k, `%bench --go ${OLD},local -count 4 -benchtime 2000x Window`), "application/vnd.goperf.bench.v1+json");
    expect(r.go_version).to.equal(LOCAL);
    const c = r.comparison!;
    expect([c.baseline, c.current]).to.deep.equal([`go${OLD}`, LOCAL]);
    expect(Object.fromEntries(c.rows.map((row) => [row.name, row.allocs]))).to.deep.equal({
      BenchmarkWindow4: { before: 1, after: 0 },
      BenchmarkWindow64: { before: 1, after: 1 },
    });
    expect(r.benchmarks.find((b) => b.name === "BenchmarkWindow4")!.summary.bytes_per_op!.value).to.equal(0);
  });

  it(`after %bench --go ${OLD},local a plain %bench rebuilds its test binary under the session's own go line`, async () => {
    // The go line decides the GODEBUG defaults compiled into a binary: under "go 1.22", go1.23+
    // records them as DefaultGODEBUG in the build info; under its own line there are none.
    const goLine = [
      'import "runtime/debug"',
      "",
      "func BenchmarkGoLine(b *testing.B) {",
      "\tinfo, _ := debug.ReadBuildInfo()",
      "\tfor _, s := range info.Settings {",
      '\t\tif s.Key == "DefaultGODEBUG" {',
      '\t\t\tb.Fatal("built under an older go line: " + s.Value)',
      "\t\t}",
      "\t}",
      "\tfor i := 0; i < b.N; i++ {",
      "\t}",
      "}",
    ].join("\n");
    await ok(k, goLine);
    const compared = errorOf(await k.execute(`%bench --go ${OLD},local -count 1 -benchtime 10x GoLine`));
    expect(compared.traceback.join("\n")).to.include("built under an older go line: asynctimerchan=1");
    const own = await k.execute("%bench -count 1 -benchtime 10x GoLine");
    expect(own.reply.content.status, textOf(own)).to.equal("ok");
  });

  it(`%bench --go ${OLD} with a call shorthand: b.Loop needs Go 1.24, and the error names the release`, async () => {
    const e = errorOf(await k.execute(`%bench --go ${OLD} -benchtime 10x Window(4)`));
    expect(e.traceback[0]).to.equal(`built with go${OLD}:`);
    expect(e.traceback.join("\n")).to.include(`testing.B.Loop needs Go 1.24 or newer; this build used go${OLD}`);
  });

  it("bad inputs fail clearly and leave the session on its previous toolchain", async () => {
    await ok(k, `%go ${OLD}`);
    const missing = errorOf(await k.execute("%go 1.99.0"));
    expect(missing.ename).to.equal("GoReleaseError");
    expect(missing.evalue).to.match(/^%go 1\.99\.0: go1\.99\.0 does not exist: /);
    expect(missing.traceback.join("\n")).to.include("go list -m -versions golang.org/toolchain");
    expect(missing.traceback[missing.traceback.length - 1]).to.equal(`the session keeps go${OLD}`);

    const notGo = errorOf(await k.execute("%go /bin/ls"));
    expect(notGo.evalue).to.match(/^%go \/bin\/ls: \/bin\/ls is not a go binary: /);
    const nothing = errorOf(await k.execute("%go /nonexistent/bin/go"));
    expect(nothing.evalue).to.equal("%go /nonexistent/bin/go: /nonexistent/bin/go is not a go binary: there is no such file");
    const words = errorOf(await k.execute("%go newest"));
    expect(words.ename).to.equal("UsageError");
    const inEscape = errorOf(await k.execute("%escape --go 1.99.0,local"));
    expect(inEscape.evalue).to.match(/^%escape --go 1\.99\.0: go1\.99\.0 does not exist/);

    expect(textOf(await ok(k, "fmt.Println(runtime.Version())"))).to.equal(`go${OLD}\n`);
    await ok(k, "%go local");
  });

  it("a fetch that fails (unreachable proxy, empty module cache) names GOTOOLCHAIN, GOPROXY and GOSUMDB; the session stays usable", async () => {
    const cache = mkdtempSync(join(tmpdir(), "goperf-modcache-"));
    const offline = await KernelClient.launch({
      env: { ...process.env, GOPROXY: "http://127.0.0.1:9", GOFLAGS: "-mod=mod", GOMODCACHE: cache, GOTOOLCHAIN: "local" },
    });
    try {
      const e = errorOf(await offline.execute(`%go ${OLD}`));
      expect(e.ename).to.equal("GoReleaseError");
      expect(e.evalue).to.equal(`%go ${OLD}: could not fetch go${OLD}: the module proxy (GOPROXY=http://127.0.0.1:9) could not be reached.`);
      const text = e.traceback.join("\n");
      expect(text).to.include(`GOTOOLCHAIN=go${OLD}, GOPROXY=http://127.0.0.1:9, GOSUMDB=`);
      expect(text).to.include("connection refused");
      expect(e.traceback[e.traceback.length - 1]).to.equal(`the session keeps ${LOCAL}`);
      expect(errorOf(await offline.execute(`%escape --go ${OLD},local\nfunc F() {}`)).ename).to.equal("GoReleaseError");
      expect(textOf(await ok(offline, "%go")).split("\n")[0]).to.match(new RegExp(`^${LOCAL.replace(/\./g, "\\.")} `));
      expect(textOf(await ok(offline, VERSION_CELL))).to.equal(`${LOCAL}\n`);
    } finally {
      await offline.close();
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
