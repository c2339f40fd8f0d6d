// Requests -> replies. The protocol's rules live here (busy/idle around every request, execute_input,
// the execution counter, exactly one error output, aborting after an error); what a cell means lives
// behind the Executor interface, so this layer is tested without sockets or Go.

import type {
  ExecuteReply,
  ExecuteRequest,
  HistoryReply,
  HistoryRequest,
  IopubContents,
  IopubType,
  KernelInfoReply,
  Message,
  MimeBundle,
  Payload,
  ReplyContent,
  RequestContent,
  RequestType,
} from "./protocol.js";
import { PROTOCOL_VERSION, isRequestType, replyTypeOf } from "./protocol.js";
import { SerialQueue } from "./queue.js";

/** Where a running cell sends its outputs: narrow on purpose, the raw message never leaves this file. */
export interface OutputSink {
  stream(name: "stdout" | "stderr", text: string): void;
  display(data: MimeBundle, options?: { metadata?: Record<string, unknown>; displayId?: string }): void;
  update(displayId: string, data: MimeBundle, metadata?: Record<string, unknown>): void;
  result(data: MimeBundle, metadata?: Record<string, unknown>): void;
}

export interface ExecuteContext {
  /** The execution count this cell is shown with (`cell[N]`). */
  count: number;
  /** The front end's id of the cell (JupyterLab, nbclient), stable across re-executions. */
  cellId?: string;
  silent: boolean;
  sink: OutputSink;
  /**
   * Asks the front end for a line (input_request on the stdin channel). An interrupt rejects it
   * rather than answering end of file: a program that read EOF could run on (and print) before the
   * interrupt's signal reaches it. Absent when the execute_request did not allow stdin.
   */
  input?: (prompt: string) => Promise<string | null>;
}

export type ExecuteOutcome =
  | { status: "ok"; payload?: Payload[] }
  | { status: "error"; ename: string; evalue: string; traceback: string[] };

/** What a language backend provides. */
export interface Executor {
  /** e.g. "1.26.8", or a note when the toolchain is missing. */
  languageVersion(): string;
  banner(): string;
  execute(code: string, ctx: ExecuteContext): Promise<ExecuteOutcome>;
  isComplete(code: string): Promise<ReplyContent<"is_complete_request">>;
  complete(code: string, cursorPos: number): Promise<Omit<ReplyContent<"complete_request">, "status">>;
  inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<{ found: boolean; data: MimeBundle }>;
  /** Stop whatever runs now; returns at once. */
  interrupt(): void;
  /** Stop everything and release the session's resources. */
  shutdown(restart: boolean): Promise<void>;
}

/** What the handler needs from the transport. */
export interface Replier {
  reply(channel: "shell" | "control" | "stdin", msgType: string, content: unknown, parent: Message): Promise<void>;
  publish(msgType: IopubType, content: IopubContents[IopubType], parent: Message | undefined): Promise<void>;
}

export interface HandlerOptions {
  implementationVersion: string;
  log: (line: string) => void;
  /** Called once the shutdown reply has been sent. */
  onShutdown: (restart: boolean) => void;
}

export class Handler {
  private executionCount = 0;
  /** [session, line, input, output (the execute_result's text/plain)] */
  private readonly history: { line: number; input: string; output: string }[] = [];
  private readonly shellQueue = new SerialQueue();
  /** Set when a cell fails with stop_on_error: requests queued before that moment are aborted. */
  private abortUntil = -1;
  private received = 0;
  private shuttingDown = false;
  /** The input_request waiting for its input_reply (one at a time: cells run one at a time). */
  private pendingInput: { answer: (value: string) => void; cancel: () => void } | null = null;

  constructor(
    private readonly executor: Executor,
    private readonly out: Replier,
    private readonly options: HandlerOptions,
  ) {}

  /** Entry point from the transport: shell requests run one at a time, control requests at once. */
  dispatch(channel: "shell" | "control" | "stdin", message: Message): void {
    if (channel === "stdin") {
      const value = (message.content as { value?: unknown }).value;
      if (message.header.msg_type === "input_reply" && this.pendingInput) this.answerInput(typeof value === "string" ? value : "");
      else this.options.log(`ignored ${JSON.stringify(message.header.msg_type)} on stdin`);
      return;
    }
    const msgType = message.header.msg_type;
    if (!isRequestType(msgType)) {
      this.options.log(`ignored unknown message type ${JSON.stringify(msgType)} on ${channel}`);
      return;
    }
    if (channel === "control") {
      void this.serve(channel, msgType, message);
      return;
    }
    const seq = this.received++;
    void this.shellQueue.run(async () => {
      if (msgType === "execute_request" && seq < this.abortUntil) return this.abort(message);
      await this.serve(channel, msgType, message);
    });
  }

