// complete_request and inspect_request through the real kernel: with the real gopls (package
// members, fields and methods, docs), without one (session names, keywords, magics, and one log
// line saying how to install it), and with one that never answers (the kernel answers anyway).
// Magic completion and %help paging need no gopls and run with GOPERF_GOPLS=off. How fast the
// answers come is measured in bench/completion.ts, not asserted here.
import { expect } from "chai";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { existsSync } from "node:fs";
import { KernelClient, streamText } from "../../kernel/client/client.js";
import { INSTALL_HINT, locateGopls } from "../../kernel/go/gopls.js";

interface CompleteReply {
  status: string;
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata: Record<string, unknown>;
}
interface InspectReply {
  status: string;
  found: boolean;
  data: Record<string, string>;
}

async function complete(k: KernelClient, code: string, cursor = [...code].length): Promise<CompleteReply> {
  const x = await k.request("shell", "complete_request", { code, cursor_pos: cursor });
  const reply = x.reply.content as unknown as CompleteReply;
  expect(reply.status, JSON.stringify(reply)).to.equal("ok");
  return reply;
}

async function inspect(k: KernelClient, code: string, cursor = [...code].length, detail = 0): Promise<InspectReply> {
  const x = await k.request("shell", "inspect_request", { code, cursor_pos: cursor, detail_level: detail });
  const reply = x.reply.content as unknown as InspectReply;
  expect(reply.status).to.equal("ok");
  return reply;
}

