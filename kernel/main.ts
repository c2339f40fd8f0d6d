// The composition root: reads the connection file, wires transport -> handler -> dispatcher -> session.
// Usage: node dist/kernel/main.js CONNECTION_FILE

import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { v4 as uuidv4 } from "uuid";
import { Handler, type Replier } from "./handler.js";
import { VERSION } from "./package.js";
import type { ConnectionInfo, Message } from "./protocol.js";
import { Session } from "./session.js";
import { Transport, type Channel } from "./transport.js";
import { groupWatch, killAllChildren } from "./go/toolchain.js";
import { Watchdog } from "./watchdog.js";
import { Dispatcher } from "../magics/dispatcher.js";
import { Registry, builtinMagics } from "../magics/registry.js";


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
  // Before any child starts: if this process is killed, the watchdog kills what it left running.
  const watchdog = Watchdog.start();
  if (watchdog) {
    groupWatch.started = (leader) => watchdog.started(leader);
    groupWatch.ended = (pgid) => watchdog.ended(pgid);
  } else log("could not start the watchdog: children of a killed kernel wait for the next kernel start");
  // Bind at once and start the session (toolchain, parser, scratch module) meanwhile: requests that
  // arrive before the session is ready wait in order.
  const starting = Session.start();
  starting.catch(() => undefined); // its failure (a private root refused) is reported where it is awaited
  let handler: Handler | undefined;
  const early: [Channel, Message][] = [];
  const transport = new Transport(
    { connection, log, onMessage: (channel, message) => (handler ? handler.dispatch(channel, message) : early.push([channel, message])) },
    uuidv4(),
  );
  await transport.bind();
  const session = await starting;
  watchdog?.scratchDir(session.workspace.dir);
  const dispatcher = new Dispatcher(session, new Registry(builtinMagics()), log);
  const replier: Replier = {
    reply: (channel, msgType, content, parent) => transport.reply(channel, { msgType, content, parent }),
    publish: (msgType, content, parent) => transport.publish({ msgType, content, parent }),
  };
  const exit = async (code: number) => {
    killAllChildren();
    await session.close().catch(() => undefined);
    await transport.close();
    process.exit(code);
  };
  handler = new Handler(dispatcher, replier, { implementationVersion: VERSION, log, onShutdown: () => void exit(0) });
  for (const [channel, message] of early.splice(0)) handler.dispatch(channel, message);

  // Signal-mode interrupts reach the whole process group; Node would die of SIGINT without this.
  process.on("SIGINT", () => dispatcher.interrupt());
  process.on("SIGTERM", () => void exit(0));
  process.on("exit", () => {
    killAllChildren();
    session.workspace.removeSync();
  });
}

main(process.argv.slice(2)).catch((err) => {
  log(`fatal: ${(err as Error).stack ?? err}`);
  killAllChildren();
  process.exit(1);
});
