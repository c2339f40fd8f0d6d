// The launcher (kernel/go/launcher) must not change what a program sees or how it ends: the same
// argv, environment, working dir, signal dispositions, file descriptor 3, exit status, death by
// signal, and the interrupt's SIGQUIT. A probe program, built with the real go, runs once directly
// and once through the launcher as the kernel starts it (guard.ts, toolchain.ts).
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { guardCommand, prepareLauncher } from "../../kernel/go/guard.js";
import { run, type RunOptions } from "../../kernel/go/toolchain.js";
import { cacheDir } from "../../kernel/go/workspace.js";

const PROBE = `package main

import (
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

func main() {
	switch os.Args[1] {
	case "describe":
		env := os.Environ()
		sort.Strings(env)
		wd, _ := os.Getwd()
		fmt.Printf("argv %q\\nenv %q\\ncwd %s\\n", os.Args, env, wd)
		status, _ := os.ReadFile("/proc/self/status")
		for _, line := range strings.Split(string(status), "\\n") {
			if strings.HasPrefix(line, "SigIgn") || strings.HasPrefix(line, "SigBlk") {
				fmt.Println(line)
			}
		}
		os.NewFile(3, "result").WriteString("the result\\n")
		os.Exit(3)
	case "sigterm":
		syscall.Kill(os.Getpid(), syscall.SIGTERM)
		select {}
	case "quit":
		c := make(chan os.Signal, 1)
		signal.Notify(c, syscall.SIGQUIT)
		fmt.Println("ready")
		<-c
		fmt.Println("got SIGQUIT")
	}
}
`;

describe("the launcher: a program runs as it would without it", function () {
  this.timeout(180_000);
  let dir: string;
  let probe: string;
  const env = { ...process.env, GOPERF_MEMORY_LIMIT_MIB: "0", PROBE_VAR: "a b\tc" };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "goperf-launcher-"));
    writeFileSync(join(dir, "go.mod"), "module probe\n\ngo 1.21\n");
    writeFileSync(join(dir, "main.go"), PROBE);
    probe = join(dir, "probe");
    const built = spawnSync("go", ["build", "-o", probe, "."], { cwd: dir, encoding: "utf8", env: { ...process.env, GOWORK: "off", GOFLAGS: "" } });
    expect(built.status, built.stderr).to.equal(0);
    prepareLauncher("go", cacheDir(process.env), process.env);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The probe's run, directly or as the kernel starts it. */
  async function probeRun(how: "direct" | "launcher", args: string[], options: RunOptions = {}) {
    const command = how === "direct" ? { binary: probe, args, env } : await guardCommand(probe, args, env);
    if (how === "launcher") expect(command.binary).to.match(/launcher-[0-9a-f]+$/);
    let fd3 = "";
    const result = await run(command.binary, command.args, { cwd: dir, env: command.env, capture: true, onFd3: (t) => (fd3 += t), ...options });
    return { ...result, fd3 };
  }

  it("the same argv, environment, working dir, signal mask and dispositions, fd 3 and exit status", async () => {
    const args = ["describe", "two words", "", "*"];
    const [direct, launched] = [await probeRun("direct", args), await probeRun("launcher", args)];
    expect(direct.code).to.equal(3);
    expect(direct.stdout).to.match(/^argv \[".*probe" "describe" "two words" "" "\*"\]/);
    expect(direct.stdout).to.include('"PROBE_VAR=a b\\tc"');
    expect(launched).to.deep.equal(direct);
    expect(launched.fd3).to.equal("the result\n");
  });

  it("dies of the same signal", async () => {
    const [direct, launched] = [await probeRun("direct", ["sigterm"]), await probeRun("launcher", ["sigterm"])];
    expect(direct.killedBy).to.equal("SIGTERM");
    expect(launched.killedBy).to.equal("SIGTERM");
    expect(launched.code).to.equal(null);
  });

  it("passes the interrupt's SIGQUIT on to the program", async () => {
    for (const how of ["direct", "launcher"] as const) {
      const abort = new AbortController();
      const r = await probeRun(how, ["quit"], { signal: abort.signal, quitFirstMs: 5000, onStdout: (t) => t.includes("ready") && abort.abort() });
      expect(r.interrupted, how).to.equal(true);
      expect(r.stdout, how).to.equal("ready\ngot SIGQUIT\n");
      expect(r.code, how).to.equal(0);
    }
  });
});
