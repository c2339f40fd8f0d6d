// The goperf/display Go module's own tests and vet, run by the real toolchain, so `npm test`
// covers the package the kernel ships (go test in kernel/go/display).
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../helpers/paths.js";

describe("goperf/display's Go tests (real go)", function () {
  this.timeout(240_000);
  const dir = join(ROOT, "kernel", "go", "display");
  const go = (...args: string[]) => spawnSync("go", args, { cwd: dir, encoding: "utf8", env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod", GOPROXY: "off" } });

  it("passes go vet and go test, benchmark included (1000 iterations, its time not judged here)", () => {
    const vet = go("vet", "./...");
    expect(vet.status, vet.stderr).to.equal(0);
    const test = go("test", "-count=1", "-bench", ".", "-benchtime", "1000x", "./...");
    expect(test.status, test.stdout + test.stderr).to.equal(0);
    expect(test.stdout).to.match(/^BenchmarkHTML1KB\S*\s+1000\s+\d+ ns\/op/m);
    expect(test.stdout).to.match(/^ok\s+goperf\/display\s/m);
    expect(test.stdout).to.match(/^ok\s+goperf\/display\/chart\s/m);
  });

  it("is gofmt-clean and has no third-party dependencies", () => {
    const fmt = spawnSync(join(String(go("env", "GOROOT").stdout).trim(), "bin", "gofmt"), ["-l", "."], { cwd: dir, encoding: "utf8" });
    expect(fmt.stdout).to.equal("");
    const deps = go("list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "./...");
    expect(deps.stdout.split("\n").filter(Boolean).sort()).to.deep.equal(["goperf/display", "goperf/display/chart"]);
    // html's init keeps its entity tables (~70 KB) in every binary: a display cell would link slower.
    const std = go("list", "-deps", "./...");
    expect(std.stdout.split("\n")).to.not.include("html");
  });
});
