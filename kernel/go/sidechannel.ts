// The display side channel's framing: the bytes a cell program writes to file descriptor 3 ->
// messages. Pure (no I/O): fed chunks as they arrive, it returns what they completed.
//
// A frame is "GPD", a kind byte ('d' display_data, 'u' update_display_data, 'r' execute_result),
// a 4-byte big-endian length and that many bytes of UTF-8 JSON: {"data": {MIME: content},
// "metadata"?: {...}, "display_id"?: "...", "notes"?: ["..."]}. The writers are the goperf/display
// package (kernel/go/display/channel.go) and the shown-value function (compose.ts, SHOW_FUNC).
//
// Caps keep a runaway program from flooding the notebook; each drop says which cap and where it is.

/** A MIME bundle as it arrives (kernel/go imports nothing from the rest of kernel/). */
export type Bundle = Record<string, unknown>;

export type FrameKind = "display" | "update" | "result";

export interface DisplayMessage {
  kind: FrameKind;
  data: Bundle;
  metadata: Record<string, unknown>;
  displayId?: string;
  /** What the Go side noticed while encoding (invalid UTF-8 replaced, ...). */
  notes: string[];
}

export type FrameEvent =
  /** A whole, valid message. */
  | { event: "message"; message: DisplayMessage }
  /** A whole frame that was not shown; `kind` is known from its header. */
  | { event: "dropped"; kind: FrameKind; why: string }
  /** The bytes stopped being frames: nothing after this point is read. */
  | { event: "broken"; why: string };

export const CAPS_FILE = "kernel/go/sidechannel.ts";

/** Per cell run. Changing them here changes them everywhere (the notes quote these names). */
export const DISPLAY_CAPS = {
  /** One frame's JSON (a 12 MB PNG is about 16 MiB as base64). */
  messageBytes: 16 * 1024 * 1024,
  /** All frames' JSON together. */
  totalBytes: 64 * 1024 * 1024,
  /** display_data messages (new outputs). */
  displays: 1000,
  /** update_display_data messages; past this only the last update of each output is shown. */
  updates: 10000,
};
export type DisplayCaps = typeof DISPLAY_CAPS;

export function capNote(name: keyof DisplayCaps, caps: DisplayCaps): string {
  const value = caps[name];
  const shown = name.endsWith("Bytes") ? mib(value) : String(value);
  return `the cap is DISPLAY_CAPS.${name} = ${shown} in ${CAPS_FILE}`;
}

const KINDS: Record<number, FrameKind> = { 0x64: "display", 0x75: "update", 0x72: "result" };
const HEADER = 8;
const MAGIC = Buffer.from("GPD");

export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of an oversized frame still to skip, and its kind. */
  private skipping = 0;
  private skipKind: FrameKind = "display";
  private totalBytes = 0;
  private offset = 0;
  private broken = false;

  constructor(private readonly caps: DisplayCaps = DISPLAY_CAPS) {}

  get isBroken(): boolean {
    return this.broken;
  }

  push(chunk: Buffer): FrameEvent[] {
    if (this.broken) return [];
    const events: FrameEvent[] = [];
    let buf = chunk;
    while (buf.length > 0) {
      if (this.skipping > 0) {
        const n = Math.min(this.skipping, buf.length);
        this.skipping -= n;
        this.offset += n;
        buf = buf.subarray(n);
        continue;
      }
      this.pending.push(buf);
      this.pendingBytes += buf.length;
      buf = Buffer.alloc(0);
      const event = this.next();
      if (event) {
        events.push(event);
        if (event.event === "broken") return events;
        // What followed the frame goes round again.
        buf = this.take(this.pendingBytes);
      }
    }
    return events;
  }

  /** The channel closed: a frame cut short is reported. */
  end(): FrameEvent[] {
    if (this.broken) return [];
    if (this.skipping > 0) return [{ event: "dropped", kind: this.skipKind, why: "it was over the size cap, and the program ended while it was being sent" }];
    if (this.pendingBytes === 0) return [];
    const head = this.take(this.pendingBytes);
    if (head.length >= 4 && head.subarray(0, 3).equals(MAGIC) && KINDS[head[3]]) {
      const want = head.length >= HEADER ? head.readUInt32BE(4) : undefined;
      return [
        {
          event: "dropped",
          kind: KINDS[head[3]],
          why: `the program ended while it was being sent (${head.length - Math.min(head.length, HEADER)} of ${want ?? "?"} bytes arrived; a goroutine still running when main returns is stopped mid-display)`,
        },
      ];
    }
    return [this.breakWith(head)];
  }

  /** One frame from the pending bytes, or null when more bytes are needed. */
  private next(): FrameEvent | null {
    if (this.pendingBytes < HEADER) {
      const head = Buffer.concat(this.pending);
      this.pending = [head];
      // Garbage is told as early as its first bytes show it.
      if (!MAGIC.subarray(0, Math.min(3, head.length)).equals(head.subarray(0, Math.min(3, head.length)))) return this.breakWith(head);
      if (head.length >= 4 && !KINDS[head[3]]) return this.breakWith(head);
      return null;
    }
    const head = this.peek(HEADER);
    if (!head.subarray(0, 3).equals(MAGIC) || !KINDS[head[3]]) return this.breakWith(this.take(this.pendingBytes));
    const kind = KINDS[head[3]];
    const length = head.readUInt32BE(4);
    if (length > this.caps.messageBytes) {
      this.take(HEADER);
      this.offset += HEADER;
      const have = Math.min(length, this.pendingBytes);
      this.take(have);
      this.offset += have;
      this.skipping = length - have;
      this.skipKind = kind;
      return { event: "dropped", kind, why: `it was ${mib(length)} (${capNote("messageBytes", this.caps)})` };
    }
    if (this.pendingBytes < HEADER + length) return null;
    this.take(HEADER);
    const body = this.take(length);
    this.offset += HEADER + length;
    if (this.totalBytes + length > this.caps.totalBytes) {
      return { event: "dropped", kind, why: `the cell's displays passed ${mib(this.caps.totalBytes)} in all (${capNote("totalBytes", this.caps)})` };
    }
    this.totalBytes += length;
    return parseMessage(kind, body);
  }

  private breakWith(bytes: Buffer): FrameEvent {
    this.broken = true;
    this.pending = [];
    this.pendingBytes = 0;
    const shown = JSON.stringify(bytes.subarray(0, 16).toString("latin1") + (bytes.length > 16 ? "…" : ""));
    return {
      event: "broken",
      why: `byte ${this.offset} of the channel (fd 3) is not a goperf display frame: ${shown} (a frame starts with "GPD")`,
    };
  }

  private peek(n: number): Buffer {
    if (this.pending[0].length < n) this.pending = [Buffer.concat(this.pending)];
    return this.pending[0].subarray(0, n);
  }

  private take(n: number): Buffer {
    const all = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.pending = rest.length ? [rest] : [];
    this.pendingBytes = rest.length;
    return out;
  }
}

