// Third-party modules and modules on disk (real kernel, real go command). Most modules come from a
// module proxy the test builds on disk (GOPROXY=file://..., a private module cache), so these
// tests need no network; one test uses the real proxy with a pinned version.
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KernelClient, type Exchange } from "../../kernel/client/client.js";
import { MODULES_MIME, type ModulesReport } from "../../kernel/reports/modules.js";
import type { BenchReport, EscapeReport } from "../../kernel/reports/index.js";
import { localProxy, type LocalProxy } from "../helpers/modproxy.js";
import { errorOf, reportWith } from "../helpers/outputs.js";

const HELLO = "example.com/goperf/hello";

function helloFiles(greeting: string): Record<string, string> {
  return {
    "go.mod": `module ${HELLO}\n\ngo 1.22\n`,
    "hello.go": [
      "package hello",
      "",
      `func Greet(name string) string { return "${greeting}, " + name }`,
      "",
      "func Sum(xs []int) int {",
      "\ts := 0",
      "\tfor _, x := range xs {",
      "\t\ts += x",
      "\t}",
      "\treturn s",
      "}",
      "",
      "//go:noinline",
      "func Make(n int) []int { return make([]int, n) }",
      "",
    ].join("\n"),
  };
}

function stream(x: Exchange, name: "stdout" | "stderr"): string {
  return x.iopub
    .filter((m) => m.header.msg_type === "stream" && (m.content as { name: string }).name === name)
    .map((m) => (m.content as { text: string }).text)
    .join("");
}

function ok(x: Exchange): Exchange {
  const status = x.reply.content.status;
  if (status !== "ok") throw new Error(`cell failed: ${JSON.stringify(x.iopub.filter((m) => m.header.msg_type === "error").map((m) => m.content))}`);
  return x;
}

function requires(x: Exchange): string[] {
  return reportWith<ModulesReport>(x, MODULES_MIME).requires.map((r) => `${r.path} ${r.version}${r.indirect ? " indirect" : ""}${r.replace ? ` => ${r.replace.path}` : ""}`);
}

describe("third-party modules (real go, a module proxy on disk)", function () {
  this.timeout(240_000);
  let proxy: LocalProxy;
  let k: KernelClient;
  before(async () => {
    proxy = localProxy();
    proxy.add(HELLO, "v1.0.0", helloFiles("hello"));
    proxy.add(HELLO, "v1.1.0", helloFiles("hi"));
    proxy.add("example.com/goperf/future", "v1.0.0", { "go.mod": "module example.com/goperf/future\n\ngo 1.99\n", "f.go": "package future\n" });
    k = await KernelClient.launch({ env: proxy.env });
  });
  after(async () => {
    await k?.close();
    proxy?.remove();
  });

  it("a failed cell that imports a module leaves the requirements as they were", async () => {
    const x = await k.execute(`import "${HELLO}"\n\nvar n int = hello.Greet("x")`);
    expect(x.reply.content.status).to.equal("error");
    expect(errorOf(x).evalue).to.match(/^cell\[1\]:3:/);
    expect(requires(ok(await k.execute("%mod")))).to.deep.equal([]);
  });

  it("a cell's import is fetched once (progress on stderr), pinned, and later cells use it without the proxy", async () => {
    const first = ok(await k.execute(`import "${HELLO}"\n\nfmt.Println(hello.Greet("gopher"))`));
    expect(stream(first, "stdout")).to.equal("hi, gopher\n");
    expect(stream(first, "stderr")).to.contain(`go: found ${HELLO} in ${HELLO} v1.1.0`);
    expect(requires(ok(await k.execute("%mod")))).to.deep.equal([`${HELLO} v1.1.0`]);
    // The proxy gone: a later cell needs neither it nor the go command's module work.
    const saved = `${proxy.dir}.away`;
    rmSync(saved, { recursive: true, force: true });
    const { renameSync } = await import("node:fs");
    renameSync(proxy.dir, saved);
    try {
      const later = ok(await k.execute(`fmt.Println(hello.Sum([]int{1, 2, 3}))`));
      expect(stream(later, "stdout")).to.equal("6\n");
      expect(stream(later, "stderr")).to.equal("");
    } finally {
      renameSync(saved, proxy.dir);
    }
  });

  it("%get downgrades and upgrades as go get does; the next cell builds with the pinned version", async () => {
    const got = ok(await k.execute(`%get ${HELLO}@v1.0.0`));
    const report = reportWith<ModulesReport>(got, MODULES_MIME);
    expect(report.changes).to.deep.equal([{ path: HELLO, before: "v1.1.0", after: "v1.0.0" }]);
    expect(report.go_mod).to.contain(`require ${HELLO} v1.0.0`);
    expect(stream(ok(await k.execute(`fmt.Println(hello.Greet("gopher"))`)), "stdout")).to.equal("hello, gopher\n");
    ok(await k.execute(`%get ${HELLO}@v1.1.0`));
    expect(stream(ok(await k.execute(`fmt.Println(hello.Greet("gopher"))`)), "stdout")).to.equal("hi, gopher\n");
  });

  it("%get of an unknown version or a module needing a newer Go: the go command's reason, go.mod untouched", async () => {
    const before = reportWith<ModulesReport>(ok(await k.execute("%mod")), MODULES_MIME).go_mod;
    const unknown = errorOf(await k.execute(`%get ${HELLO}@v9.9.9`));
    expect(unknown.ename).to.equal("ModuleError");
    expect(unknown.evalue).to.contain(`%get ${HELLO}@v9.9.9`);
    expect(unknown.evalue).to.contain(`${HELLO}@v9.9.9`);
    expect(unknown.traceback.join("\n")).to.match(/not found|no such file|unknown revision/i);
    const future = errorOf(await k.execute("%get example.com/goperf/future"));
    expect(future.evalue).to.contain("example.com/goperf/future");
    expect(future.traceback.join("\n")).to.contain("requires go >= 1.99");
    const futureImport = errorOf(await k.execute(`import "example.com/goperf/future"\n\nvar _ = future.X`));
    expect(futureImport.evalue).to.contain("cannot import example.com/goperf/future");
    expect(futureImport.traceback.join("\n")).to.contain("requires go >= 1.99");
    const nothing = errorOf(await k.execute(`import "example.com/goperf/nothing"\n\nfunc N() { nothing.X() }`));
    expect(nothing.ename).to.equal("ModuleError");
    expect(nothing.evalue).to.contain("example.com/goperf/nothing");
    expect(reportWith<ModulesReport>(ok(await k.execute("%mod")), MODULES_MIME).go_mod).to.equal(before);
  });

  it("%escape and %bench work on cells that use the module", async () => {
    const esc = reportWith<EscapeReport>(ok(await k.execute(`%escape\nfunc Total(n int) int {\n\txs := make([]int, n)\n\treturn hello.Sum(xs)\n}`)), "application/vnd.goperf.escape.v1+json");
    expect(esc.diagnostics.some((d) => d.message.startsWith("inlining call to hello.Sum"))).to.equal(true);
    const b = reportWith<BenchReport>(ok(await k.execute(`%bench -count 1 -benchtime 1000x hello.Make(100)`)), "application/vnd.goperf.bench.v1+json");
    expect(b.benchmarks[0].summary.allocs_per_op?.value).to.equal(1);
  });

  it("%reset keeps the requirements; %reset --modules forgets them too", async () => {
    ok(await k.execute("%reset"));
    expect(requires(ok(await k.execute("%mod")))).to.have.length(1);
    ok(await k.execute("%reset --modules"));
    expect(requires(ok(await k.execute("%mod")))).to.deep.equal([]);
  });
});

