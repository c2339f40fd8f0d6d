import { expect } from "chai";
import { Handler, type ExecuteContext, type ExecuteOutcome, type Executor, type Replier } from "../../kernel/handler.js";
import type { Header, Message } from "../../kernel/protocol.js";

interface Sent {
  kind: "reply" | "iopub";
  type: string;
  content: Record<string, unknown>;
  parent?: string;
}

class FakeExecutor implements Executor {
  interrupted = 0;
  constructor(private readonly behaviour: (code: string, ctx: ExecuteContext) => Promise<ExecuteOutcome>) {}
  languageVersion() { return "1.26.8"; }
  banner() { return "fake"; }
  execute(code: string, ctx: ExecuteContext) { return this.behaviour(code, ctx); }
  async isComplete() { return { status: "complete" as const }; }
  async complete() { return { matches: [], cursor_start: 0, cursor_end: 0, metadata: {} }; }
  async inspect() { return { found: false, data: {} }; }
  interrupt() { this.interrupted++; }
  async shutdown() {}
}

let n = 0;
function request(msgType: string, content: Record<string, unknown>, metadata: Record<string, unknown> = {}): Message {
  const header: Header = { msg_id: `m${++n}`, session: "s", username: "u", date: new Date().toISOString(), msg_type: msgType, version: "5.3" };
  return { identities: [], header, parent_header: {}, metadata, content, buffers: [] };
}

function harness(behaviour: (code: string, ctx: ExecuteContext) => Promise<ExecuteOutcome>) {
  const sent: Sent[] = [];
  const waiters: (() => void)[] = [];
  const record = (s: Sent) => {
    sent.push(s);
    for (const wake of waiters.splice(0)) wake();
  };
  const replier: Replier = {
    async reply(_channel, msgType, content, parent) { record({ kind: "reply", type: msgType, content: content as Record<string, unknown>, parent: parent.header.msg_id }); },
    async publish(msgType, content, parent) { record({ kind: "iopub", type: msgType, content: content as Record<string, unknown>, parent: parent?.header.msg_id }); },
  };
  const executor = new FakeExecutor(behaviour);
  let shutdowns = 0;
  const handler = new Handler(executor, replier, { implementationVersion: "0", log: () => undefined, onShutdown: () => shutdowns++ });
  const done = (count: number) =>
    sent.filter((s) => s.kind === "reply").length >= count && sent.filter((s) => s.type === "status" && s.content.execution_state === "idle").length >= count;
  /**
   * Resolves once `count` requests have had both their reply and their idle status. Driven by what
   * the handler sends, not by polling; the handler's promises are all local, so a request that
   * never completes fails the test (at mocha's timeout) with what had been sent by then.
   */
  const settled = async (count: number) => {
    while (!done(count)) {
      const woken = new Promise<void>((wake) => waiters.push(wake));
      const stuck = new Promise<never>((_, fail) => {
        const timer = setTimeout(() => fail(new Error(`${count} requests did not complete; sent: ${sent.map((s) => s.type).join(", ")}`)), 10_000);
        void woken.then(() => clearTimeout(timer));
      });
      await Promise.race([woken, stuck]);
    }
  };
  return { sent, handler, executor, settled, shutdowns: () => shutdowns };
}

const ok = async (): Promise<ExecuteOutcome> => ({ status: "ok" });

