// LSP framing (Content-Length in bytes) and the JSON-RPC connection, over in-memory streams.
import { expect } from "chai";
import { PassThrough } from "node:stream";
import { FramingError, LspConnection, MessageReader, RequestTimeout, encodeMessage, type LspMessage } from "../../kernel/go/gopls.js";

function frame(body: string, extraHeaders = ""): Buffer {
  const bytes = Buffer.from(body, "utf8");
  return Buffer.concat([Buffer.from(`${extraHeaders}Content-Length: ${bytes.length}\r\n\r\n`), bytes]);
}

/** A fake server: what the client writes, parsed; and a way to answer. */
function pair() {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const received: LspMessage[] = [];
  const reader = new MessageReader();
  toServer.on("data", (chunk: Buffer) => received.push(...reader.push(chunk)));
  const send = (m: unknown) => toClient.write(encodeMessage(m));
  return { toServer, toClient, received, send };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe("gopls: LSP framing", () => {
  it("counts Content-Length in bytes of UTF-8, not in characters", () => {
    const message = { jsonrpc: "2.0", method: "x", params: { text: "héllo 🙂 世界" } };
    const wire = encodeMessage(message);
    const body = JSON.stringify(message);
    expect(wire.toString("utf8")).to.equal(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    expect(Buffer.byteLength(body)).to.be.greaterThan(body.length);
    expect(new MessageReader().push(wire)).to.deep.equal([message]);
  });

  it("reassembles messages cut at every byte, inside headers and inside multi-byte characters", () => {
    const messages = [
      { jsonrpc: "2.0", id: 1, result: { label: "Ünïcödé 🙂" } },
      { jsonrpc: "2.0", method: "window/logMessage", params: { message: "x".repeat(300) } },
    ];
    const wire = Buffer.concat(messages.map(encodeMessage));
    for (let cut = 1; cut < wire.length; cut++) {
      const reader = new MessageReader();
      const out = [...reader.push(wire.subarray(0, cut)), ...reader.push(wire.subarray(cut))];
      expect(out, `cut at ${cut}`).to.deep.equal(messages);
    }
    // One byte at a time.
    const reader = new MessageReader();
    const out: LspMessage[] = [];
    for (const byte of wire) out.push(...reader.push(Buffer.from([byte])));
    expect(out).to.deep.equal(messages);
  });

  it("takes several messages in one chunk, other headers, and any header case", () => {
    const reader = new MessageReader();
    const chunk = Buffer.concat([
      frame('{"jsonrpc":"2.0","id":1,"result":null}'),
      frame('{"jsonrpc":"2.0","id":2,"result":[]}', "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"),
      Buffer.from('content-length: 2\r\n\r\n{}'),
    ]);
    expect(reader.push(chunk)).to.deep.equal([
      { jsonrpc: "2.0", id: 1, result: null },
      { jsonrpc: "2.0", id: 2, result: [] },
      {},
    ]);
  });

  it("refuses what cannot be resynchronized: no length, a bad length, a header that never ends, a body that is not JSON", () => {
    expect(() => new MessageReader().push(Buffer.from("Content-Type: x\r\n\r\n{}"))).to.throw(FramingError, /without Content-Length/);
    expect(() => new MessageReader().push(Buffer.from("Content-Length: 12a\r\n\r\n"))).to.throw(FramingError, /bad Content-Length/);
    expect(() => new MessageReader().push(Buffer.from("garbage\r\n\r\n"))).to.throw(FramingError, /malformed/);
    expect(() => new MessageReader().push(Buffer.alloc(9000, 0x41))).to.throw(FramingError, /longer than 8 KiB/);
    expect(() => new MessageReader().push(Buffer.from("Content-Length: 3\r\n\r\n{x}"))).to.throw(FramingError, /not JSON/);
  });
});

describe("gopls: JSON-RPC connection", () => {
  it("matches answers to requests by id, in any order", async () => {
    const { toServer, toClient, received, send } = pair();
    const conn = new LspConnection(toClient, toServer);
    const a = conn.request("a", { n: 1 });
    const b = conn.request("b", { n: 2 });
    await tick();
    expect(received.map((m) => [m.id, m.method])).to.deep.equal([[1, "a"], [2, "b"]]);
    send({ jsonrpc: "2.0", id: 2, result: "B" });
    send({ jsonrpc: "2.0", id: 1, result: "A" });
    expect(await a).to.equal("A");
    expect(await b).to.equal("B");
  });

  it("rejects a request the server answers with an error", async () => {
    const { toServer, toClient, send } = pair();
    const conn = new LspConnection(toClient, toServer);
    const p = conn.request("x", {});
    send({ jsonrpc: "2.0", id: 1, error: { code: -32603, message: "no package for file" } });
    try {
      await p;
      expect.fail("should reject");
    } catch (err) {
      expect((err as Error).message).to.equal("no package for file (-32603)");
    }
  });

  it("on timeout: rejects, sends $/cancelRequest, and drops the late answer", async () => {
    const { toServer, toClient, received, send } = pair();
    const conn = new LspConnection(toClient, toServer);
    let error: unknown;
    await conn.request("slow", {}, 50).catch((err) => (error = err));
    expect(error).to.be.instanceOf(RequestTimeout);
    await tick();
    expect(received.map((m) => m.method)).to.deep.equal(["slow", "$/cancelRequest"]);
    expect(received[1].params).to.deep.equal({ id: 1 });
    send({ jsonrpc: "2.0", id: 1, result: "late" }); // ignored
    const next = conn.request("next", {});
    send({ jsonrpc: "2.0", id: 2, result: "fine" });
    expect(await next).to.equal("fine");
  });

  it("answers the server's requests (method not found unless handled) and passes notifications on", async () => {
    const { toServer, toClient, received, send } = pair();
    const notes: string[] = [];
    let activity = 0;
    new LspConnection(toClient, toServer, {
      onRequest: (method) => (method === "client/registerCapability" ? null : undefined),
      onNotification: (method) => notes.push(method),
      onActivity: () => activity++,
    });
    send({ jsonrpc: "2.0", id: "s1", method: "client/registerCapability", params: {} });
    send({ jsonrpc: "2.0", id: 7, method: "workspace/applyEdit", params: {} });
    send({ jsonrpc: "2.0", method: "window/logMessage", params: { message: "hi" } });
    await tick();
    expect(received).to.deep.equal([
      { jsonrpc: "2.0", id: "s1", result: null },
      { jsonrpc: "2.0", id: 7, error: { code: -32601, message: "workspace/applyEdit is not supported" } },
    ]);
    expect(notes).to.deep.equal(["window/logMessage"]);
    expect(activity).to.equal(3);
  });

  it("fails every pending request when the server's output ends or breaks the framing", async () => {
    const { toServer, toClient } = pair();
    let broken: Error | undefined;
    const conn = new LspConnection(toClient, toServer, { onBroken: (err) => (broken = err) });
    const p = conn.request("x", {});
    toClient.write(Buffer.from("Content-Length: nope\r\n\r\n"));
    const err = await p.catch((e: Error) => e);
    expect(err).to.be.instanceOf(FramingError);
    expect(broken).to.be.instanceOf(FramingError);
    expect(conn.isClosed).to.equal(true);
    const after = await conn.request("y", {}).catch((e: Error) => e);
    expect(after).to.be.instanceOf(Error);

    const second = pair();
    const conn2 = new LspConnection(second.toClient, second.toServer);
    const q = conn2.request("x", {});
    second.toClient.end();
    second.toClient.resume();
    expect(await q.catch((e: Error) => e.message)).to.match(/closed/);
  });
});
