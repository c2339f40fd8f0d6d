// The kernel's ZeroMQ sockets: the only kernel module that imports zeromq.
// It binds the five sockets of a connection file, verifies and decodes what arrives,
// and signs and sends what leaves, one send at a time per socket.

// In the kernel as the kernelspec starts it (dist/bundle, bundle/build.mjs) zeromq's JavaScript is
// part of the bundle and its native addon is loaded from the path found at build time.
import * as zmq from "zeromq";
import type { ConnectionInfo, Header, Message } from "./protocol.js";
import { DigestHistory, MAX_FRAME_BYTES, Signer, decode, encode, newHeader, nodeCrypto, signatureOf } from "./wire.js";
import { LARGE_MESSAGE, droppedLarge } from "./memory.js";

export type Channel = "shell" | "control" | "stdin";

export interface Outgoing {
  msgType: string;
  content: unknown;
  parent?: Message;
  metadata?: Record<string, unknown>;
}

export interface TransportOptions {
  connection: ConnectionInfo;
  /** Called for each verified message; never for one whose signature does not verify. */
  onMessage: (channel: Channel, message: Message) => void;
  log: (line: string) => void;
}

/** Serializes sends on one socket: zeromq refuses concurrent sends (EBUSY). */
class SendQueue {
  private tail: Promise<void> = Promise.resolve();
  constructor(private readonly socket: zmq.Writable, private readonly log: (line: string) => void) {}

  send(frames: Buffer[]): Promise<void> {
    const next = this.tail.then(() => this.socket.send(frames)).catch((err: Error) => this.log(`send failed: ${err.message}`));
    this.tail = next;
    return next;
  }
}

export class Transport {
  private sessionId?: string;
  private readonly signer: Signer;
  private readonly sockets: { shell: zmq.Router; control: zmq.Router; stdin: zmq.Router; iopub: zmq.Publisher; hb: zmq.Reply };
  private readonly queues: Record<Channel | "iopub", SendQueue>;
  private closed = false;
  /** Signatures already accepted: a verified message seen twice is a replay, dropped. */
  private readonly digests = new DigestHistory();

  constructor(private readonly options: TransportOptions) {
    this.signer = new Signer(options.connection.key, options.connection.signature_scheme || "hmac-sha256");
    this.sockets = {
      shell: new zmq.Router(),
      control: new zmq.Router(),
      stdin: new zmq.Router(),
      iopub: new zmq.Publisher(),
      hb: new zmq.Reply(),
    };
    for (const socket of Object.values(this.sockets)) {
      socket.linger = 1000;
      // A peer that sends a larger frame is disconnected by zeromq before the kernel buffers it.
      socket.maxMessageSize = MAX_FRAME_BYTES;
    }
    this.queues = {
      shell: new SendQueue(this.sockets.shell, options.log),
      control: new SendQueue(this.sockets.control, options.log),
      stdin: new SendQueue(this.sockets.stdin, options.log),
      iopub: new SendQueue(this.sockets.iopub, options.log),
    };
  }

  async bind(): Promise<void> {
    const c = this.options.connection;
    const address = (port: number) => (c.transport === "ipc" ? `ipc://${c.ip}-${port}` : `tcp://${c.ip}:${port}`);
    await Promise.all([
      this.sockets.shell.bind(address(c.shell_port)),
      this.sockets.control.bind(address(c.control_port)),
      this.sockets.stdin.bind(address(c.stdin_port)),
      this.sockets.iopub.bind(address(c.iopub_port)),
      this.sockets.hb.bind(address(c.hb_port)),
    ]);
    void this.heartbeat();
    for (const channel of ["shell", "control", "stdin"] as const) void this.receive(channel);
    // Clients connect from now on; the first message's signature needs node:crypto meanwhile.
    nodeCrypto();
  }

  /** This kernel's session id, a UUID (made once bound: see wire.ts's nodeCrypto). */
  get session(): string {
    return (this.sessionId ??= nodeCrypto().randomUUID());
  }

  /** Reply on a ROUTER socket, routed back to the request's sender. */
  reply(channel: Channel, out: Outgoing): Promise<void> {
    return this.queues[channel].send(this.frames(out, out.parent?.identities ?? []));
  }

  /** Publish on iopub, with the conventional topic frame. */
  publish(out: Outgoing): Promise<void> {
    return this.queues.iopub.send(this.frames(out, [Buffer.from(`kernel.${this.session}.${out.msgType}`)]));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const socket of Object.values(this.sockets)) socket.close();
  }

  private frames(out: Outgoing, identities: Buffer[]): Buffer[] {
    const header: Header = newHeader(out.msgType, this.session);
    return encode(
      {
        identities,
        header,
        parent_header: out.parent?.header ?? {},
        metadata: out.metadata ?? {},
        content: out.content as Record<string, unknown>,
      },
      this.signer,
    );
  }

  private async receive(channel: Channel): Promise<void> {
    try {
      for await (const frames of this.sockets[channel]) {
        const bytes = frames.reduce((n, f) => n + f.length, 0);
        if (bytes >= LARGE_MESSAGE) droppedLarge(bytes); // counted now, collected after this turn
        const decoded = decode(frames, this.signer);
        if (!decoded.ok) {
          this.options.log(`dropped a message on ${channel}: ${decoded.reason}`);
          continue;
        }
        if (this.signer.enabled && !this.digests.admit(signatureOf(frames))) {
          this.options.log(`dropped a message on ${channel}: duplicate signature (a replayed message)`);
          continue;
        }
        try {
          this.options.onMessage(channel, decoded.message);
        } catch (err) {
          this.options.log(`handler failed on ${channel}: ${(err as Error).stack ?? err}`);
        }
      }
    } catch (err) {
      if (!this.closed) this.options.log(`${channel} socket stopped: ${(err as Error).message}`);
    }
  }

  private async heartbeat(): Promise<void> {
    try {
      for await (const frames of this.sockets.hb) await this.sockets.hb.send(frames);
    } catch (err) {
      if (!this.closed) this.options.log(`heartbeat stopped: ${(err as Error).message}`);
    }
  }
}
