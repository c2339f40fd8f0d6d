// The composition root: reads the connection file, wires transport -> handler -> dispatcher -> session.
// Usage: node dist/kernel/main.js CONNECTION_FILE, or as the kernelspec starts it, the bundle of this
// module and all it imports: node dist/bundle/kernel.cjs CONNECTION_FILE (bundle/build.mjs)
//
// Start-up order, for a kernel that answers kernel_info about as soon as a bare Node could: load
// zeromq, bind, load node:crypto while clients connect, answer. kernel_info's release comes from
// the go command's GOROOT/VERSION file (go/goroot.ts). Everything else — the toolchain detection
// (`go env`), the watchdog, the scratch module, the parser, the magics — is loaded by dynamic
// import and started after the first reply has gone out, or by the first request that needs it.
// Where the release cannot be read that way, the detection runs first and kernel_info waits for it.

import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { Handler, type Executor, type Replier } from "./handler.js";
import type { ConnectionInfo, Message } from "./protocol.js";
import { Transport, type Channel } from "./transport.js";
import { goEnv } from "./go/env.js";
import { releaseOnPath } from "./go/goroot.js";
import { watchParent } from "./parentwatch.js";
import { StartingExecutor } from "./starting.js";
import type { Session } from "./session.js";
import type { Detection } from "./go/toolchain.js";
import { VERSION } from "./package.js";

function log(line: string): void {
  process.stderr.write(`[goperf] ${line}\n`);
}

async function main(argv: string[]): Promise<void> {
  const file = argv[0];
  if (!file) {
    process.stderr.write("usage: goperf-kernel CONNECTION_FILE\n");
    process.exit(2);
  }
  const connection = JSON.parse(readFileSync(file, "utf8")) as ConnectionInfo;
  // A gateway launches kernels with only the variables it is told to pass on; the go command
  // needs a home for its build and module caches, so a missing HOME is the account's own.
  if (!process.env.HOME) process.env.HOME = userInfo().homedir;
  const release = releaseOnPath(goEnv(process.env));
  let detection: Promise<Detection> | undefined;
  const detect = async () => (detection ??= import("./go/toolchain.js").then(({ detectToolchain }) => detectToolchain("go", goEnv(process.env))));
  if (!release) void detect();
  /** Kills the children the session started; set once the session's modules are loaded. */
  let killAllChildren = () => {};
  let handler: Handler | undefined;
  const early: [Channel, Message][] = [];
  const transport = new Transport({
    connection,
    log,
    onMessage: (channel, message) => (handler ? handler.dispatch(channel, message) : early.push([channel, message])),
  });
  await transport.bind();

  let session: Session | undefined;
  const startSession = async (): Promise<Executor> => {
    const [toolchain, { Watchdog }, { Session }, { Dispatcher }, { Registry, builtinMagics }, { launcherBinary }] = await Promise.all([
      import("./go/toolchain.js"),
      import("./watchdog.js"),
      import("./session.js"),
      import("../magics/dispatcher.js"),
      import("../magics/registry.js"),
      import("./go/guard.js"),
    ]);
    const { groupWatch } = toolchain;
    killAllChildren = toolchain.killAllChildren;
    // Told of the session's children from the first (the detection's `go env`), it starts once
    // the session has begun building the launcher, whose binary it is; if this process is killed,
    // the watchdog kills what it left running.
    const watchdog = new Watchdog(log);
    groupWatch.started = (leader) => watchdog.started(leader);
    groupWatch.ended = (pgid) => watchdog.ended(pgid);
    session = await Session.start({ detection: detect() });
    void watchdog.start(launcherBinary());
    watchdog.scratchDir(session.workspace.dir);
    return new Dispatcher(session, new Registry(builtinMagics()), log);
  };
  const executor = new StartingExecutor(release ? { release } : await detect(), startSession);
  const begin = () =>
    void executor.begin().catch((err: Error) => {
      log(`fatal: the session did not start: ${err.stack ?? err}`);
      killAllChildren();
      process.exit(1);
    });

  let replied = false;
  const replier: Replier = {
    reply: async (channel, msgType, content, parent) => {
      await transport.reply(channel, { msgType, content, parent });
      if (!replied && msgType !== "shutdown_reply") {
        replied = true;
        begin();
      }
    },
    publish: (msgType, content, parent) => transport.publish({ msgType, content, parent }),
  };
  const exit = async (code: number) => {
    killAllChildren();
    await session?.close().catch(() => undefined);
    await transport.close();
    process.exit(code);
  };
  handler = new Handler(executor, replier, { implementationVersion: VERSION, log, onShutdown: () => void exit(0) });
  for (const [channel, message] of early.splice(0)) handler.dispatch(channel, message);

  // Signal-mode interrupts reach the whole process group; Node would die of SIGINT without this.
  process.on("SIGINT", () => executor.interrupt());
  process.on("SIGTERM", () => void exit(0));
  watchParent(() => {
    log("the Jupyter server that started this kernel (JPY_PARENT_PID) is gone: shutting down");
    void exit(0);
  });
  process.on("exit", () => {
    killAllChildren();
    try {
      session?.workspace.removeSync();
    } catch (err) {
      log(`could not remove the session dir: ${(err as Error).message}`);
    }
  });
}

main(process.argv.slice(2)).catch((err) => {
  log(`fatal: ${(err as Error).stack ?? err}`);
  process.exit(1); // the session's failures end the process where killAllChildren is at hand
});
