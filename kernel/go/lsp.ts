// The LSP connection to gopls: JSON-RPC 2.0 with Content-Length framing over a pair of streams.
// vscode-jsonrpc (the library VS Code's language clients use) does the framing, the matching of
// answers to requests and `$/cancelRequest`; this file adds only what the kernel's budget needs: a
// time cap per request (cancelled when it passes, the late answer dropped), and errors the
// supervisor (gopls.ts) can tell apart. It costs ~60 ms to load, so gopls.ts imports it only when
// it starts a server: a kernel that is never asked to complete never loads it.

import type { Readable, Writable } from "node:stream";
import {
  CancellationTokenSource,
  ErrorCodes,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  createMessageConnection,
  type MessageConnection,
} from "vscode-jsonrpc/node";

export class RequestTimeout extends Error {}
export class ConnectionClosed extends Error {}
/** The server's output broke the framing: the stream cannot be resynchronized. */
export class FramingError extends Error {}

export interface ConnectionHandlers {
  /** Answers a request from the server; undefined answers "method not found". */
  onRequest?(method: string, params: unknown): unknown;
  onNotification?(method: string, params: unknown): void;
  /** Bytes arrived from the server (it is alive). */
  onActivity?(): void;
  /** The stream broke (framing error): the connection is closed. */
  onBroken?(err: Error): void;
}

/** JSON-RPC 2.0 over a pair of streams. */
export class LspConnection {
  private readonly conn: MessageConnection;
  /** Rejects each request still waiting, when the connection closes. */
  private readonly waiting = new Set<(err: Error) => void>();
  private closed = false;

  constructor(input: Readable, output: Writable, handlers: ConnectionHandlers = {}) {
    this.conn = createMessageConnection(new StreamMessageReader(input), new StreamMessageWriter(output));
    this.conn.onRequest((method, params) => {
      let result: unknown;
      try {
        result = handlers.onRequest?.(method, params);
      } catch {
        result = undefined;
      }
      return result === undefined ? new ResponseError(ErrorCodes.MethodNotFound, `${method} is not supported`) : result;
    });
    this.conn.onNotification((method, params) => handlers.onNotification?.(method, params));
    // A read error (no message attached) is a broken stream; a write error means the server is
    // gone, which its exit reports.
    this.conn.onError(([err, message]) => {
      if (message !== undefined || this.closed) return;
      const broken = new FramingError(err.message);
      this.close(broken);
      handlers.onBroken?.(broken);
    });
    this.conn.onClose(() => this.close(new ConnectionClosed("the server closed its output")));
    input.on("data", () => handlers.onActivity?.());
    // A write to a server that just died fails with EPIPE; its exit is reported elsewhere.
    output.on("error", () => undefined);
    this.conn.listen();
  }

  /**
   * Sends a request and waits for its answer, at most `timeoutMs`: then `$/cancelRequest` is sent
   * and the promise rejects with RequestTimeout (a late answer is dropped).
   */
  request<T>(method: string, params: unknown, timeoutMs?: number): Promise<T> {
    if (this.closed) return Promise.reject(new ConnectionClosed("the connection is closed"));
    const cancel = new CancellationTokenSource();
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = () => {
        clearTimeout(timer);
        this.waiting.delete(reject);
        cancel.dispose();
      };
      this.waiting.add(reject);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          cancel.cancel(); // vscode-jsonrpc sends $/cancelRequest
          settle();
          reject(new RequestTimeout(`${method} was not answered within ${timeoutMs} ms`));
        }, Math.max(0, timeoutMs));
      }
      let sent: Promise<T>;
      try {
        sent = this.conn.sendRequest<T>(method, params, cancel.token);
      } catch (err) {
        settle();
        reject(new ConnectionClosed((err as Error).message));
        return;
      }
      sent.then(
        (result) => {
          settle();
          resolve((result ?? null) as T);
        },
        (err: unknown) => {
          settle();
          reject(err instanceof ResponseError ? new Error(`${err.message} (${err.code})`) : (err as Error));
        },
      );
    });
  }

  notify(method: string, params: unknown): void {
    if (!this.closed) void this.conn.sendNotification(method, params).catch(() => undefined);
  }

  /** Fails every waiting request with `err` and lets the streams go. Idempotent. */
  close(err: Error = new ConnectionClosed("the connection is closed")): void {
    if (this.closed) return;
    this.closed = true;
    for (const reject of [...this.waiting]) reject(err);
    this.waiting.clear();
    this.conn.dispose();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
