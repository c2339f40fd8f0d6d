// The go command's default build cache, made 0700 by goperf when it does not exist yet (Linux):
// the go command would make it with the user's umask, readable by other users (test:hub found it).
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { privateGoBuildCache } from "../../kernel/go/workspace.js";

describe("the go build cache, private when goperf makes it", () => {
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), "goperf-gocache-"))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it("makes ~/.cache and ~/.cache/go-build 0700 when neither exists", () => {
    const made = privateGoBuildCache({ HOME: home }, "linux");
    expect(made).to.equal(join(home, ".cache", "go-build"));
    expect((statSync(join(home, ".cache")).mode & 0o777).toString(8)).to.equal("700");
    expect((statSync(made!).mode & 0o777).toString(8)).to.equal("700");
  });

  it("follows XDG_CACHE_HOME as the go command does", () => {
    const xdg = join(home, "xdg");
    expect(privateGoBuildCache({ HOME: home, XDG_CACHE_HOME: xdg }, "linux")).to.equal(join(xdg, "go-build"));
    expect((statSync(join(xdg, "go-build")).mode & 0o777).toString(8)).to.equal("700");
  });

  it("leaves an existing cache as it is, and one that GOCACHE names, and other systems", () => {
    mkdirSync(join(home, ".cache", "go-build"), { recursive: true, mode: 0o755 });
    expect(privateGoBuildCache({ HOME: home }, "linux")).to.equal(null);
    expect((statSync(join(home, ".cache", "go-build")).mode & 0o777).toString(8)).to.equal("755");
    expect(privateGoBuildCache({ HOME: join(home, "other"), GOCACHE: join(home, "mine") }, "linux")).to.equal(null);
    expect(privateGoBuildCache({ HOME: join(home, "mac") }, "darwin")).to.equal(null);
    expect(privateGoBuildCache({ HOME: "relative" }, "linux")).to.equal(null);
  });
});