describe("module errors without a proxy (real go)", function () {
  this.timeout(120_000);
  for (const [goproxy, reason] of [
    ["off", "module lookup disabled by GOPROXY=off"],
    ["http://127.0.0.1:9", "connection refused"],
  ]) {
    it(`GOPROXY=${goproxy}: the error names the module and the go command's reason`, async () => {
      const cache = mkdtempSync(join(tmpdir(), "goperf-modcache-"));
      const k = await KernelClient.launch({ env: { ...process.env, GOPROXY: goproxy, GOMODCACHE: cache, GONOSUMDB: "example.com" } });
      try {
        const e = errorOf(await k.execute(`import "example.com/goperf/hello"\n\nfmt.Println(hello.Greet("x"))`));
        expect(e.ename).to.equal("ModuleError");
        expect(e.evalue).to.contain("cannot import example.com/goperf/hello: cell[1]:1:8:");
        expect(e.evalue).to.contain(reason);
        expect(requires(ok(await k.execute("%mod")))).to.deep.equal([]);
        expect(stream(ok(await k.execute("fmt.Println(1)")), "stdout")).to.equal("1\n");
      } finally {
        await k.close();
        rmSync(cache, { recursive: true, force: true });
      }
    });
  }
});

describe("%use: a module on disk (real go)", function () {
  this.timeout(240_000);
  let dir: string;
  let k: KernelClient;
  const write = (name: string, text: string) => {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "goperf-use-"));
    write("mine/go.mod", "module example.com/mine\n\ngo 1.22\n");
    write("mine/calc/calc.go", "package calc\n\nfunc Double(x int) int { return 2 * x }\n\nfunc Box(x int) *int { return &x }\n");
    write("notmod/x.go", "package x\n");
    write("broken/go.mod", "module example.com/broken\n\ngo 1.22\n");
    write("broken/b/b.go", "package b\n\nfunc F() int { return undefinedName }\n");
    // Relative paths are the kernel's working directory's: the notebook's, under Jupyter.
    k = await KernelClient.launch({ cwd: dir, env: { ...process.env, GOPROXY: "off" } });
  });
  after(async () => {
    await k?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("bad input: not a module, a module that does not compile: the path named, the session unchanged", async () => {
    const notmod = errorOf(await k.execute("%use ./notmod"));
    expect(notmod.evalue).to.contain("./notmod is not a module");
    const missing = errorOf(await k.execute("%use ./nowhere"));
    expect(missing.evalue).to.contain("./nowhere: no such directory");
    const broken = errorOf(await k.execute("%use ./broken"));
    expect(broken.evalue).to.contain("./broken (module example.com/broken) does not build");
    expect(broken.traceback.join("\n")).to.match(/b\.go:3:\d+: undefined: undefinedName/);
    expect(requires(ok(await k.execute("%mod")))).to.deep.equal([]);
  });

  it("makes the module importable; an edit to its files is picked up by the next cell and the next %bench", async () => {
    const used = ok(await k.execute("%use ./mine"));
    expect(requires(used)).to.deep.equal([`example.com/mine v0.0.0 => ${join(dir, "mine")}`]);
    expect(stream(ok(await k.execute('import "example.com/mine/calc"\n\nfmt.Println(calc.Double(21))')), "stdout")).to.equal("42\n");
    const b1 = reportWith<BenchReport>(ok(await k.execute("%bench -count 1 -benchtime 1000x calc.Box(1)")), "application/vnd.goperf.bench.v1+json");
    write("mine/calc/calc.go", "package calc\n\nfunc Double(x int) int { return 3 * x }\n\n//go:noinline\nfunc Box(x int) *int { return &x }\n");
    expect(stream(ok(await k.execute("fmt.Println(calc.Double(21))")), "stdout")).to.equal("63\n");
    const b2 = reportWith<BenchReport>(ok(await k.execute("%bench -count 1 -benchtime 1000x calc.Box(1)")), "application/vnd.goperf.bench.v1+json");
    // Inlined into the benchmark, &x stays on the stack; behind go:noinline it moves to the heap.
    expect([b1.benchmarks[0].summary.allocs_per_op?.value, b2.benchmarks[0].summary.allocs_per_op?.value]).to.deep.equal([0, 1]);
  });

  it("%escape --pkg shows the package's decisions on its own files' lines", async () => {
    const x = ok(await k.execute("%escape --pkg example.com/mine/calc"));
    const r = reportWith<EscapeReport>(x, "application/vnd.goperf.escape.v1+json");
    const file = "example.com/mine/calc/calc.go";
    expect(r.cells).to.deep.equal([]);
    expect(r.files?.map((f) => f.file)).to.deep.equal([file]);
    expect(r.files?.[0].source).to.contain("func Box(x int) *int");
    const heap = r.diagnostics.filter((d) => d.kind === "heap");
    expect(heap.map((d) => [d.file, d.cell, d.line, d.message, d.func])).to.deep.equal([[file, 0, 6, "moved to heap: x", "Box"]]);
    const text = (x.iopub.find((m) => m.header.msg_type === "display_data")!.content as { data: Record<string, string> }).data["text/plain"];
    expect(text).to.contain(`${file}:6:`);
    expect(text).to.contain("cannot inline Box: marked go:noinline");
    const only = reportWith<EscapeReport>(ok(await k.execute("%escape --pkg example.com/mine/calc --func Double")), "application/vnd.goperf.escape.v1+json");
    expect(only.view.func).to.equal("Double");
    expect(only.diagnostics.filter((d) => d.func === "Double").some((d) => d.message.startsWith("can inline Double with cost"))).to.equal(true);
    const bad = errorOf(await k.execute("%escape --pkg example.com/nowhere"));
    expect(bad.evalue).to.contain("%escape --pkg example.com/nowhere");
  });
});