import { isUtf8 } from "node:buffer";

/** Validates one frame's JSON at the boundary: whatever a program wrote, the kernel sends only this shape. */
export function parseMessage(kind: FrameKind, body: Buffer): FrameEvent {
  // (isUtf8 then toString: a fatal TextDecoder costs several times more per small frame.)
  if (!isUtf8(body)) {
    return { event: "dropped", kind, why: "its bytes are not valid UTF-8 (the goperf/display functions replace bad bytes; this frame was written by other code)" };
  }
  const text = body.toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { event: "dropped", kind, why: `it is not JSON (${(err as Error).message})` };
  }
  if (!isObject(value) || !isObject(value.data)) return { event: "dropped", kind, why: 'it has no "data" object' };
  const data: Bundle = {};
  for (const [mime, content] of Object.entries(value.data)) {
    if (!/^[\w.+-]+\/[\w.+-]+$/.test(mime)) return { event: "dropped", kind, why: `${JSON.stringify(mime.slice(0, 60))} is not a MIME type` };
    const jsonType = mime === "application/json" || mime.endsWith("+json");
    if (typeof content === "string" && jsonType) {
      // The shown-value function sends a JSON type's content as text (it links no JSON encoder).
      try {
        data[mime] = JSON.parse(content);
      } catch {
        return { event: "dropped", kind, why: `its ${mime} content is not JSON` };
      }
    } else if (typeof content === "string" || (jsonType && content !== undefined)) data[mime] = content;
    else return { event: "dropped", kind, why: `its ${mime} content is not a string` };
  }
  if (Object.keys(data).length === 0) return { event: "dropped", kind, why: "its bundle is empty" };
  const displayId = typeof value.display_id === "string" && value.display_id !== "" ? value.display_id : undefined;
  if (kind === "update" && !displayId) return { event: "dropped", kind, why: "an update needs a display_id" };
  const metadata = isObject(value.metadata) ? value.metadata : {};
  const notes = Array.isArray(value.notes) ? value.notes.filter((n): n is string => typeof n === "string").map((n) => n.slice(0, 500)) : [];
  return { event: "message", message: { kind, data, metadata, displayId, notes } };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function mib(bytes: number): string {
  if (bytes < 1024 * 1024) return `${bytes} bytes`;
  const m = bytes / (1024 * 1024);
  return `${Number.isInteger(m) ? m : m.toFixed(1)} MiB`;
}

/** Encodes one frame as the Go side does (tests, and the kernel's own fixtures). */
export function encodeFrame(kind: FrameKind, message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message));
  const head = Buffer.alloc(HEADER);
  MAGIC.copy(head);
  head[3] = { display: 0x64, update: 0x75, result: 0x72 }[kind];
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}
