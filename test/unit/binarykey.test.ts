// The test-binary key changes with every input that changes the binary (and with nothing else):
// a %bench after any of these changes must rebuild, not run a binary built otherwise.
import { expect } from "chai";
import { testBinaryKey, type TestBinaryInputs } from "../../kernel/session/binarykey.js";

const base: TestBinaryInputs = {
  toolchain: { binary: "go", version: "go1.26.8", goroot: "/usr/local/go", gotoolchain: "local" },
  files: { "main.go": "package main\n\nfunc main() {}\n", "main_test.go": "package main\n\nimport \"testing\"\n\nfunc BenchmarkX(b *testing.B) {}\n" },
  goMod: "module goperf.session\n\ngo 1.26\n",
  goSum: null,
  env: { HOME: "/root", PATH: "/usr/bin", GOTOOLCHAIN: "local", GOFLAGS: "-buildvcs=false", GOWORK: "off" },
  args: ["test", "-c", "-ldflags=-s -w", "-o", "/tmp/s/session-go1.26.8.test", "."],
};

const flips: [string, Partial<TestBinaryInputs>][] = [
  ["the go.mod go line", { goMod: "module goperf.session\n\ngo 1.22\n" }],
  ["a module requirement in go.mod", { goMod: base.goMod + "\nrequire golang.org/x/exp v0.0.0-20250106191152-7588d65b2ba8\n" }],
  ["go.sum", { goSum: "golang.org/x/exp v0.0.0-20250106191152-7588d65b2ba8 h1:abc=\n" }],
  ["the toolchain's version", { toolchain: { ...base.toolchain, version: "go1.26.7" } }],
  ["the go binary", { toolchain: { ...base.toolchain, binary: "/opt/go/bin/go" } }],
  ["GOROOT", { toolchain: { ...base.toolchain, goroot: "/opt/go" } }],
  ["the toolchain switched to (GOTOOLCHAIN)", { toolchain: { ...base.toolchain, gotoolchain: "go1.22.12" } }],
  ["build flags", { args: ["test", "-c", "-ldflags=-s -w", "-gcflags=-N -l", "-o", "/tmp/s/session-go1.26.8.test", "."] }],
  ["GOFLAGS (tags)", { env: { ...base.env, GOFLAGS: "-buildvcs=false -tags=purego" } }],
  ["GOEXPERIMENT", { env: { ...base.env, GOEXPERIMENT: "greenteagc" } }],
  ["CGO_ENABLED", { env: { ...base.env, CGO_ENABLED: "0" } }],
  ["GOAMD64", { env: { ...base.env, GOAMD64: "v3" } }],
  ["CGO_CFLAGS", { env: { ...base.env, CGO_CFLAGS: "-O3" } }],
  ["CC", { env: { ...base.env, CC: "clang" } }],
  ["PATH (where the C toolchain is found)", { env: { ...base.env, PATH: "/opt/bin:/usr/bin" } }],
  ["main.go", { files: { ...base.files, "main.go": "package main\n\nfunc main() { println() }\n" } }],
  ["main_test.go", { files: { ...base.files, "main_test.go": null } }],
  ["the files of a module on disk (%use)", { modules: "3f1c0a" }],
];

describe("the test-binary key", () => {
  it("is the same for the same inputs, whatever the order of env and files", () => {
    const reordered: TestBinaryInputs = {
      ...base,
      env: Object.fromEntries(Object.entries(base.env).reverse()),
      files: Object.fromEntries(Object.entries(base.files).reverse()),
    };
    expect(testBinaryKey(reordered)).to.equal(testBinaryKey(base));
  });

  for (const [what, change] of flips) {
    it(`changes with ${what}`, () => {
      expect(testBinaryKey({ ...base, ...change })).to.not.equal(testBinaryKey(base));
    });
  }

  it("ignores variables that do not reach the build (HOME, TERM)", () => {
    expect(testBinaryKey({ ...base, env: { ...base.env, HOME: "/home/other", TERM: "dumb" } })).to.equal(testBinaryKey(base));
  });
});
