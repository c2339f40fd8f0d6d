// KernelClient.launch (the tests' and the headless runner's way to start a kernel): ports found
// free may be taken before the kernel binds them; a kernel that exits for that is started again.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KernelClient, defaultKernelMain } from "../../kernel/client/client.js";

/** A kernel entry point that fails as a taken port fails the kernel `times` times, then starts the real kernel. */
function flakyKernel(dir: string, times: number): string {
  const main = join(dir, "flaky.cjs");
  writeFileSync(
    main,
    [
      "const fs = require('node:fs');",
      `const count = ${JSON.stringify(join(dir, "count"))};`,
      "const n = fs.existsSync(count) ? Number(fs.readFileSync(count, 'utf8')) : 0;",
      "fs.writeFileSync(count, String(n + 1));",
      `if (n < ${times}) { process.stderr.write('[goperf] fatal: Error: Address already in use\\n'); process.exit(1); }`,
      `require(${JSON.stringify(defaultKernelMain())});`,
    ].join("\n"),
  );
  return main;
}

describe("KernelClient.launch", function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "goperf-launch-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("starts the kernel again on other ports when it exits with a port taken (twice at most)", async () => {
    const k = await KernelClient.launch({ kernelMain: flakyKernel(dir, 2) });
    try {
      expect((await k.execute("1 + 1")).reply.content.status).to.equal("ok");
    } finally {
      await k.close();
    }
  });

  it("gives up after the third start, with the kernel's words", async () => {
    const err = await KernelClient.launch({ kernelMain: flakyKernel(dir, 3) }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).to.include("Address already in use");
    expect(readFileSync(join(dir, "count"), "utf8"), "kernels started").to.equal("3");
  });
});
