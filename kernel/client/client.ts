// A small Jupyter client over ZeroMQ: starts a kernel process (or connects to one), sends requests,
// and collects each request's iopub messages until its reply and its `idle` have both arrived.
// The tests and the headless runner drive the kernel through it.

import * as zmq from "zeromq";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes, randomUUID } from "node:crypto";
import type { ConnectionInfo, Message } from "../protocol.js";
import { privateRoot } from "../go/workspace.js";
import { Signer, decode, encode, newHeader } from "../wire.js";
import { KERNEL_NODE_FLAGS } from "../package.js";

export interface Exchange {
  reply: Message;
  /** iopub messages whose parent is the request, in arrival order (status messages included). */
  iopub: Message[];
}

export interface LaunchOptions {
  /** The kernel's entry point; defaults to this package's bundle, as the kernelspec starts it. */
  kernelMain?: string;
  env?: NodeJS.ProcessEnv;
  /** The kernel's working directory (Jupyter uses the notebook's). */
  cwd?: string;
  /** Where the kernel's stderr goes (its log). Defaults to being collected in `kernelLog`. */
  onKernelLog?: (text: string) => void;
}

interface Pending {
  msgId: string;
  reply?: Message;
  idle: boolean;
  iopub: Message[];
  resolve: (exchange: Exchange) => void;
  onIopub?: (message: Message) => void;
  /** Answers the kernel's input_request for this request (the value of the input_reply). */
  onInput?: (prompt: string) => string | Promise<string>;
}

export class KernelClient {
  readonly session = randomUUID();
  kernelLog = "";
  private readonly signer: Signer;
  private readonly shell = new zmq.Dealer();
  private readonly control = new zmq.Dealer();
  private readonly iopub = new zmq.Subscriber();
  private readonly hb = new zmq.Request();
  /** Routed to like the shell socket (one identity for both, as Jupyter clients do), so input_request finds us. */
  private readonly stdin = new zmq.Dealer();
  private readonly pending = new Map<string, Pending>();
  private readonly sendTails = new Map<zmq.Dealer, Promise<void>>();
  private closed = false;
  private process?: ChildProcess;
  private spawnedAt?: number;
  private firstReplyAt?: number;
  private exited?: Promise<number | null>;
  private tempDir?: string;

  private constructor(readonly connection: ConnectionInfo) {
    this.signer = new Signer(connection.key, connection.signature_scheme);
  }

  /**
   * Starts a kernel process on free loopback ports and waits until it answers kernel_info. Ports
   * found free can be taken before the kernel binds them (by any process's outgoing connection,
   * another client's connection attempts included): a kernel that exits for that is started again
   * on other ports, twice at most.
   */
  static async launch(options: LaunchOptions = {}): Promise<KernelClient> {
    for (let attempt = 1; ; attempt++) {
      const client = await KernelClient.spawnKernel(options);
      try {
        await client.connect();
        return client;
      } catch (err) {
        const taken = client.process?.exitCode !== null && /Address already in use/.test(client.kernelLog);
        await client.close().catch(() => undefined);
        if (!taken || attempt === 3) throw err;
      }
    }
  }

