// Reliability 1: the wire and its security. Ten thousand generated bad messages over the three
// ROUTER sockets, with real requests and heartbeats interleaved; replays; a frame over the size cap;
// where the kernel listens; the signature check itself.
import { expect } from "chai";
import * as zmq from "zeromq";
import { createHmac, randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { streamText } from "../../kernel/client/client.js";
import type { Message } from "../../kernel/protocol.js";
import { DELIMITER, DigestHistory, Signer, decode, encode, newHeader } from "../../kernel/wire.js";
import { ROOT } from "../helpers/paths.js";
import { Section, alive as isAlive, descendants, launchKernel, listeners, ms, percentile, privateTmp, removeTree, sleep, vmRssKiB, waitFor, within, type Kernel } from "./helpers.js";

const section = new Section("wire", "1. Wire and security");
const TOTAL = 10_000;
const MiB = 1024 * 1024;

/** mulberry32: a small seeded generator, so a failing run can be repeated. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Category =
  | "random bytes"
  | "truncated multipart"
  | "missing delimiter"
  | "bad JSON (validly signed)"
  | "wrong signature, right length"
  | "wrong signature, wrong length"
  | "missing signature"
  | "signed with another key"
  | "replayed signature, different body"
  | "exact replay of a valid message"
  | "oversize frame (4 MiB)"
  | "validly signed, odd content";

const COUNTS: [Category, number][] = [
  ["random bytes", 2500],
  ["truncated multipart", 1000],
  ["missing delimiter", 1000],
  ["bad JSON (validly signed)", 1000],
  ["wrong signature, right length", 1000],
  ["wrong signature, wrong length", 500],
  ["missing signature", 500],
  ["signed with another key", 500],
  ["replayed signature, different body", 1000],
  ["exact replay of a valid message", 500],
  ["oversize frame (4 MiB)", 20],
  ["validly signed, odd content", 480],
];

const CHANNELS = ["shell", "control", "stdin"] as const;
type RawChannel = (typeof CHANNELS)[number];

class RawPeer {
  readonly sockets: Record<RawChannel, zmq.Dealer>;
  readonly received: { channel: RawChannel; frames: Buffer[] }[] = [];
  constructor(k: Kernel) {
    const c = k.client.connection;
    const port = { shell: c.shell_port, control: c.control_port, stdin: c.stdin_port };
    this.sockets = {} as Record<RawChannel, zmq.Dealer>;
    for (const ch of CHANNELS) {
      const s = new zmq.Dealer({ linger: 0, sendHighWaterMark: 100_000 });
      s.connect(`tcp://127.0.0.1:${port[ch]}`);
      this.sockets[ch] = s;
      void (async () => {
        try {
          for await (const frames of s) this.received.push({ channel: ch, frames });
        } catch {
          // closed
        }
      })();
    }
  }
  send(ch: RawChannel, frames: Buffer[]): Promise<void> {
    return this.sockets[ch].send(frames);
  }
  close(): void {
    for (const s of Object.values(this.sockets)) s.close();
  }
}

describe("reliability 1: wire and security", function () {
  this.timeout(600_000);
  let k: Kernel;
  let markers: string;

  before(async () => {
    k = await launchKernel("wire");
    markers = privateTmp("wire-markers");
  });
  after(async () => {
    section.save();
    await k?.close();
    removeTree(markers);
    removeTree(k.tmp);
  });

  it("binds only to the connection file's address, and only the five ports", () => {
    const pids = [k.pid, ...descendants(k.pid).map((p) => p.pid)];
    const found = listeners(pids);
    const c = k.client.connection;
    const ports = [c.shell_port, c.control_port, c.stdin_port, c.iopub_port, c.hb_port].sort();
    expect(found.map((l) => l.address)).to.satisfy((a: string[]) => a.every((x) => x === "127.0.0.1"));
    expect(found.map((l) => l.port).sort()).to.deep.equal(ports);
    expect(found.every((l) => l.pid === k.pid)).to.equal(true);
    section.add(
      "listening sockets (kernel and its children, /proc/net/tcp{,6})",
      `${found.length}: ${[...new Set(found.map((l) => l.address))].join(", ")} on the 5 connection-file ports; none in child processes`,
      true,
    );
  });

  it("refuses wrong signatures of the right and of the wrong length (verify uses crypto.timingSafeEqual)", () => {
    const key = "0123456789abcdef";
    const signer = new Signer(key);
    const body = [Buffer.from("{}"), Buffer.from("{}"), Buffer.from("{}"), Buffer.from("{}")];
    const good = Buffer.from(signer.sign(body), "ascii");
    expect(signer.verify(good, body)).to.equal(true);
    const flipped = Buffer.from(good);
    flipped[10] = flipped[10] === 0x61 ? 0x62 : 0x61;
    const cases: [string, Buffer][] = [
      ["one hex digit changed", flipped],
      ["random, right length", Buffer.from(randomBytes(32).toString("hex"))],
      ["upper-case hex of the right digest", Buffer.from(good.toString().toUpperCase())],
      ["truncated by one", good.subarray(0, good.length - 1)],
      ["one byte longer", Buffer.concat([good, Buffer.from("0")])],
      ["empty", Buffer.alloc(0)],
      ["binary digest instead of hex", createHmac("sha256", key).update(Buffer.concat(body)).digest()],
    ];
    for (const [name, sig] of cases) expect(signer.verify(sig, body), name).to.equal(false);
    // The comparison is crypto.timingSafeEqual's (a length check first: it throws on unequal lengths).
    const source = readFileSync(join(ROOT, "kernel", "wire.ts"), "utf8");
    const verifyBody = /verify\(signature: Buffer[^]*?\n  }\n/.exec(source)?.[0] ?? "";
    expect(verifyBody).to.match(/timingSafeEqual\(signature, expected\)/);
    expect(verifyBody).to.not.match(/===\s*expected\s*[;)&|]|\.equals\(|\.compare\(/);
    const history = new DigestHistory(10);
    expect(history.admit(good)).to.equal(true);
    expect(history.admit(good)).to.equal(false);
    for (let i = 0; i < 30; i++) history.admit(Buffer.from(String(i)));
    expect(history.admit(Buffer.from("29"))).to.equal(false);
    section.add("Signer.verify: wrong signatures refused", `${cases.length}/${cases.length} refused (right length, wrong length, empty, upper case, binary); compare is crypto.timingSafeEqual`, true);
  });

  it("survives 10,000 bad messages on shell, control and stdin, acts on none, and keeps answering", async () => {
    const key = k.client.connection.key;
    const signer = new Signer(key);
    const other = new Signer("not-the-key-" + randomBytes(8).toString("hex"));
    const random = rng(20261128);
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
    const hex = (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[Math.floor(random() * 16)]).join("");
    const peer = new RawPeer(k);
    const forgedCode = (i: number) => `os.WriteFile(${JSON.stringify(join(markers, `forged-${i}`))}, nil, 0o600)`;
    const forgedContent = (i: number) => ({ code: forgedCode(i), silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false });
    const frames = (msgType: string, content: unknown, s: Signer = signer, extra: Partial<Message> = {}) =>
      encode({ identities: [], header: newHeader(msgType, "fuzz", "fuzz"), parent_header: {}, metadata: {}, content: content as Record<string, unknown>, ...extra }, s);
    const forged = (i: number, s: Signer = signer) => frames("execute_request", forgedContent(i), s);
    const rssBefore = vmRssKiB(k.pid);

    // Valid originals: sent once each (they are real requests and get one reply each), then replayed.
    const originals: Buffer[][] = [];
    const originalIds = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const f = frames("kernel_info_request", {});
      originals.push(f);
      originalIds.add(JSON.parse(f[2].toString()).msg_id);
      await peer.send(i % 2 ? "control" : "shell", f);
    }
    const originalReplies = () =>
      peer.received.filter((r) => {
        const d = decode(r.frames, signer);
        return d.ok && originalIds.has(String((d.message.parent_header as { msg_id?: string }).msg_id));
      }).length;
    expect(await waitFor(() => originalReplies() >= 100, 30_000, 20), "the 100 valid originals are answered").to.not.equal(null);

    const odd: (() => Buffer[])[] = [
      () => frames("complete_request", { code: "fmt.Pri", cursor_pos: 1e12 }),
      () => frames("complete_request", { code: 5, cursor_pos: "x" }),
      () => frames("complete_request", { code: "x", cursor_pos: -1e9 }),
      () => frames("is_complete_request", { code: { nested: [1, 2] } }),
      () => frames("inspect_request", { code: null, cursor_pos: -1, detail_level: 9 }),
      () => frames("history_request", { hist_access_type: "tail", n: -1 }),
      () => frames("history_request", { hist_access_type: "range", start: "a", stop: null }),
      () => frames("history_request", { hist_access_type: "search", pattern: "[(*?", n: 1e9 }),
      () => frames("comm_info_request", { target_name: 5 }),
      () => frames("kernel_info_request", [1, 2, 3]),
      () => frames("kernel_info_request", {}, signer, { metadata: { cellId: { x: 1 } } }),
      () => frames("constructor", {}),
      () => frames("__proto__", {}),
      () => frames("toString", {}),
      () => frames("execute_reply", { status: "ok" }),
      () => frames("", {}),
      () => frames("input_reply", { value: "x" }),
      () => {
        const f = frames("kernel_info_request", {});
        const h = JSON.parse(f[2].toString());
        h.msg_id = 5;
        f[2] = Buffer.from(JSON.stringify(h));
        f[1] = Buffer.from(signer.sign(f.slice(2, 6)));
        return f;
      },
      () => {
        const f = frames("kernel_info_request", {});
        f[3] = Buffer.from("[]");
        f[1] = Buffer.from(signer.sign(f.slice(2, 6)));
        return f;
      },
      () => {
        const f = frames("kernel_info_request", {});
        f[2] = Buffer.from(JSON.stringify([{ msg_type: "execute_request" }]));
        f[1] = Buffer.from(signer.sign(f.slice(2, 6)));
        return f;
      },
    ];
    const badJson = [
      () => "{",
      () => "{\"msg_id\": }",
      () => "\u0000\u0001",
      () => "[".repeat(100_000),
      () => "1e999999",
      () => "\"unterminated",
      () => bytes(64).toString("latin1"),
      () => "null",
    ];

    const plan: Category[] = COUNTS.flatMap(([c, n]) => Array.from({ length: n }, () => c));
    for (let i = plan.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [plan[i], plan[j]] = [plan[j], plan[i]];
    }
    expect(plan.length).to.equal(TOTAL);

    const make = (c: Category, i: number): Buffer[] => {
      switch (c) {
        case "random bytes":
          return Array.from({ length: 1 + Math.floor(random() * 4) }, () => bytes(Math.floor(random() * 2048)));
        case "truncated multipart":
          return forged(i).slice(0, 1 + Math.floor(random() * 5));
        case "missing delimiter": {
          const f = forged(i);
          const how = Math.floor(random() * 3);
          if (how === 0) return f.slice(1);
          f[0] = Buffer.from(how === 1 ? "<IDS|MSG" : "<ids|msg>");
          return f;
        }
        case "bad JSON (validly signed)": {
          const f = forged(i);
          const slot = 2 + Math.floor(random() * 4);
          f[slot] = Buffer.from(badJson[Math.floor(random() * badJson.length)](), "latin1");
          f[1] = Buffer.from(signer.sign(f.slice(2, 6)));
          return f;
        }
        case "wrong signature, right length": {
          const f = forged(i);
          f[1] = Buffer.from(hex(64));
          return f;
        }
        case "wrong signature, wrong length": {
          const f = forged(i);
          let n = Math.floor(random() * 129);
          if (n === 64) n = 63;
          f[1] = Buffer.from(hex(n));
          return f;
        }
        case "missing signature": {
          const f = forged(i);
          f[1] = Buffer.alloc(0);
          return f;
        }
        case "signed with another key":
          return forged(i, other);
        case "replayed signature, different body": {
          const base = originals[Math.floor(random() * originals.length)];
          const f = [...base];
          const h = JSON.parse(base[2].toString());
          if (random() < 0.5) f[2] = Buffer.from(JSON.stringify({ ...h, msg_type: "execute_request" }));
          f[5] = Buffer.from(JSON.stringify(forgedContent(i)));
          return f;
        }
        case "exact replay of a valid message":
          return [...originals[Math.floor(random() * originals.length)]];
        case "oversize frame (4 MiB)": {
          const f = forged(i);
          f[5] = Buffer.concat([Buffer.from('{"code":"'), Buffer.alloc(4 * MiB, 0x61), Buffer.from('"}')]);
          if (random() < 0.5) {
            f[4] = Buffer.alloc(4 * MiB, 0x7b); // not JSON, but validly signed: HMAC and JSON.parse both run on 4 MiB
            f[1] = Buffer.from(signer.sign(f.slice(2, 6)));
          }
          return f;
        }
        case "validly signed, odd content":
          return odd[i % odd.length]();
      }
    };

    const hb = { sent: 0, answered: 0 };
    const info = { sent: 0, answered: 0, latencies: [] as number[] };
    const exec = { sent: 0, answered: 0 };
    const started = Date.now();
    for (let i = 0; i < TOTAL; i++) {
      await peer.send(CHANNELS[i % 3], make(plan[i], i));
      if (i % 100 === 99) {
        hb.sent++;
        if (await k.client.heartbeat()) hb.answered++;
        info.sent++;
        const t0 = Date.now();
        const x = await within(k.client.request(i % 200 === 99 ? "shell" : "control", "kernel_info_request", {}), 30_000, "kernel_info during the fuzz").catch(() => null);
        if (x && (x.reply.content as { status?: string }).status === "ok") {
          info.answered++;
          info.latencies.push(Date.now() - t0);
        }
      }
      if (i % 1000 === 999) {
        exec.sent++;
        const x = await within(k.client.execute(`fmt.Println("genuine", ${i})`), 60_000, "execute during the fuzz").catch(() => null);
        if (x && streamText(x, "stdout") === `genuine ${i}\n`) exec.answered++;
      }
    }
    const duration = Date.now() - started;
    await sleep(2000); // stragglers

    // Nothing acted on: no marker, no reply or iopub message for a forged request, one reply per original.
    const markersFound = readdirSync(markers);
    const forgedReplies = peer.received.filter((r) => {
      const d = decode(r.frames, signer);
      if (!d.ok) return false;
      return d.message.header.msg_type === "execute_reply" || JSON.stringify(d.message.content).includes("forged-");
    });
    const repliesPerOriginal = new Map<string, number>();
    for (const r of peer.received) {
      const d = decode(r.frames, signer);
      const id = d.ok ? String((d.message.parent_header as { msg_id?: string }).msg_id) : "";
      if (originalIds.has(id)) repliesPerOriginal.set(id, (repliesPerOriginal.get(id) ?? 0) + 1);
    }
    const alive = isAlive(k.pid);
    const log = k.log();
    const crashes = log.split("\n").filter((l) => /uncaught|unhandled|fatal|handler failed|socket stopped|heartbeat stopped|RangeError|TypeError/i.test(l));
    const dropped = log.split("\n").filter((l) => l.includes("dropped a message")).length;
    const rssAfter = vmRssKiB(k.pid);
    const after = await within(k.client.execute('fmt.Println("still here")'), 60_000, "execute after the fuzz");
    peer.close();

    section.add("messages sent (bad, over shell/control/stdin)", `${TOTAL}: ${COUNTS.map(([c, n]) => `${c} ${n}`).join("; ")}`, plan.length === TOTAL);
    section.add("kernel alive, no uncaught exception in its log", `${alive ? "alive" : "DEAD"}; ${crashes.length} crash lines; ${dropped} "dropped a message" log lines`, alive && crashes.length === 0);
    section.add("actions on unverified messages", `${markersFound.length} marker files, ${forgedReplies.length} replies to forged requests`, markersFound.length === 0 && forgedReplies.length === 0);
    section.add(
      "exact replays refused (digest history)",
      `${[...repliesPerOriginal.values()].filter((n) => n === 1).length}/100 originals answered exactly once (500 replays dropped)`,
      [...repliesPerOriginal.values()].every((n) => n === 1) && repliesPerOriginal.size === 100,
    );
    section.add("heartbeats answered during the fuzz", `${hb.answered}/${hb.sent}`, hb.answered === hb.sent);
    section.add(
      "kernel_info answered during the fuzz",
      `${info.answered}/${info.sent}; p50 ${ms(percentile(info.latencies, 50))}, p99 ${ms(percentile(info.latencies, 99))}`,
      info.answered === info.sent,
    );
    section.add("execute_requests answered during the fuzz", `${exec.answered}/${exec.sent}`, exec.answered === exec.sent);
    // Under 100 MiB: the large frames' memory is given back after the burst (kernel/memory.ts).
    section.add("fuzz duration; kernel RSS before → after", `${(duration / 1000).toFixed(1)} s; ${Math.round(rssBefore / 1024)} → ${Math.round(rssAfter / 1024)} MiB`, rssAfter < 100 * 1024);

    expect(alive, "kernel alive").to.equal(true);
    expect(Math.round(rssAfter / 1024), "kernel RSS after the fuzz, MiB").to.be.below(100);
    expect(crashes, "crash lines in the kernel log").to.deep.equal([]);
    expect(markersFound, "marker files written by forged requests").to.deep.equal([]);
    expect(forgedReplies.length, "replies to forged requests").to.equal(0);
    expect([...repliesPerOriginal.values()].every((n) => n === 1) && repliesPerOriginal.size === 100, "one reply per original").to.equal(true);
    expect(hb.answered).to.equal(hb.sent);
    expect(info.answered).to.equal(info.sent);
    expect(exec.answered).to.equal(exec.sent);
    expect(streamText(after, "stdout")).to.equal("still here\n");
  });

  it("acts once on a valid message replayed exactly", async () => {
    const signer = new Signer(k.client.connection.key);
    const file = join(markers, "replayed.txt");
    const code = `f, _ := os.OpenFile(${JSON.stringify(file)}, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)\nfmt.Fprintln(f, "ran")\nf.Close()`;
    const header = newHeader("execute_request", "replay", "replay");
    const message = encode(
      { identities: [], header, parent_header: {}, metadata: {}, content: { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true } },
      signer,
    );
    const peer = new RawPeer(k);
    await peer.send("shell", message);
    expect(await waitFor(() => existsSync(file), 60_000, 20)).to.not.equal(null);
    for (let i = 0; i < 5; i++) await peer.send("shell", message);
    await sleep(1500);
    const ran = readFileSync(file, "utf8").split("\n").filter(Boolean).length;
    const replies = peer.received.filter((r) => {
      const d = decode(r.frames, signer);
      return d.ok && (d.message.parent_header as { msg_id?: string }).msg_id === header.msg_id;
    }).length;
    peer.close();
    section.add("a valid execute_request replayed 5 times", `ran ${ran} time(s), ${replies} reply`, ran === 1 && replies === 1);
    expect(ran).to.equal(1);
    expect(replies).to.equal(1);
    expect(k.log()).to.match(/duplicate signature \(a replayed message\)/);
  });

  it("answers a history search with a pathological glob", async () => {
    await k.client.execute(`fmt.Println("${"a".repeat(40)}")`);
    const pattern = "*a".repeat(12) + "*b";
    const t0 = Date.now();
    const x = await within(k.client.request("shell", "history_request", { hist_access_type: "search", pattern, output: false, raw: true }), 10_000, "history search");
    const took = Date.now() - t0;
    const found = await k.client.request("shell", "history_request", { hist_access_type: "search", pattern: `*"a?a*a")`, output: false, raw: true });
    const hits = (found.reply.content as { history: unknown[] }).history.length;
    section.add("history_request search `*a*a…*b` (12 stars) over a cell of 40 a's", `answered in ${ms(took)} (a regular expression took minutes: the 10 s wait would fail); a matching glob finds it: ${hits}`, hits === 1);
    expect((x.reply.content as { history: unknown[] }).history).to.deep.equal([]);
    expect(hits).to.equal(1);
  });

  it("disconnects a peer that sends a frame over the 64 MiB cap, and keeps serving", async () => {
    const peer = new RawPeer(k);
    const huge = Buffer.alloc(65 * MiB, 0x20);
    const rssBefore = vmRssKiB(k.pid);
    await peer.send("shell", [Buffer.from(DELIMITER), Buffer.from(""), huge, Buffer.from("{}"), Buffer.from("{}"), Buffer.from("{}")]);
    await sleep(1000);
    const rssAfter = vmRssKiB(k.pid);
    peer.close();
    const x = await within(k.client.request("shell", "kernel_info_request", {}), 30_000, "kernel_info after the huge frame");
    expect((x.reply.content as { status: string }).status).to.equal("ok");
    expect(await k.client.heartbeat()).to.equal(true);
    section.add("a 65 MiB frame (over the cap)", `refused by zeromq (maxMessageSize); kernel RSS ${Math.round(rssBefore / 1024)} → ${Math.round(rssAfter / 1024)} MiB; still answering`, true);
  });
});