/** Asks until gopls answers with members (it starts on the first request and loads packages). */
async function untilMembers(k: KernelClient, code: string, cursor = [...code].length, within = 60_000): Promise<CompleteReply> {
  const end = Date.now() + within;
  for (;;) {
    const r = await complete(k, code, cursor);
    if (r.matches.length > 0 || Date.now() > end) return r;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function goplsPids(log: string): number[] {
  return [...log.matchAll(/gopls started \(pid (\d+)\)/g)].map((m) => Number(m[1]));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number, within = 5000): Promise<boolean> {
  const end = Date.now() + within;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !alive(pid);
}

const DECLS = [
  "type Point struct{ X, Y int }",
  "",
  "// Norm1 is the L1 norm.",
  "func (p Point) Norm1() int { return p.X + p.Y }",
  "",
  "// Square returns n squared.",
  "func Square(n int) int { return n * n }",
].join("\n");

describe("completion and inspection with gopls (real kernel)", function () {
  this.timeout(240_000);
  let k: KernelClient;

  before(async function () {
    if (!(await locateGopls("go", process.env))) {
      console.log(`      (gopls is not installed: ${INSTALL_HINT})`);
      this.skip();
    }
    k = await KernelClient.launch();
  });
  after(async () => {
    await k?.close();
  });

  it("answers the first request while gopls starts, then package members", async () => {
    const first = await complete(k, "fmt.Sprin");
    expect(first).to.include({ cursor_start: 4, cursor_end: 9 });
    const r = await untilMembers(k, "fmt.Sprin");
    expect(r.matches).to.deep.equal(["Sprint", "Sprintf", "Sprintln"]);
    const types = r.metadata._jupyter_types_experimental as { type: string; signature: string }[];
    expect(types[0]).to.include({ type: "function" });
    expect(types[0].signature).to.match(/^func\(a \.\.\.any\) string/);
    expect(goplsPids(k.kernelLog)).to.have.length(1);
  });

  it("completes the session's names, struct fields and methods", async () => {
    const x = await k.execute(DECLS);
    expect(x.reply.content.status).to.equal("ok");
    expect((await complete(k, "Squ")).matches).to.deep.equal(["Square"]);
    const fields = await untilMembers(k, "p := Point{}\np.");
    expect(fields.matches).to.have.members(["X", "Y", "Norm1"]);
    expect(fields).to.include({ cursor_start: 15, cursor_end: 15 });
    const lit = await complete(k, "q := Point{");
    expect(lit.matches).to.include.members(["X", "Y"]);
  });

  it("completes in a cell that does not parse, mid-cell, in code points", async () => {
    const broken = await complete(k, "func G() {\n\tp := Point{}\n\tp.");
    expect(broken.matches).to.have.members(["X", "Y", "Norm1"]);
    const code = 's := "🙂🙂"\nfunc F() string {\n\treturn s + strings.Rep\n}\nfmt.Println(F())';
    const cursor = [...code.slice(0, code.indexOf("Rep") + 3)].length;
    const r = await untilMembers(k, code, cursor); // the first use of strings loads it
    expect(r.matches).to.include.members(["Repeat", "Replace", "ReplaceAll"]);
    expect(r.matches.every((m) => m.startsWith("Rep"))).to.equal(true);
    expect(r).to.include({ cursor_start: cursor - 3, cursor_end: cursor });
    expect(cursor - 3).to.equal(code.indexOf("Rep") - 2); // two astral characters before it
    const garbage = await complete(k, "}}} ((( \"");
    expect(garbage.matches).to.be.an("array");
  });

  it("inspects standard-library and session names: signature and doc comment", async () => {
    const std = await inspect(k, "fmt.Println");
    expect(std.found).to.equal(true);
    expect(std.data["text/plain"]).to.match(/^func fmt\.Println\(a \.\.\.any\) \(n int, err error\)/);
    expect(std.data["text/plain"]).to.contain("Println formats using the default formats");
    expect(std.data["text/markdown"]).to.match(/^```go\nfunc fmt\.Println/);
    const mine = await inspect(k, "Square(3");
    expect(mine.found).to.equal(true);
    expect(mine.data["text/plain"]).to.equal("func Square(n int) int\n\nSquare returns n squared.");
    const method = await inspect(k, "p := Point{}\np.Norm1()", "p := Point{}\np.Norm1".length);
    expect(method.data["text/plain"]).to.match(/^func \(p Point\) Norm1\(\) int\n\nNorm1 is the L1 norm\./);
    const source = await inspect(k, "Square", 3, 1);
    expect(source.data["text/plain"]).to.match(/cell\[\d+\]:6:\n\/\/ Square returns n squared\.\nfunc Square/);
  });

  it("restarts gopls when it dies", async () => {
    const [pid] = goplsPids(k.kernelLog);
    process.kill(pid, "SIGKILL");
    expect(await gone(pid)).to.equal(true);
    await complete(k, "Squ"); // answered whatever gopls is doing
    const r = await untilMembers(k, "fmt.Sprin");
    expect(r.matches).to.deep.equal(["Sprint", "Sprintf", "Sprintln"]);
    const pids = goplsPids(k.kernelLog);
    expect(pids).to.have.length(2);
    expect(pids[1]).to.not.equal(pid);
    expect(k.kernelLog).to.match(/gopls was killed by SIGKILL; it restarts on the next completion/);
  });

  it("gopls dies with the kernel", async () => {
    expect((await complete(k, "fmt.Sprin")).matches).to.deep.equal(["Sprint", "Sprintf", "Sprintln"]);
    const pid = goplsPids(k.kernelLog).pop()!;
    expect(alive(pid)).to.equal(true);
    await k.close();
    expect(await gone(pid), `gopls ${pid} outlived the kernel`).to.equal(true);
  });
});

describe("completion and inspection without a working gopls (real kernel)", function () {
  this.timeout(180_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "goperf-nogopls-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("without gopls: session names, keywords and magics, and one log line on how to install it", async () => {
    // PATH with the go command but no gopls; GOPATH and GOBIN somewhere empty.
    const goDir = (process.env.PATH ?? "").split(delimiter).find((d) => existsSync(join(d, "go")));
    const k = await KernelClient.launch({ env: { ...process.env, PATH: goDir ?? "", GOPATH: dir, GOBIN: "", GOPERF_GOPLS: "" } });
    try {
      await k.execute("func Square(n int) int { return n * n }");
      expect((await complete(k, "Squ")).matches).to.deep.equal(["Square"]);
      expect((await complete(k, "fmt.Sprin")).matches).to.deep.equal([]);
      expect((await complete(k, "%bench -co")).matches).to.have.members(["-count", "-compare"]);
      expect((await complete(k, "for i := 0; i < 3; i++ {\n\tcont")).matches).to.deep.equal(["continue", "context"]);
      expect((await complete(k, "strc")).matches).to.deep.equal(["strconv"]);
      const doc = await inspect(k, "strings.Repeat");
      expect(doc.found).to.equal(true);
      expect(doc.data["text/plain"]).to.contain("func Repeat(s string, count int) string");
      expect((await inspect(k, "Square(")).data["text/plain"]).to.contain("func Square(n int) int");
      const hints = k.kernelLog.split("\n").filter((l) => l.includes(INSTALL_HINT));
      expect(hints, k.kernelLog).to.have.length(1);
      expect(k.kernelLog).to.not.match(/gopls started/);
    } finally {
      await k.close();
    }
  });

  it("with a gopls that never answers: answers anyway, and never holds up the next cell", async () => {
    const fake = join(dir, "gopls-hung");
    // Reads everything, answers nothing, keeps its output open.
    await writeFile(fake, "#!/bin/sh\nwhile IFS= read -r _; do :; done\n");
    await chmod(fake, 0o755);
    const k = await KernelClient.launch({ env: { ...process.env, GOPERF_GOPLS: fake } });
    try {
      await k.execute("func Square(n int) int { return n * n }");
      const first = await complete(k, "Squ");
      expect(first.matches).to.deep.equal(["Square"]);
      expect((await complete(k, "Squ")).matches).to.deep.equal(["Square"]);
      expect((await inspect(k, "Square")).found).to.equal(true);
      // A completion and a cell sent together: the cell runs right after the completion's answer.
      const asked = complete(k, "Squ");
      const ran = k.execute('fmt.Println("ran")');
      const [c, x] = await Promise.all([asked, ran]);
      expect(c.matches).to.deep.equal(["Square"]);
      expect(streamText(x, "stdout")).to.equal("ran\n");
      const control = await k.request("control", "kernel_info_request", {});
      expect(control.reply.header.msg_type).to.equal("kernel_info_reply");
      const [pid] = goplsPids(k.kernelLog);
      expect(pid).to.be.a("number");
      await k.close();
      expect(await gone(pid), "the hung gopls outlived the kernel").to.equal(true);
    } finally {
      await k.close();
    }
  });
});

describe("magic completion and %help paging (real kernel, GOPERF_GOPLS=off)", function () {
  this.timeout(120_000);
  let k: KernelClient;

  before(async () => {
    k = await KernelClient.launch({ env: { ...process.env, GOPERF_GOPLS: "off" } });
  });
  after(async () => {
    await k?.close();
  });

  it("completes magics and their options from their declarations", async () => {
    expect((await complete(k, "%es")).matches).to.deep.equal(["%escape"]);
    expect((await complete(k, "%bench -co")).matches).to.have.members(["-count", "-compare"]);
    expect((await complete(k, "%escape --only h")).matches).to.deep.equal(["heap"]);
  });

  it("%help pages every magic, and a magic's options, end to end", async () => {
    const x = await k.execute("%help");
    const payload = (x.reply.content as { payload: { source: string; data: Record<string, string> }[] }).payload;
    expect(payload).to.have.length(1);
    expect(payload[0].source).to.equal("page");
    for (const name of ["bench", "escape", "expect", "help", "lsmagic", "predict"]) expect(payload[0].data["text/plain"]).to.contain(`%${name} `);
    const bench = await k.execute("%help bench");
    const text = (bench.reply.content as { payload: { data: Record<string, string> }[] }).payload[0].data["text/plain"];
    expect(text).to.match(/^usage: %bench/);
    expect(text).to.contain("-count N");
  });

  it("started no gopls", () => {
    expect(k.kernelLog).to.not.match(/gopls started/);
  });
});