  private async serve(channel: "shell" | "control", msgType: RequestType, message: Message): Promise<void> {
    await this.out.publish("status", { execution_state: "busy" }, message);
    try {
      const content = await this.answer(msgType, message);
      await this.out.reply(channel, replyTypeOf(msgType), content, message);
    } catch (err) {
      this.options.log(`${msgType} failed: ${(err as Error).stack ?? err}`);
      const error = { status: "error", ename: "KernelError", evalue: String((err as Error).message ?? err), traceback: [] };
      await this.out.reply(channel, replyTypeOf(msgType), error, message);
    } finally {
      await this.out.publish("status", { execution_state: "idle" }, message);
    }
    if (msgType === "shutdown_request") this.options.onShutdown(Boolean((message.content as { restart?: boolean }).restart));
  }

  private answer(msgType: RequestType, message: Message): Promise<unknown> {
    const content = message.content as never;
    switch (msgType) {
      case "execute_request":
        return this.execute(content as RequestContent<"execute_request">, message);
      case "kernel_info_request":
        return Promise.resolve(this.kernelInfo());
      case "is_complete_request":
        return this.executor.isComplete(String((content as RequestContent<"is_complete_request">).code ?? ""));
      case "complete_request": {
        const req = content as RequestContent<"complete_request">;
        return this.executor.complete(String(req.code ?? ""), Number(req.cursor_pos ?? 0)).then((r) => ({ status: "ok", ...r }));
      }
      case "inspect_request": {
        const req = content as RequestContent<"inspect_request">;
        return this.executor
          .inspect(String(req.code ?? ""), Number(req.cursor_pos ?? 0), req.detail_level === 1 ? 1 : 0)
          .then((r) => ({ status: "ok", metadata: {}, ...r }));
      }
      case "history_request":
        return Promise.resolve(this.historyReply(content as RequestContent<"history_request">));
      case "comm_info_request":
        return Promise.resolve({ status: "ok", comms: {} });
      case "interrupt_request":
        this.cancelInput();
        this.executor.interrupt();
        return Promise.resolve({ status: "ok" });
      case "shutdown_request":
        return this.shutdown(Boolean((content as RequestContent<"shutdown_request">).restart));
    }
  }

  private async execute(req: ExecuteRequest, message: Message): Promise<ExecuteReply> {
    const code = typeof req.code === "string" ? req.code : "";
    const silent = Boolean(req.silent);
    const storeHistory = req.store_history === undefined ? !silent : Boolean(req.store_history) && !silent;
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    if (!silent) await this.out.publish("execute_input", { code, execution_count: count }, message);
    const entry = { line: count, input: code, output: "" };
    if (storeHistory) this.history.push(entry);

    const publish = <T extends IopubType>(type: T, content: IopubContents[T]) => {
      if (!silent || type === "stream") void this.out.publish(type, content, message);
    };
    const sink: OutputSink = {
      stream: (name, text) => publish("stream", { name, text }),
      display: (data, options) =>
        publish("display_data", {
          data,
          metadata: options?.metadata ?? {},
          ...(options?.displayId ? { transient: { display_id: options.displayId } } : {}),
        }),
      update: (displayId, data, metadata) =>
        publish("update_display_data", { data, metadata: metadata ?? {}, transient: { display_id: displayId } }),
      result: (data, metadata) => {
        entry.output = String(data["text/plain"] ?? "");
        publish("execute_result", { execution_count: count, data, metadata: metadata ?? {} });
      },
    };
    const cellId = typeof message.metadata.cellId === "string" ? message.metadata.cellId : undefined;
    const input = req.allow_stdin
      ? (prompt: string) =>
          new Promise<string | null>((resolve, reject) => {
            this.cancelInput();
            this.pendingInput = { answer: resolve, cancel: () => reject(new Error("input request interrupted")) };
            void this.out.reply("stdin", "input_request", { prompt, password: false }, message);
          })
      : undefined;
    let outcome: ExecuteOutcome;
    try {
      outcome = await this.executor.execute(code, { count, cellId, silent, sink, ...(input ? { input } : {}) });
    } catch (err) {
      this.options.log(`execute failed: ${(err as Error).stack ?? err}`);
      outcome = { status: "error", ename: "KernelError", evalue: String((err as Error).message ?? err), traceback: [] };
    }
    this.cancelInput();
    if (outcome.status === "ok") {
      return { status: "ok", execution_count: count, user_expressions: {}, payload: outcome.payload ?? [] };
    }
    const { ename, evalue, traceback } = outcome;
    await this.out.publish("error", { ename, evalue, traceback }, message);
    if (req.stop_on_error !== false) this.abortUntil = this.received;
    return { status: "error", execution_count: count, ename, evalue, traceback };
  }

