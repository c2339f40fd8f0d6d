// The standard library's names kept across sessions (kernel/go/stdlib.ts): walked once per GOROOT
// and release, read back after; a file that is not what the walk wrote is walked again.
import { expect } from "chai";
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CellParser } from "../../kernel/go/parse.js";
import { stdlibNames } from "../../kernel/go/stdlib.js";

describe("stdlibNames (kept per GOROOT and release)", () => {
  let dir: string;
  let walks: number;
  const parser = (names: Record<string, string>) => Promise.resolve({ stdlib: async () => (walks++, names) } as unknown as CellParser);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "goperf-stdlib-"));
    walks = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("walks once, then reads what it kept; another release walks again", async () => {
    expect(await stdlibNames("/goroot", "go1.26.8", dir, parser({ fmt: "fmt" }))).to.deep.equal({ fmt: "fmt" });
    expect(await stdlibNames("/goroot", "go1.26.8", dir, parser({ other: "other" }))).to.deep.equal({ fmt: "fmt" });
    expect(walks).to.equal(1);
    expect(await stdlibNames("/goroot", "go1.26.9", dir, parser({ rand: "math/rand/v2" }))).to.deep.equal({ rand: "math/rand/v2" });
    expect(walks).to.equal(2);
  });

  it("walks again when the kept file is not the walk's (not JSON, not names)", async () => {
    await stdlibNames("/goroot", "go1.26.8", dir, parser({ fmt: "fmt" }));
    const [file] = readdirSync(join(dir, "stdlib"));
    for (const bad of ["{", "[]", '{"fmt": 1}', "{}", '{"fmt": "example.com/evil/fmt"}']) {
      writeFileSync(join(dir, "stdlib", file), bad);
      expect(await stdlibNames("/goroot", "go1.26.8", dir, parser({ fmt: "fmt" }))).to.deep.equal({ fmt: "fmt" });
    }
    expect(walks).to.equal(6);
  });

  it("never reads a kept file others can write", async () => {
    await stdlibNames("/goroot", "go1.26.8", dir, parser({ fmt: "fmt" }));
    const [file] = readdirSync(join(dir, "stdlib"));
    chmodSync(join(dir, "stdlib", file), 0o666);
    expect(await stdlibNames("/goroot", "go1.26.8", dir, parser({ fmt: "fmt" }))).to.deep.equal({ fmt: "fmt" });
    expect(walks).to.equal(2);
  });
});
