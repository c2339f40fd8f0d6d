// The kernel as the kernelspec starts it (dist/bundle/kernel.cjs): kernel_info before the session,
// the session afterwards, and V8's code cache kept per user, privately, and reused.
import { expect } from "chai";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { KernelClient, streamText } from "../../kernel/client/client.js";

describe("kernel start (the bundle, real kernel)", function () {
  this.timeout(120_000);
  let cache: string;
  before(() => {
    cache = mkdtempSync(join(tmpdir(), "goperf-codecache-"));
  });
  after(() => rmSync(cache, { recursive: true, force: true }));

  // XDG_CACHE_HOME moves goperf's caches (and the parser helper, rebuilt there once); the go
  // command's build cache stays where it is.
  const GOCACHE = spawnSync("go", ["env", "GOCACHE"], { encoding: "utf8" }).stdout.trim();
  const launch = () => KernelClient.launch({ env: { ...process.env, XDG_CACHE_HOME: cache, GOCACHE } });
  const v8Dir = () => join(cache, "goperf", "v8");
  const caches = () => (existsSync(v8Dir()) ? readdirSync(v8Dir()).filter((n) => n.endsWith(".cache")) : []);

  it("answers kernel_info with the toolchain's release, then runs a cell in the session it starts", async () => {
    const k = await launch();
    try {
      const info = (await k.request("shell", "kernel_info_request", {})).reply.content as { language_info: { version: string } };
      expect(info.language_info.version).to.match(/^\d+\.\d+(\.\d+)?$/);
      const x = await k.execute('fmt.Println("ran")');
      expect(streamText(x, "stdout")).to.equal("ran\n");
      const later = (await k.request("shell", "kernel_info_request", {})).reply.content as { banner: string; language_info: { version: string } };
      expect(later.language_info.version).to.equal(info.language_info.version);
      expect(later.banner).to.match(/^goperf: Go go\d+\.\d+\S* \(\w+\/\w+\) for performance experiments/);
    } finally {
      await k.close();
    }
  });

  it("writes V8's code cache at exit into a private dir, and reuses it (no rewrite)", async () => {
    // The first kernel of this suite wrote it (none was there).
    expect(caches()).to.have.length(1);
    const file = join(v8Dir(), caches()[0]);
    expect(statSync(v8Dir()).mode & 0o777).to.equal(0o700);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    const written = statSync(file).mtimeMs;
    const k = await launch();
    await k.execute('fmt.Println("again")');
    await k.close();
    expect(statSync(file).mtimeMs, "accepted by V8, so not written again").to.equal(written);
  });

  it("neither reads nor writes a cache dir that others can write", async () => {
    rmSync(join(v8Dir(), caches()[0]));
    chmodSync(v8Dir(), 0o777);
    try {
      const k = await launch();
      expect(streamText(await k.execute('fmt.Println("fine")'), "stdout")).to.equal("fine\n");
      await k.close();
      expect(caches()).to.deep.equal([]);
    } finally {
      chmodSync(v8Dir(), 0o700);
    }
  });
});