describe("the real module proxy, a pinned version (real go)", function () {
  this.timeout(120_000);
  it("%get github.com/google/uuid@v1.6.0, then a cell uses it", async () => {
    const k = await KernelClient.launch();
    try {
      const got = ok(await k.execute("%get github.com/google/uuid@v1.6.0"));
      expect(requires(got)).to.deep.equal(["github.com/google/uuid v1.6.0 indirect"]);
      const x = ok(await k.execute('import "github.com/google/uuid"\n\nfmt.Println(uuid.MustParse("f47ac10b-58cc-4372-a567-0e02b2c3d479").Version())'));
      expect(stream(x, "stdout")).to.equal("VERSION_4\n");
      // %go comparisons keep the requirements (the go line lowered to the older release's).
      const cmp = ok(await k.execute('%escape --go 1.22.12,local\nfunc Fresh() string { return uuid.Must(uuid.NewRandom()).String() }'));
      const r = reportWith<EscapeReport>(cmp, "application/vnd.goperf.escape.v1+json");
      expect(r.comparison?.releases[0]).to.equal("go1.22.12");
      expect(r.diagnostics.some((d) => d.func === "Fresh")).to.equal(true);
      // A session switched to an older release keeps them too (module work runs the kernel's own go).
      const older = ok(await k.execute('%go 1.22.12\nfmt.Println(uuid.MustParse("f47ac10b-58cc-4372-a567-0e02b2c3d479").Variant())'));
      expect(stream(older, "stdout")).to.equal("RFC4122\n");
      ok(await k.execute("%go local"));
    } finally {
      await k.close();
    }
  });
});