  private answerInput(value: string): void {
    const pending = this.pendingInput;
    this.pendingInput = null;
    pending?.answer(value);
  }

  private cancelInput(): void {
    const pending = this.pendingInput;
    this.pendingInput = null;
    pending?.cancel();
  }

  /** A request queued behind a failed cell: answered, never run (as ipykernel does). */
  private async abort(message: Message): Promise<void> {
    await this.out.publish("status", { execution_state: "busy" }, message);
    await this.out.reply("shell", "execute_reply", { status: "aborted", execution_count: null }, message);
    await this.out.publish("status", { execution_state: "idle" }, message);
  }

  private kernelInfo(): KernelInfoReply {
    return {
      status: "ok",
      protocol_version: PROTOCOL_VERSION,
      implementation: "goperf",
      implementation_version: this.options.implementationVersion,
      language_info: {
        name: "go",
        version: this.executor.languageVersion(),
        mimetype: "text/x-go",
        file_extension: ".go",
        pygments_lexer: "go",
        codemirror_mode: "go",
        nbconvert_exporter: "script",
      },
      banner: this.executor.banner(),
      help_links: [
        { text: "goperf", url: "https://github.com/goperf/goperf" },
        { text: "Go diagnostics", url: "https://go.dev/doc/diagnostics" },
      ],
      debugger: false,
    };
  }

  private historyReply(req: HistoryRequest): HistoryReply {
    let entries = this.history;
    if (req.hist_access_type === "tail") entries = entries.slice(-Math.max(0, Number(req.n ?? 10)));
    else if (req.hist_access_type === "range") {
      const start = Number(req.start ?? 1);
      const stop = req.stop === undefined || req.stop === null ? Infinity : Number(req.stop);
      entries = entries.filter((e) => e.line >= start && e.line < stop);
    } else if (req.hist_access_type === "search") {
      const matches = globMatcher(typeof req.pattern === "string" ? req.pattern : "*");
      entries = entries.filter((e) => matches(e.input));
      if (req.unique) entries = entries.filter((e, i) => !entries.slice(i + 1).some((later) => later.input === e.input));
      if (req.n) entries = entries.slice(-Number(req.n));
    }
    // Session 0 is this kernel session (IPython numbers the current one 0 too).
    const history = entries.map((e): HistoryReply["history"][number] => (req.output ? [0, e.line, [e.input, e.output]] : [0, e.line, e.input]));
    return { status: "ok", history };
  }

  private async shutdown(restart: boolean): Promise<ReplyContent<"shutdown_request">> {
    if (!this.shuttingDown) {
      this.shuttingDown = true;
      this.executor.interrupt();
      await this.executor.shutdown(restart);
    }
    return { status: "ok", restart };
  }
}

/**
 * IPython's history search takes glob patterns (`*` any run, `?` one character). Matched by the
 * greedy two-pointer walk, at most pattern × text steps: a regular expression of `.*`s backtracks
 * exponentially (`*a*a*a…*b` against forty a's took minutes and stalled the kernel).
 */
function globMatcher(glob: string): (text: string) => boolean {
  const p = [...glob];
  return (input) => {
    const t = [...input];
    let i = 0;
    let j = 0;
    let star = -1;
    let mark = 0;
    while (j < t.length) {
      if (i < p.length && (p[i] === "?" || p[i] === t[j]) && p[i] !== "*") {
        i++;
        j++;
      } else if (i < p.length && p[i] === "*") {
        star = i++;
        mark = j;
      } else if (star >= 0) {
        i = star + 1;
        j = ++mark;
      } else return false;
    }
    while (i < p.length && p[i] === "*") i++;
    return i === p.length;
  };
}