describe("handler", () => {
  it("wraps a request in busy ... reply ... idle, with execute_input first", async () => {
    const h = harness(async (_code, ctx) => { ctx.sink.stream("stdout", "49\n"); return { status: "ok" }; });
    h.handler.dispatch("shell", request("execute_request", { code: "x", silent: false, store_history: true }));
    await h.settled(1);
    expect(h.sent.map((s) => s.type)).to.deep.equal(["status", "execute_input", "stream", "execute_reply", "status"]);
    expect(h.sent[0].content).to.deep.equal({ execution_state: "busy" });
    expect(h.sent[1].content).to.deep.equal({ code: "x", execution_count: 1 });
    expect(h.sent[4].content).to.deep.equal({ execution_state: "idle" });
    expect(new Set(h.sent.map((s) => s.parent)).size).to.equal(1);
  });

  it("counts only stored, non-silent executions", async () => {
    const counts: number[] = [];
    const h = harness(async (_c, ctx) => { counts.push(ctx.count); return { status: "ok" }; });
    h.handler.dispatch("shell", request("execute_request", { code: "a", silent: false, store_history: true }));
    h.handler.dispatch("shell", request("execute_request", { code: "b", silent: true, store_history: true }));
    h.handler.dispatch("shell", request("execute_request", { code: "c", silent: false, store_history: false }));
    h.handler.dispatch("shell", request("execute_request", { code: "d", silent: false, store_history: true }));
    await h.settled(4);
    expect(counts).to.deep.equal([1, 1, 1, 2]);
    const replies = h.sent.filter((s) => s.type === "execute_reply").map((s) => s.content.execution_count);
    expect(replies).to.deep.equal([1, 1, 1, 2]);
    expect(h.sent.filter((s) => s.type === "execute_input")).to.have.length(3); // silent publishes none
  });

  it("publishes exactly one error output and aborts the requests queued behind a failure", async () => {
    const h = harness(async (code) => (code === "bad" ? { status: "error", ename: "CompileError", evalue: "cell[1]:1:1: undefined: bad", traceback: ["t"] } : { status: "ok" }));
    h.handler.dispatch("shell", request("execute_request", { code: "bad", silent: false, store_history: true }));
    h.handler.dispatch("shell", request("execute_request", { code: "queued", silent: false, store_history: true }));
    await h.settled(2);
    expect(h.sent.filter((s) => s.type === "error")).to.have.length(1);
    const replies = h.sent.filter((s) => s.type === "execute_reply").map((s) => s.content.status);
    expect(replies).to.deep.equal(["error", "aborted"]);
    h.handler.dispatch("shell", request("execute_request", { code: "later", silent: false, store_history: true }));
    await h.settled(3);
    expect(h.sent.filter((s) => s.type === "execute_reply")[2].content.status).to.equal("ok");
  });

  it("answers control requests while a cell runs", async () => {
    let release!: () => void;
    const h = harness(() => new Promise((r) => { release = () => r({ status: "ok" }); }));
    h.handler.dispatch("shell", request("execute_request", { code: "for {}", silent: false, store_history: true }));
    h.handler.dispatch("control", request("kernel_info_request", {}));
    h.handler.dispatch("control", request("interrupt_request", {}));
    await h.settled(2);
    expect(h.sent.filter((s) => s.kind === "reply").map((s) => s.type)).to.deep.equal(["kernel_info_reply", "interrupt_reply"]);
    expect(h.executor.interrupted).to.equal(1);
    expect(h.sent.some((s) => s.type === "execute_reply")).to.equal(false);
    release();
    await h.settled(3);
    const replies = h.sent.filter((s) => s.kind === "reply");
    expect(replies.map((s) => s.type)).to.deep.equal(["kernel_info_reply", "interrupt_reply", "execute_reply"]);
    expect(replies[2].content.status).to.equal("ok");
  });

  it("answers kernel_info with the Go language info", async () => {
    const h = harness(ok);
    h.handler.dispatch("shell", request("kernel_info_request", {}));
    await h.settled(1);
    const info = h.sent.find((s) => s.type === "kernel_info_reply")!.content as Record<string, any>;
    expect(info.protocol_version).to.equal("5.3");
    expect(info.language_info).to.include({ name: "go", version: "1.26.8", mimetype: "text/x-go", file_extension: ".go", pygments_lexer: "go", codemirror_mode: "go" });
  });

  it("keeps history and answers tail, range and search", async () => {
    const h = harness(ok);
    for (const code of ["a := 1", "fmt.Println(a)", "b := 2"]) h.handler.dispatch("shell", request("execute_request", { code, silent: false, store_history: true }));
    h.handler.dispatch("shell", request("history_request", { hist_access_type: "tail", n: 2, output: false, raw: true }));
    h.handler.dispatch("shell", request("history_request", { hist_access_type: "range", start: 2, stop: 3, output: false, raw: true }));
    h.handler.dispatch("shell", request("history_request", { hist_access_type: "search", pattern: "*Println*", output: false, raw: true }));
    await h.settled(6);
    const [tail, range, search] = h.sent.filter((s) => s.type === "history_reply").map((s) => s.content.history);
    expect(tail).to.deep.equal([[0, 2, "fmt.Println(a)"], [0, 3, "b := 2"]]);
    expect(range).to.deep.equal([[0, 2, "fmt.Println(a)"]]);
    expect(search).to.deep.equal([[0, 2, "fmt.Println(a)"]]);
  });

  it("ignores unknown message types and stdin traffic without crashing", async () => {
    const h = harness(ok);
    h.handler.dispatch("shell", request("frobnicate_request", {}));
    h.handler.dispatch("stdin", request("input_reply", { value: "x" }));
    h.handler.dispatch("shell", request("comm_info_request", {}));
    await h.settled(1);
    expect(h.sent.filter((s) => s.kind === "reply").map((s) => s.type)).to.deep.equal(["comm_info_reply"]);
  });

  it("replies to shutdown, then hands over to the process's exit", async () => {
    const h = harness(ok);
    h.handler.dispatch("control", request("shutdown_request", { restart: true }));
    await h.settled(1);
    expect(h.sent.find((s) => s.type === "shutdown_reply")!.content).to.deep.equal({ status: "ok", restart: true });
    await new Promise((r) => setImmediate(r)); // onShutdown runs in the same task as the idle status: drained by now
    expect(h.shutdowns()).to.equal(1);
  });
});
