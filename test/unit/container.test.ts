// The container recipes (Dockerfile, binder/) cannot be built here (no container registry is
// reachable), so this checks what can be checked without building: the base image is a Jupyter
// docker-stacks one, what they copy exists, they install goperf with exactly the README's
// commands, and their Go and Node meet goperf's minimums.
import { expect } from "chai";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { MIN_GO, atLeast } from "../../kernel/go/toolchain.js";
import { ROOT } from "../helpers/paths.js";

const read = (name: string) => readFileSync(join(ROOT, name), "utf8");

/** The Dockerfile's instructions, continuation lines joined. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => ({ op: l.split(/\s+/)[0].toUpperCase(), args: l.slice(l.split(/\s+/)[0].length).trim() }));
}

/** The commands of the README's container section (its sh block). */
function readmeCommands(): string[] {
  const readme = read("README.md");
  const section = readme.slice(readme.indexOf("**A container.**"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  return block.split("\n").map((l) => l.trim()).filter(Boolean);
}

describe("the container recipes (checked without building)", () => {
  const docker = instructions(read("Dockerfile"));
  const commands = readmeCommands();

  it("the README names the install commands", () => {
    expect(commands).to.deep.equal(["npm ci", "node install.js --user --uninstall", `node install.js --prefix "$(python -c 'import sys; print(sys.prefix)')"`]);
  });

  it("Dockerfile: a Jupyter docker-stacks base image, so DockerSpawner and KubeSpawner start it as is", () => {
    const from = docker.filter((i) => i.op === "FROM");
    expect(from).to.have.length(1);
    expect(from[0].args).to.match(/^quay\.io\/jupyter\/(base|minimal|scipy)-notebook:\S+$/);
    // It ends as the notebook user, as docker-stacks images must.
    const users = docker.filter((i) => i.op === "USER");
    expect(users[users.length - 1].args).to.equal("${NB_UID}");
  });

  it("Dockerfile: copies only what exists, and leaves out what a build makes", () => {
    for (const copy of docker.filter((i) => i.op === "COPY")) {
      const words = copy.args.split(/\s+/).filter((w) => !w.startsWith("--"));
      for (const source of words.slice(0, -1)) expect(existsSync(join(ROOT, source)), `COPY ${source}`).to.equal(true);
    }
    const ignored = read(".dockerignore").split("\n").map((l) => l.trim());
    for (const made of ["node_modules", "dist", ".venv"]) expect(ignored, `.dockerignore ${made}`).to.include(made);
  });

  it("Dockerfile and binder/postBuild install goperf with the README's commands, in its order", () => {
    const run = docker.filter((i) => i.op === "RUN").map((i) => i.args).join(" && ");
    const postBuild = read("binder/postBuild");
    let at = -1;
    for (const command of commands) {
      const next = run.indexOf(command, at + 1);
      expect(next, `Dockerfile runs ${command} (after the one before)`).to.be.greaterThan(at);
      at = next;
      expect(postBuild, `binder/postBuild runs ${command}`).to.contain(command);
    }
    expect(statSync(join(ROOT, "binder", "postBuild")).mode & 0o111, "binder/postBuild is executable").to.not.equal(0);
    expect(postBuild.startsWith("#!/bin/bash\n")).to.equal(true);
  });

  it("their Go and Node meet goperf's minimums (package.json engines, the kernel's Go check)", () => {
    const node = Number(/"node":\s*">=(\d+)/.exec(read("package.json"))![1]);
    const goArg = /^ARG GO_VERSION=(\S+)$/m.exec(read("Dockerfile"))![1];
    const nodeArg = Number(/^ARG NODE_MAJOR=(\d+)$/m.exec(read("Dockerfile"))![1]);
    expect(atLeast(`go${goArg}`, MIN_GO), `Dockerfile Go ${goArg}`).to.equal(true);
    expect(nodeArg).to.be.at.least(node);
    const env = read("binder/environment.yml");
    expect(atLeast(`go${/^\s*- go=(\S+)$/m.exec(env)![1]}`, MIN_GO)).to.equal(true);
    expect(Number(/^\s*- nodejs=(\d+)$/m.exec(env)![1])).to.be.at.least(node);
    expect(env).to.match(/^\s*- jupyterlab=4/m);
  });
});