  private static async spawnKernel(options: LaunchOptions): Promise<KernelClient> {
    // In the user's private root: the connection file holds the key that signs every message.
    const dir = await mkdtemp(join(privateRoot(process.env), "goperf-client-"));
    const { file, connection } = await writeConnectionFile(dir);
    const client = new KernelClient(connection);
    client.tempDir = dir;
    const child = spawn(process.execPath, [...KERNEL_NODE_FLAGS, options.kernelMain ?? defaultKernelMain(), file], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ["ignore", "ignore", "pipe"],
    });
    client.process = child;
    client.spawnedAt = performance.now();
    client.exited = new Promise((done) => child.on("exit", (code) => done(code)));
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (text: string) => {
      client.kernelLog += text;
      options.onKernelLog?.(text);
    });
    return client;
  }

  /** Connects to a running kernel. */
  static async attach(connection: ConnectionInfo): Promise<KernelClient> {
    const client = new KernelClient(connection);
    await client.connect();
    return client;
  }

  /** From spawning the kernel to its first reply (kernel_info): the kernel's start-up time. */
  get startupMs(): number | undefined {
    return this.spawnedAt !== undefined && this.firstReplyAt !== undefined ? this.firstReplyAt - this.spawnedAt : undefined;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Resolves with the exit code once the launched kernel process has exited. */
  waitForExit(): Promise<number | null> {
    return this.exited ?? Promise.resolve(null);
  }

  private address(port: number): string {
    return `tcp://${this.connection.ip}:${port}`;
  }

  private async connect(): Promise<void> {
    const c = this.connection;
    // Retry a connection to a kernel that is not listening yet every 10 ms, not every 100 ms.
    for (const socket of [this.shell, this.control, this.iopub, this.hb, this.stdin]) socket.reconnectInterval = 10;
    const identity = randomUUID();
    this.shell.routingId = identity;
    this.stdin.routingId = identity;
    this.stdin.connect(this.address(c.stdin_port));
    this.stdin.linger = 0;
    void this.receiveStdin();
    this.shell.connect(this.address(c.shell_port));
    this.control.connect(this.address(c.control_port));
    this.iopub.connect(this.address(c.iopub_port));
    this.iopub.subscribe();
    this.hb.connect(this.address(c.hb_port));
    this.hb.receiveTimeout = 2000;
    for (const socket of [this.shell, this.control, this.iopub, this.hb]) socket.linger = 0;
    void this.receive(this.shell);
    void this.receive(this.control);
    void this.receiveIopub();
    // The subscription needs a moment to reach the kernel: ask until an iopub message comes back.
    const deadline = Date.now() + 60_000;
    // Any one of the requests completing (reply and idle both seen) means iopub is connected.
    let connected = false;
    for (;;) {
      void this.request("shell", "kernel_info_request", {}).then(() => (connected = true));
      for (let waited = 0; waited < 500 && !connected; waited += 25) await delay(25);
      if (connected) return;
      if (Date.now() > deadline) throw new Error(`the kernel did not answer kernel_info within 60 s\n${this.kernelLog}`);
      if (this.process && (this.process.exitCode !== null || this.process.signalCode !== null)) {
        throw new Error(`the kernel exited (${this.process.exitCode ?? this.process.signalCode})\n${this.kernelLog}`);
      }
    }
  }

  /** Sends a request and resolves when both its reply and its `idle` status have arrived. */
  request(
    channel: "shell" | "control",
    msgType: string,
    content: Record<string, unknown>,
    options: { metadata?: Record<string, unknown>; onIopub?: (message: Message) => void; onInput?: Pending["onInput"] } = {},
  ): Promise<Exchange> {
    const header = newHeader(msgType, this.session, "goperf-client");
    const frames = encode({ identities: [], header, parent_header: {}, metadata: options.metadata ?? {}, content }, this.signer);
    return new Promise((resolveExchange) => {
      this.pending.set(header.msg_id, { msgId: header.msg_id, idle: false, iopub: [], resolve: resolveExchange, onIopub: options.onIopub, onInput: options.onInput });
      void this.send(channel === "shell" ? this.shell : this.control, frames);
    });
  }

  /** Sends raw frames on a channel (tests use it to send forged or malformed messages). */
  sendRaw(channel: "shell" | "control", frames: Buffer[]): Promise<void> {
    return this.send(channel === "shell" ? this.shell : this.control, frames);
  }

  execute(
    code: string,
    options: {
      silent?: boolean;
      storeHistory?: boolean;
      cellId?: string;
      stopOnError?: boolean;
      onIopub?: (m: Message) => void;
      /** Set: allow_stdin is true, and each input_request is answered with what this returns. */
      onInput?: (prompt: string) => string | Promise<string>;
    } = {},
  ): Promise<Exchange> {
    return this.request(
      "shell",
      "execute_request",
      {
        code,
        silent: options.silent ?? false,
        store_history: options.storeHistory ?? true,
        user_expressions: {},
        allow_stdin: options.onInput !== undefined,
        stop_on_error: options.stopOnError ?? true,
      },
      { metadata: options.cellId ? { cellId: options.cellId } : {}, onIopub: options.onIopub, onInput: options.onInput },
    );
  }

  /** One heartbeat round trip; false when the kernel did not echo within 2 s. */
  async heartbeat(): Promise<boolean> {
    try {
      const ping = Buffer.from(randomUUID());
      await this.hb.send(ping);
      const [pong] = await this.hb.receive();
      return pong.equals(ping);
    } catch {
      return false;
    }
  }

  async shutdown(restart = false): Promise<Exchange> {
    return this.request("control", "shutdown_request", { restart });
  }

  /** Shuts the kernel down (when launched), waits for it to exit, and closes the sockets. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.process && this.process.exitCode === null && this.process.signalCode === null) {
      await Promise.race([this.shutdown().catch(() => undefined), delay(5000)]);
      const exited = await Promise.race([this.exited!.then(() => true), delay(5000).then(() => false)]);
      if (!exited) this.process.kill("SIGKILL");
    }
    this.closed = true;
    for (const socket of [this.shell, this.control, this.iopub, this.hb, this.stdin]) socket.close();
    if (this.tempDir) await rm(this.tempDir, { recursive: true, force: true });
  }

  private send(socket: zmq.Dealer, frames: Buffer[]): Promise<void> {
    const tail = (this.sendTails.get(socket) ?? Promise.resolve()).then(() => socket.send(frames));
    this.sendTails.set(socket, tail.catch(() => undefined));
    return tail;
  }

  private async receive(socket: zmq.Dealer): Promise<void> {
    try {
      for await (const frames of socket) {
        const decoded = decode(frames, this.signer);
        if (!decoded.ok) continue;
        const parentId = (decoded.message.parent_header as { msg_id?: string }).msg_id;
        const pending = parentId ? this.pending.get(parentId) : undefined;
        if (!pending) continue;
        this.firstReplyAt ??= performance.now();
        pending.reply = decoded.message;
        this.settle(pending);
      }
    } catch {
      // closed
    }
  }

  /** input_request -> the pending request's onInput -> input_reply, its parent the input_request. */
  private async receiveStdin(): Promise<void> {
    try {
      for await (const frames of this.stdin) {
        const decoded = decode(frames, this.signer);
        if (!decoded.ok || decoded.message.header.msg_type !== "input_request") continue;
        const request = decoded.message;
        const parentId = (request.parent_header as { msg_id?: string }).msg_id;
        const pending = parentId ? this.pending.get(parentId) : undefined;
        // Not awaited here: an answer that never comes must not hold up the next request's.
        void Promise.resolve(pending?.onInput ? pending.onInput(String((request.content as { prompt?: unknown }).prompt ?? "")) : "").then((value) => {
          const header = newHeader("input_reply", this.session, "goperf-client");
          return this.send(this.stdin, encode({ identities: [], header, parent_header: request.header, metadata: {}, content: { value } }, this.signer));
        });
      }
    } catch {
      // closed
    }
  }

  private async receiveIopub(): Promise<void> {
    try {
      for await (const frames of this.iopub) {
        const decoded = decode(frames, this.signer);
        if (!decoded.ok) continue;
        const message = decoded.message;
        const parentId = (message.parent_header as { msg_id?: string }).msg_id;
        const pending = parentId ? this.pending.get(parentId) : undefined;
        if (!pending) continue;
        pending.iopub.push(message);
        pending.onIopub?.(message);
        if (message.header.msg_type === "status" && (message.content as { execution_state?: string }).execution_state === "idle") {
          pending.idle = true;
          this.settle(pending);
        }
      }
    } catch {
      // closed
    }
  }

  private settle(pending: Pending): void {
    if (!pending.reply || !pending.idle) return;
    this.pending.delete(pending.msgId);
    pending.resolve({ reply: pending.reply, iopub: pending.iopub });
  }
}

