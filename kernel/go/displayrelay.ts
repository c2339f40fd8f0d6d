// Puts a cell program's displays in order with its prints. Pure: fed what the three pipes deliver,
// it calls its outputs in the order the program made them.
//
// stdout, stderr and the display channel (fd 3) are three pipes, read separately: bytes on one
// have no order against bytes on another. So the goperf/display package writes a marker holding
// the display's sequence number to stdout and to stderr before it writes the frame (channel.go),
// and the relay shows display N only when both streams have reached marker N and frame N has
// arrived: everything printed before the display call is out before it, everything after waits.
// The markers carry a token the kernel chose for the run, so no print of the program is taken
// for one. Frames arrive in sequence order (the package writes marker and frame under one lock).

import { DISPLAY_CAPS, FrameDecoder, capNote, type Bundle, type DisplayCaps, type DisplayMessage, type FrameEvent, type FrameKind } from "./sidechannel.js";

export interface RelayOutputs {
  stdout(text: string): void;
  stderr(text: string): void;
  display(data: Bundle, metadata: Record<string, unknown>, displayId?: string): void;
  update(displayId: string, data: Bundle, metadata: Record<string, unknown>): void;
  /** A line for the reader about the display channel (a cap, a drop, a break). */
  note(text: string): void;
}

/** The environment variable that hands the program the run's token (display/channel.go). */
export const DISPLAY_ENV = "GOPERF_DISPLAY";

/** Text a stream may hold back while it waits for a display's frame; past it the wait gives up. */
export const MAX_HELD = 4 * 1024 * 1024;

type Segment = { text: string } | { mark: number } | { failed: string };

/** Finds the markers in one stream's text; a marker split across chunks is held until whole. */
export class MarkerScanner {
  private readonly prefix: string;
  private tail = "";

  constructor(token: string) {
    this.prefix = `\x1bGPD${token}:`;
  }

  push(chunk: string): Segment[] {
    let text = this.tail + chunk;
    this.tail = "";
    const out: Segment[] = [];
    for (;;) {
      const at = text.indexOf(this.prefix);
      if (at < 0) break;
      const end = text.indexOf(";", at + this.prefix.length);
      if (end < 0) {
        if (text.length - at > this.prefix.length + 300) break; // too long for a marker: text
        if (at > 0) out.push({ text: text.slice(0, at) });
        this.tail = text.slice(at);
        return out;
      }
      if (at > 0) out.push({ text: text.slice(0, at) });
      const what = text.slice(at + this.prefix.length, end);
      if (/^\d{1,15}$/.test(what)) out.push({ mark: Number(what) });
      else if (what.startsWith("!")) out.push({ failed: what.slice(1) });
      else out.push({ text: text.slice(at, end + 1) });
      text = text.slice(end + 1);
    }
    // The end may be the start of a marker.
    let keep = 0;
    for (let n = Math.min(this.prefix.length - 1, text.length); n > 0; n--) {
      if (text.endsWith(this.prefix.slice(0, n))) {
        keep = n;
        break;
      }
    }
    if (text.length > keep) out.push({ text: text.slice(0, text.length - keep) });
    this.tail = text.slice(text.length - keep);
    return out;
  }

  flush(): Segment[] {
    const rest = this.tail;
    this.tail = "";
    return rest ? [{ text: rest }] : [];
  }
}

/** A FIFO that takes from the front in O(1) (Array.shift is O(n): 100,000 queued markers made it quadratic). */
class Queue<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  at(i: number): T | undefined {
    return this.items[this.head + i];
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  drain(): T[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return rest;
  }
}

interface Stream {
  scanner: MarkerScanner;
  queue: Queue<Segment>;
  held: number;
  emit: (text: string) => void;
}

/** What frame N turned out to be. */
type Arrival = { message: DisplayMessage } | { dropped: string };

export class DisplayRelay {
  private readonly streams: Stream[];
  private readonly decoder: FrameDecoder;
  /** Display and update frames by sequence number (the n-th frame is number n), as they arrive. */
  private readonly arrived = new Map<number, Arrival>();
  private received = 0;
  /** Sequence numbers given up on while the program ran: their frames, should they come, are ignored. */
  private readonly givenUp = new Set<number>();
  private nextSeq = 1;
  private finished = false;
  private displays = 0;
  private updates = 0;
  private readonly capped = new Set<string>();
  /** Updates past the cap: the last of each output, shown at the end. */
  private readonly lateUpdates = new Map<string, DisplayMessage>();
  private resultMessage: DisplayMessage | null = null;
  /** Sequence numbers given up on (their frame never came); told once, at the end. */
  private readonly missing: number[] = [];

  constructor(
    token: string,
    private readonly out: RelayOutputs,
    private readonly caps: DisplayCaps = DISPLAY_CAPS,
  ) {
    this.decoder = new FrameDecoder(caps);
    this.streams = [out.stdout, out.stderr].map((emit) => ({ scanner: new MarkerScanner(token), queue: new Queue<Segment>(), held: 0, emit }));
  }

  stdout(chunk: string): void {
    this.feed(this.streams[0], chunk);
  }

  stderr(chunk: string): void {
    this.feed(this.streams[1], chunk);
  }

  fd3(chunk: Buffer): void {
    this.frames(this.decoder.push(chunk));
  }

