// goperf/display as the scratch module sees it (real go): required and replaced only while the
// code imports it, built by the direct compiler path (its import config comes from the go command,
// which resolves the replace) without network, and gone from go.mod when the import goes.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DirectBuilder } from "../../kernel/go/direct.js";
import { displayModule, displayRequirement } from "../../kernel/go/displaymodule.js";
import { goLineFor } from "../../kernel/go/workspace.js";
import { Session } from "../../kernel/session.js";

describe("goperf/display in the scratch module (real go)", function () {
  this.timeout(120_000);
  let session: Session;

  before(async () => {
    session = await Session.start({ env: { ...process.env, GOPROXY: "off", GOFLAGS: "-mod=readonly" } });
  });
  after(async () => {
    await session?.close();
  });

  const goMod = () => readFileSync(session.workspace.path("go.mod"), "utf8");

  it("adds the require and replace once a cell imports the package, and keeps them", async () => {
    const module = displayModule()!;
    expect(module.dir).to.match(/kernel\/go\/display$/);
    expect(goMod()).to.not.contain("goperf/display");
    // A cell being typed (completion's candidate) that imports it: gopls must find the package.
    const units = await session.split('import "goperf/display"\n\nvar _ = display.Text');
    await session.preview(units.ok ? units.units : [], 1);
    expect(goMod()).to.contain(displayRequirement(module.dir));
    const staged = await session.stage('import "goperf/display"\n\ndisplay.Text("x")', { count: 1, source: "" }, { show: true });
    if ("ename" in staged) throw new Error(staged.evalue);
    const built = await session.build(staged);
    expect(built.ok, built.output).to.equal(true);
    expect(goMod()).to.contain(displayRequirement(module.dir));
    session.commit(staged, built);
    const later = await session.stage('fmt.Println("no display")', { count: 2, source: "" }, { show: true });
    if ("ename" in later) throw new Error(later.evalue);
    expect((await session.build(later)).ok).to.equal(true);
    // Kept once required (go.mod would flip and gopls reload); a requirement nothing imports links nothing.
    expect(goMod()).to.contain(displayRequirement(module.dir));
  });

  it("lists an import config for the replaced module and links a program with it directly", async () => {
    const go = session.go!;
    const builder = new DirectBuilder(go, { ...session.goEnv, GOPROXY: "off" }, session.workspace.dir, goLineFor(go.version));
    await session.workspace.write({ "go.mod": `module goperf.session\n\ngo ${goLineFor(go.version)}\n${displayRequirement(displayModule()!.dir)}` });
    const config = await builder.importConfig(["fmt", "goperf/display", "goperf/display/chart"]);
    expect(config, "go list could not resolve the replaced module").to.not.equal(null);
    expect(config!.text).to.match(/^packagefile goperf\/display=\S+$/m);
    expect(config!.text).to.match(/^packagefile goperf\/display\/chart=\S+$/m);
    const source = 'package main\n\nimport (\n\t"fmt"\n\t"goperf/display"\n\t"goperf/display/chart"\n)\n\nfunc main() {\n\tdisplay.SVG(chart.Line(chart.Options{}))\n\tfmt.Println("linked")\n}\n';
    await session.workspace.write({ "direct.go": source });
    const binary = join(session.workspace.dir, "direct.bin");
    const built = await builder.build(["fmt", "goperf/display", "goperf/display/chart"], source, binary, undefined, "direct.go");
    expect(built, "the direct path fell back to the go command").to.not.equal(null);
    expect(built!.ok, built!.output).to.equal(true);
    let stdout = "";
    const error = await session.runProgram(binary, [], { stdout: (t) => (stdout += t), stderr: () => undefined });
    expect(error).to.equal(null);
    expect(stdout).to.equal("linked\n");
    await session.workspace.write({ "direct.go": null });
  });
});