/** The outputs of an exchange, as a notebook would store them. */
export function outputsOf(exchange: Exchange): Message[] {
  return exchange.iopub.filter((m) => ["stream", "display_data", "execute_result", "error", "update_display_data"].includes(m.header.msg_type));
}

export function streamText(exchange: Exchange, name: "stdout" | "stderr"): string {
  return exchange.iopub
    .filter((m) => m.header.msg_type === "stream" && (m.content as { name: string }).name === name)
    .map((m) => (m.content as { text: string }).text)
    .join("");
}

/** As the kernelspec runs the kernel: the flags package.json declares. */
export { KERNEL_NODE_FLAGS };

/** The kernel as the kernelspec starts it (install.js KERNEL_MAIN): the bundle `npm run build` makes. */
export function defaultKernelMain(): string {
  // dist/kernel/client/client.js -> dist/bundle/kernel.cjs
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "bundle", "kernel.cjs");
}

/** A connection file on free loopback ports with a fresh key, written as DIR/kernel.json. */
export async function writeConnectionFile(dir: string): Promise<{ file: string; connection: ConnectionInfo }> {
  const ports = await freePorts(5);
  const connection: ConnectionInfo = {
    transport: "tcp",
    ip: "127.0.0.1",
    shell_port: ports[0],
    control_port: ports[1],
    stdin_port: ports[2],
    iopub_port: ports[3],
    hb_port: ports[4],
    key: randomBytes(16).toString("hex"),
    signature_scheme: "hmac-sha256",
    kernel_name: "goperf",
  };
  const file = join(dir, "kernel.json");
  await writeFile(file, JSON.stringify(connection), { mode: 0o600 });
  return { file, connection };
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((ok) => {
      const server = createServer();
      server.listen(0, "127.0.0.1", () => ok(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  return ports;
}

function delay(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms).unref());
}
