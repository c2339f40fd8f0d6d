// The kernel as the kernelspec starts it (dist/bundle/kernel.cjs): kernel_info before the session,
// the session afterwards, and V8's code cache kept per user, privately, and reused.
import { expect } from "chai";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { KernelClient, defaultKernelMain, streamText } from "../../kernel/client/client.js";

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

  it("a shutdown while the session is still starting ends the kernel and leaves no session dir", async () => {
    // A private root of its own (XDG_RUNTIME_DIR), so that other kernels' dirs do not count.
    const runtime = mkdtempSync(join(tmpdir(), "goperf-runtime-"));
    chmodSync(runtime, 0o700);
    try {
      for (let i = 0; i < 2; i++) {
        // A cache of its own too: the session then builds goperf's helpers while it starts.
        const fresh = join(runtime, `cache-${i}`);
        const k = await KernelClient.launch({ env: { ...process.env, XDG_CACHE_HOME: fresh, GOCACHE, XDG_RUNTIME_DIR: runtime } });
        // The session starts once kernel_info has been answered; this arrives while it does.
        await k.request("control", "shutdown_request", { restart: false });
        expect(await k.waitForExit(), "exit code").to.equal(0);
        await k.close();
        const left = readdirSync(join(runtime, "goperf")).filter((n) => n.startsWith("goperf-session-"));
        expect(left, `round ${i + 1}: ${k.kernelLog}`).to.deep.equal([]);
      }
    } finally {
      rmSync(runtime, { recursive: true, force: true });
    }
  });

  it("loads zeromq's native addon from the path found at build time, and zeromq's own loader when that fails", async () => {
    const bundle = dirname(defaultKernelMain());
    const body = readFileSync(join(bundle, "kernel-body.cjs"), "latin1");
    const addon = /require\("node:path"\)\.join\(__dirname, "([^"]+\.node)"\)/.exec(body)?.[1];
    expect(addon, "the addon's path in the bundle").to.be.a("string");
    expect(existsSync(resolve(bundle, addon!)), resolve(bundle, addon!)).to.equal(true);
    // A copy of the bundle one level deeper: the recorded relative path then misses.
    const moved = mkdtempSync(join(bundle, "moved-"));
    try {
      copyFileSync(join(bundle, "kernel.cjs"), join(moved, "kernel.cjs"));
      writeFileSync(join(moved, "kernel-body.cjs"), body, "latin1");
      expect(existsSync(resolve(moved, addon!))).to.equal(false);
      const k = await KernelClient.launch({ kernelMain: join(moved, "kernel.cjs"), env: { ...process.env, XDG_CACHE_HOME: cache, GOCACHE } });
      try {
        expect(streamText(await k.execute('fmt.Println("loaded")'), "stdout")).to.equal("loaded\n");
      } finally {
        await k.close();
      }
    } finally {
      rmSync(moved, { recursive: true, force: true });
    }
  });
});
