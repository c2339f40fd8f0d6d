// The pure wire layer: multipart frames <-> messages, HMAC signing and verification.
// No sockets here; transport.ts and the client feed it frames.

import { createRequire } from "node:module";
import type { Header, Message } from "./protocol.js";
import { PROTOCOL_VERSION } from "./protocol.js";

export const DELIMITER = "<IDS|MSG>";
const DELIMITER_BYTES = Buffer.from(DELIMITER);

/** Frames larger than this are refused before any JSON parsing (a frame is at most a cell's code). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

let crypto: typeof import("node:crypto") | undefined;

/**
 * node:crypto, loaded at its first use rather than at start: a kernel binds its sockets first, and
 * a client's connection proceeds (in zeromq's own thread) while this loads.
 */
export function nodeCrypto(): typeof import("node:crypto") {
  return (crypto ??= createRequire(import.meta.url)("node:crypto") as typeof import("node:crypto"));
}

export class Signer {
  private readonly key: Buffer;
  private readonly algorithm: string;

  constructor(key: string, scheme = "hmac-sha256") {
    this.key = Buffer.from(key, "utf8");
    const match = /^hmac-(sha\d+)$/.exec(scheme);
    if (!match) throw new Error(`unsupported signature scheme: ${scheme}`);
    this.algorithm = match[1];
  }

  get enabled(): boolean {
    return this.key.length > 0;
  }

  sign(frames: Buffer[]): string {
    if (!this.enabled) return "";
    const hmac = nodeCrypto().createHmac(this.algorithm, this.key);
    for (const frame of frames) hmac.update(frame);
    return hmac.digest("hex");
  }

  /** Constant-time comparison of a received signature with the expected one. */
  verify(signature: Buffer, frames: Buffer[]): boolean {
    if (!this.enabled) return true;
    const expected = Buffer.from(this.sign(frames), "ascii");
    return signature.length === expected.length && nodeCrypto().timingSafeEqual(signature, expected);
  }
}

/**
 * The signatures of verified messages seen lately, as jupyter_client's Session keeps them: a
 * message whose signature was already accepted is a replay and is refused. Bounded: past `max`
 * entries the oldest tenth is forgotten.
 */
export class DigestHistory {
  private readonly seen = new Set<string>();
  constructor(private readonly max = 1 << 16) {}

  /** True the first time a signature is offered; false for a replay. Empty signatures are not tracked. */
  admit(signature: Buffer): boolean {
    if (signature.length === 0) return true;
    const key = signature.toString("latin1");
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.seen.size > this.max) {
      let drop = Math.ceil(this.max / 10);
      for (const old of this.seen) {
        if (drop-- <= 0) break;
        this.seen.delete(old);
      }
    }
    return true;
  }
}

/** The signature frame of a frame set (empty when there is none). */
export function signatureOf(frames: Buffer[]): Buffer {
  const at = frames.findIndex((f) => f.equals(DELIMITER_BYTES));
  return at >= 0 && at + 1 < frames.length ? frames[at + 1] : Buffer.alloc(0);
}

export type DecodeResult =
  | { ok: true; message: Message }
  | { ok: false; reason: string };

/** Frames -> message. Never throws: a bad frame set is a reason, logged and dropped by the caller. */
export function decode(frames: Buffer[], signer: Signer): DecodeResult {
  const at = frames.findIndex((f) => f.equals(DELIMITER_BYTES));
  if (at < 0) return { ok: false, reason: "no <IDS|MSG> delimiter" };
  if (frames.length < at + 6) return { ok: false, reason: "truncated message: fewer than 5 frames after the delimiter" };
  const [signature, header, parent, metadata, content] = frames.slice(at + 1, at + 6);
  if ([header, parent, metadata, content].some((f) => f.length > MAX_FRAME_BYTES)) {
    return { ok: false, reason: "oversize frame" };
  }
  if (!signer.verify(signature, [header, parent, metadata, content])) {
    return { ok: false, reason: "signature does not verify" };
  }
  let parsed: unknown[];
  try {
    parsed = [header, parent, metadata, content].map((f) => JSON.parse(f.toString("utf8")));
  } catch (err) {
    return { ok: false, reason: `bad JSON: ${(err as Error).message}` };
  }
  const [h, p, m, c] = parsed;
  if (!isObject(h) || typeof h.msg_type !== "string" || typeof h.msg_id !== "string") {
    return { ok: false, reason: "header lacks msg_type or msg_id" };
  }
  if (!isObject(p) || !isObject(m) || !isObject(c)) return { ok: false, reason: "parent_header, metadata and content must be objects" };
  return {
    ok: true,
    message: {
      identities: frames.slice(0, at),
      header: h as unknown as Header,
      parent_header: p as Message["parent_header"],
      metadata: m,
      content: c,
      buffers: frames.slice(at + 6),
    },
  };
}

/** Message -> frames, signed. */
export function encode(message: Omit<Message, "buffers"> & { buffers?: Buffer[] }, signer: Signer): Buffer[] {
  const body = [message.header, message.parent_header, message.metadata, message.content].map((part) =>
    Buffer.from(JSON.stringify(part), "utf8"),
  );
  return [...message.identities, DELIMITER_BYTES, Buffer.from(signer.sign(body), "ascii"), ...body, ...(message.buffers ?? [])];
}

export function newHeader(msgType: string, session: string, username = "kernel"): Header {
  return {
    msg_id: nodeCrypto().randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
