// The user's GOFLAGS reach every build (real go): a program built in a session started with
// GOFLAGS=-tags=... carries the tags in its build info, and goperf's -buildvcs=false is added.
import { expect } from "chai";
import { Session } from "../../kernel/session.js";

const PRINT_TAGS = [
  'import "runtime/debug"',
  "",
  "info, _ := debug.ReadBuildInfo()",
  "for _, s := range info.Settings {",
  '\tif s.Key == "-tags" {',
  "\t\tfmt.Println(s.Value)",
  "\t}",
  "}",
].join("\n");

describe("the user's GOFLAGS (real go)", function () {
  this.timeout(120_000);
  let session: Session | undefined;
  afterEach(async () => {
    await session?.close();
  });

  it("are kept, with -buildvcs=false added, and a plain cell is built with them", async () => {
    session = await Session.start({ env: { ...process.env, GOFLAGS: "-tags=goperfdemo" } });
    expect(session.goEnv.GOFLAGS).to.equal("-tags=goperfdemo -buildvcs=false");
    const staged = await session.stage(PRINT_TAGS, { count: 1, source: PRINT_TAGS }, { show: true });
    if ("ename" in staged) throw new Error(staged.evalue);
    const built = await session.build(staged);
    expect(built.ok, built.output).to.equal(true);
    session.commit(staged, built);
    let stdout = "";
    expect(await session.runProgram(built.binary, [], { stdout: (t) => (stdout += t), stderr: () => undefined })).to.equal(null);
    expect(stdout).to.equal("goperfdemo\n");
  });
});