  /**
   * The program has ended and its pipes are drained: everything still held comes out, in order.
   * Returns the execute_result's bundle, if the program sent one.
   */
  finish(): Bundle | null {
    this.frames(this.decoder.end());
    for (const s of this.streams) for (const seg of s.scanner.flush()) s.queue.push(seg);
    this.finished = true;
    this.pump();
    if (this.missing.length > 0) {
      const which = this.missing.length === 1 ? `display ${this.missing[0]} was` : `${this.missing.length} displays (from ${this.missing[0]}) were`;
      this.out.note(
        `${which} dropped: the program ended before sending ${this.missing.length === 1 ? "it" : "them"} (a goroutine still running when main returned is stopped mid-display)`,
      );
    }
    for (const [id, m] of this.lateUpdates) this.out.update(id, m.data, m.metadata);
    if (this.lateUpdates.size > 0) this.out.note(`the last update of ${this.lateUpdates.size === 1 ? "the output" : `each of ${this.lateUpdates.size} outputs`} is shown`);
    return this.resultMessage?.data ?? null;
  }

  private feed(stream: Stream, chunk: string): void {
    for (const seg of stream.scanner.push(chunk)) {
      stream.queue.push(seg);
      if ("text" in seg) stream.held += seg.text.length;
    }
    this.pump();
    // A frame that never comes must not hold a stream forever (the channel closed under the program).
    while (this.streams.some((s) => s.held > MAX_HELD) && !this.arrived.has(this.nextSeq)) {
      this.missing.push(this.nextSeq);
      this.givenUp.add(this.nextSeq);
      this.arrived.set(this.nextSeq, { dropped: "" });
      this.pump();
    }
  }

  private frames(events: FrameEvent[]): void {
    for (const e of events) {
      if (e.event === "broken") {
        this.out.note(`the display channel broke: ${e.why}; the displays after it were dropped, the program's output was not`);
        continue;
      }
      const kind: FrameKind = e.event === "message" ? e.message.kind : e.kind;
      const arrival: Arrival = e.event === "message" ? { message: e.message } : { dropped: `a ${kindName(kind)} was dropped: ${e.why}` };
      if (kind === "result") {
        if ("message" in arrival) this.resultMessage = arrival.message;
        else this.out.note(arrival.dropped.replace(`a ${kindName(kind)}`, "the cell's value"));
        continue;
      }
      const seq = ++this.received;
      if (!this.givenUp.has(seq)) this.arrived.set(seq, arrival);
    }
    this.pump();
  }

  /** Emits everything that may go out now. */
  private pump(): void {
    for (;;) {
      for (const s of this.streams) this.drainText(s);
      const seq = this.nextSeq;
      const arrival = this.arrived.get(seq);
      const atMark = (s: Stream) => {
        const head = s.queue.at(0);
        return head !== undefined && "mark" in head && head.mark === seq;
      };
      if (!this.streams.every((s) => this.finished || atMark(s))) return;
      // A frame that cannot come any more: the channel broke, or the program ended without it.
      // (channel.go writes "!" and why right after the marker of a frame it failed to write.)
      const next = this.streams[0].queue.at(1);
      const failed = atMark(this.streams[0]) && next !== undefined && "failed" in next;
      const lost = arrival === undefined && this.streams.some(atMark) && (this.decoder.isBroken || this.finished || failed);
      if (arrival === undefined && !lost) {
        // At the end, nothing more will come: text flows, and markers without frames are noted.
        if (this.finished) for (const s of this.streams) this.dropMarks(s);
        return;
      }
      for (const s of this.streams) if (atMark(s)) s.queue.shift();
      this.arrived.delete(seq);
      this.nextSeq++;
      if (lost) {
        // After a break, the break was told; at the end, the program's end cut it off.
        if (!this.decoder.isBroken && !failed) this.missing.push(seq);
        continue;
      }
      if (arrival && "dropped" in arrival) {
        if (arrival.dropped) this.out.note(arrival.dropped);
        continue;
      }
      this.show((arrival as { message: DisplayMessage }).message);
    }
  }

  private drainText(s: Stream): void {
    while (s.queue.length > 0) {
      const head = s.queue.at(0)!;
      if ("text" in head) {
        s.queue.shift();
        s.held -= head.text.length;
        s.emit(head.text);
      } else if ("failed" in head) {
        s.queue.shift();
        this.out.note(`the display channel broke: the program's write to fd 3 failed (${head.failed.trim()}); its later displays were dropped, its output was not`);
      } else if (head.mark < this.nextSeq) {
        s.queue.shift(); // a repeated or stale marker
      } else return;
    }
  }

  /** At the end: the marks still queued belong to frames that never came. */
  private dropMarks(s: Stream): void {
    for (const seg of s.queue.drain()) {
      if ("text" in seg) s.emit(seg.text);
      else if ("failed" in seg) this.out.note(`the display channel broke: the program's write to fd 3 failed (${seg.failed.trim()})`);
      else if (seg.mark >= this.nextSeq && !this.missing.includes(seg.mark) && !this.decoder.isBroken) this.missing.push(seg.mark);
    }
    s.held = 0;
  }

  private show(m: DisplayMessage): void {
    for (const note of m.notes) this.out.note(note);
    if (m.kind === "display") {
      if (++this.displays > this.caps.displays) return this.capOnce("displays", `displays past the first ${this.caps.displays} were dropped`);
      this.out.display(m.data, m.metadata, m.displayId);
      return;
    }
    if (++this.updates > this.caps.updates) {
      this.lateUpdates.set(m.displayId!, m);
      return this.capOnce("updates", `updates past the first ${this.caps.updates} were held back`);
    }
    this.out.update(m.displayId!, m.data, m.metadata);
  }

  private capOnce(name: keyof DisplayCaps, text: string): void {
    if (this.capped.has(name)) return;
    this.capped.add(name);
    this.out.note(`${text} (${capNote(name, this.caps)})`);
  }
}

function kindName(kind: FrameKind): string {
  return kind === "display" ? "display" : kind === "update" ? "display update" : "cell value";
}
