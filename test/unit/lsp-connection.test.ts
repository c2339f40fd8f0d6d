// The LSP connection to gopls (kernel/go/lsp.ts, over vscode-jsonrpc) against a scripted server on
// in-memory streams: the server side reads and writes raw JSON-RPC messages with vscode-jsonrpc's
// own framing, so what the client puts on the wire is what is checked.
import { expect } from "chai";
import { PassThrough } from "node:stream";
import { StreamMessageReader, StreamMessageWriter, type Message } from "vscode-jsonrpc/node";
import { ConnectionClosed, FramingError, LspConnection, RequestTimeout } from "../../kernel/go/lsp.js";

type Raw = Message & { id?: number | string | null; method?: string; params?: unknown; result?: unknown; error?: { code: number; message: string } };

/** A scripted server: what the client writes, as messages; and a way to answer. */
function pair() {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const received: Raw[] = [];
  new StreamMessageReader(toServer).listen((m) => received.push(m as Raw));
  const writer = new StreamMessageWriter(toClient);
  const send = (m: object) => writer.write({ jsonrpc: "2.0", ...m } as Message);
  return { toServer, toClient, received, send };
}

/** Until `check` holds; a wait that gives up fails the test. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  expect.fail(`gave up waiting: ${what}`);
}

describe("gopls: the LSP connection (vscode-jsonrpc)", () => {
  it("matches answers to requests by id, in any order", async () => {
    const { toServer, toClient, received, send } = pair();
    const conn = new LspConnection(toClient, toServer);
    const a = conn.request("a", { n: 1 });
    const b = conn.request("b", { n: 2 });
    await until(() => received.length === 2, "both requests");
    expect(received.map((m) => [m.method, m.params])).to.deep.equal([["a", { n: 1 }], ["b", { n: 2 }]]);
    expect(received[0].id).to.not.equal(received[1].id);
    await send({ id: received[1].id, result: "B" });
    await send({ id: received[0].id, result: "A" });
    expect(await a).to.equal("A");
    expect(await b).to.equal("B");
    conn.close();
  });

  it("counts Content-Length in bytes: an answer with multi-byte characters, written one byte at a time", async () => {
    const { toServer, toClient, received } = pair();
    const conn = new LspConnection(toClient, toServer);
    const p = conn.request("x", {});
    await until(() => received.length === 1, "the request");
    const body = JSON.stringify({ jsonrpc: "2.0", id: received[0].id, result: { label: "héllo 🙂 世界" } });
    const wire = Buffer.concat([Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`), Buffer.from(body)]);
    expect(Buffer.byteLength(body)).to.be.greaterThan(body.length);
    for (const byte of wire) toClient.write(Buffer.from([byte]));
    expect(await p).to.deep.equal({ label: "héllo 🙂 世界" });
    conn.close();
  });

  it("rejects a request the server answers with an error", async () => {
    const { toServer, toClient, received, send } = pair();
    const conn = new LspConnection(toClient, toServer);
    const p = conn.request("x", {});
    await until(() => received.length === 1, "the request");
    await send({ id: received[0].id, error: { code: -32603, message: "no package for file" } });
    const err = await p.then(() => expect.fail("should reject"), (e: Error) => e);
    expect(err.message).to.equal("no package for file (-32603)");
    conn.close();
  });

  it("on timeout: rejects, sends $/cancelRequest, and drops the late answer", async () => {
    const { toServer, toClient, received, send } = pair();
    const conn = new LspConnection(toClient, toServer);
    const err = await conn.request("slow", {}, 50).then(() => expect.fail("should time out"), (e: unknown) => e);
    expect(err).to.be.instanceOf(RequestTimeout);
    await until(() => received.length === 2, "the cancellation");
    expect(received.map((m) => m.method)).to.deep.equal(["slow", "$/cancelRequest"]);
    expect(received[1].params).to.deep.equal({ id: received[0].id });
    await send({ id: received[0].id, result: "late" }); // dropped
    const next = conn.request("next", {});
    await until(() => received.length === 3, "the next request");
    await send({ id: received[2].id, result: "fine" });
    expect(await next).to.equal("fine");
    conn.close();
  });

  it("answers the server's requests (method not found unless handled) and passes notifications on", async () => {
    const { toServer, toClient, received, send } = pair();
    const notes: string[] = [];
    let activity = 0;
    const conn = new LspConnection(toClient, toServer, {
      onRequest: (method) => (method === "client/registerCapability" ? null : undefined),
      onNotification: (method) => notes.push(method),
      onActivity: () => activity++,
    });
    await send({ id: "s1", method: "client/registerCapability", params: {} });
    await send({ id: 7, method: "workspace/applyEdit", params: {} });
    await send({ method: "window/logMessage", params: { message: "hi" } });
    await until(() => received.length === 2 && notes.length === 1, "two answers and a notification");
    expect(received).to.deep.equal([
      { jsonrpc: "2.0", id: "s1", result: null },
      { jsonrpc: "2.0", id: 7, error: { code: -32601, message: "workspace/applyEdit is not supported" } },
    ]);
    expect(notes).to.deep.equal(["window/logMessage"]);
    expect(activity).to.be.greaterThan(0);
    conn.close();
  });

  it("fails every pending request when the server breaks the framing, or its output ends", async () => {
    const { toServer, toClient } = pair();
    let broken: Error | undefined;
    const conn = new LspConnection(toClient, toServer, { onBroken: (err) => (broken = err) });
    const p = conn.request("x", {});
    toClient.write(Buffer.from("Content-Type: x\r\n\r\n{}"));
    const err = await p.then(() => expect.fail("should reject"), (e: Error) => e);
    expect(err).to.be.instanceOf(FramingError);
    expect(err.message).to.match(/Content-Length/);
    expect(broken).to.be.instanceOf(FramingError);
    expect(conn.isClosed).to.equal(true);
    expect(await conn.request("y", {}).then(() => "answered", (e: Error) => e)).to.be.instanceOf(ConnectionClosed);

    const second = pair();
    const conn2 = new LspConnection(second.toClient, second.toServer);
    const q = conn2.request("x", {});
    second.toClient.end();
    const closed = await q.then(() => expect.fail("should reject"), (e: Error) => e);
    expect(closed).to.be.instanceOf(ConnectionClosed);
    expect(closed.message).to.match(/closed/);
  });
});
