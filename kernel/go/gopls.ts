// gopls, the Go language server, as a long-lived child of the kernel: its supervisor. The LSP
// connection over its stdin and stdout is lsp.ts's (loaded when the first server starts). gopls is
// started on the first completion or inspection, works on the session's scratch module, is
// restarted if it dies and is killed with the kernel. The kernel never writes for it: what a cell
// would make is sent as the overlay content of main.go and main_test.go (didOpen/didChange), so
// the files on disk, which cells own, are left alone. gopls sits idle while cells run: nothing is
// sent to it but completion and inspection requests, and diagnostics are off (they would run only
// on save, which never comes).

import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import { adopt, run } from "./toolchain.js";
import type { LspConnection } from "./lsp.js";
import type { LspPosition } from "./positions.js";

/** The connection module, loaded with the first server (vscode-jsonrpc is not needed before). */
let lspModule: Promise<typeof import("./lsp.js")> | undefined;
const loadLsp = () => (lspModule ??= import("./lsp.js"));

// ---- finding gopls ------------------------------------------------------------------------

export const INSTALL_HINT = "go install golang.org/x/tools/gopls@latest";

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * gopls on PATH, else in $(go env GOBIN) or $(go env GOPATH)/bin (where `go install` puts it even
 * when that is not on PATH). GOPERF_GOPLS overrides the search: a path, or "off".
 */
export async function locateGopls(goBinary: string | null, env: NodeJS.ProcessEnv): Promise<string | null> {
  const override = env.GOPERF_GOPLS;
  if (override !== undefined && override !== "") return override === "off" ? null : override;
  const name = process.platform === "win32" ? "gopls.exe" : "gopls";
  for (const dir of (env.PATH ?? "").split(delimiter)) if (dir && executable(join(dir, name))) return join(dir, name);
  if (!goBinary) return null;
  try {
    const out = await run(goBinary, ["env", "GOBIN", "GOPATH"], { env, capture: true });
    const [gobin = "", gopath = ""] = out.stdout.split("\n");
    const dirs = [gobin.trim(), ...gopath.trim().split(delimiter).map((p) => (p ? join(p, "bin") : ""))];
    for (const dir of dirs) if (dir && executable(join(dir, name))) return join(dir, name);
  } catch {
    // no go command: nothing more to look at
  }
  return null;
}

// ---- the server process -------------------------------------------------------------------

/**
 * What gopls is asked to be: prefix matching, no deep or snippet completions, no diagnostics. No
 * search of unimported packages either (it waits out the completion budget on every name): the
 * kernel imports the standard packages a cell uses, so their names are offered by the kernel and
 * their members resolve once the name is written.
 */
export const GOPLS_SETTINGS = {
  matcher: "CaseInsensitive",
  deepCompletion: false,
  usePlaceholders: false,
  completeUnimported: false,
  completionBudget: "100ms",
  diagnosticsTrigger: "Save",
  linksInHover: true,
  hoverKind: "FullDocumentation",
};

export interface CompletionItem {
  label: string;
  kind?: number;
  detail?: string;
  documentation?: string | { kind: string; value: string };
  sortText?: string;
  filterText?: string;
  insertText?: string;
  textEdit?: { range: { start: LspPosition; end: LspPosition }; newText: string };
}

export interface Hover {
  contents: { kind: string; value: string } | string | ({ language: string; value: string } | string)[];
  range?: { start: LspPosition; end: LspPosition };
}

export interface GoplsOptions {
  binary: string;
  /** The scratch module: gopls's workspace. */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The go command the session uses; its directory goes first on gopls's PATH. */
  goBinary?: string;
  log: (line: string) => void;
  /** Consecutive failed starts after which gopls is given up for the session. */
  maxFailedStarts?: number;
  /** A server that has said nothing for this long while asked something is killed and restarted. */
  silenceMs?: number;
  /** After a timeout, how long a request waits until the server answers one again. */
  suspectWaitMs?: number;
}

interface Server extends Killable {
  ready: Promise<void>;
  /** Overlays this server has been told about: name -> version and text. */
  docs: Map<string, { version: number; text: string }>;
  lastHeard: number;
  exited: boolean;
  initialized: boolean;
  /** A request timed out and none has been answered since: wait for it only briefly. */
  suspect: boolean;
}

/**
 * The gopls child and its overlays. Every call takes a deadline; nothing here waits past it, and
 * what was started (the server, its loading of packages) carries on for the next call.
 */
export class Gopls {
  private server: Server | null = null;
  private failedStarts = 0;
  private disabled = false;
  private closed = false;

  constructor(private readonly options: GoplsOptions) {}

  /** The running server's process id (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.server && !this.server.exited ? this.server.proc.pid : undefined;
  }

  get usable(): boolean {
    return !this.disabled && !this.closed;
  }

  /** Starts gopls now if it is not running, without waiting for it. */
  warm(): void {
    if (this.usable) void this.ensure().ready.catch(() => undefined);
  }

  async completion(files: Record<string, string>, file: string, position: LspPosition, deadline: number): Promise<CompletionItem[] | null> {
    const result = await this.ask<{ items?: CompletionItem[] } | CompletionItem[] | null>(files, deadline, (conn, uri, ms) =>
      conn.request("textDocument/completion", { textDocument: { uri: uri(file) }, position, context: { triggerKind: 1 } }, ms),
    );
    if (result === null) return null;
    return Array.isArray(result) ? result : (result.items ?? []);
  }

  async hover(files: Record<string, string>, file: string, position: LspPosition, deadline: number): Promise<Hover | null> {
    return this.ask<Hover | null>(files, deadline, (conn, uri, ms) =>
      conn.request("textDocument/hover", { textDocument: { uri: uri(file) }, position }, ms),
    );
  }

  /** Kills gopls (and the go commands it runs: its process group). Idempotent. */
  close(): void {
    this.closed = true;
    const server = this.server;
    this.server = null;
    if (server) kill(server);
  }

  private async ask<T>(
    files: Record<string, string>,
    deadline: number,
    send: (conn: LspConnection, uri: (name: string) => string, timeoutMs: number) => Promise<T>,
  ): Promise<T | null> {
    if (!this.usable) return null;
    const server = this.ensure();
    const until = server.suspect ? Math.min(deadline, Date.now() + (this.options.suspectWaitMs ?? 500)) : deadline;
    const left = () => until - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const ready = await Promise.race([
      server.ready.then(
        () => "ready" as const,
        () => "failed" as const,
      ),
      new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), Math.max(0, left())))),
    ]).finally(() => clearTimeout(timer));
    const conn = server.conn;
    if (ready === "failed" || server.exited || !conn || conn.isClosed) return null;
    if (ready === "late" || left() <= 0) {
      this.timedOut(server);
      return null;
    }
    this.sync(conn, server, files);
    const { RequestTimeout, ConnectionClosed } = await loadLsp();
    try {
      const result = await send(conn, (name) => pathToFileURL(join(this.options.dir, name)).href, left());
      server.suspect = false;
      return result;
    } catch (err) {
      if (err instanceof RequestTimeout) this.timedOut(server);
      else if (!(err instanceof ConnectionClosed)) this.options.log(`gopls: ${(err as Error).message}`);
      return null;
    }
  }

  /** Tells the server the content of each file (full text), when it changed. */
  private sync(conn: LspConnection, server: Server, files: Record<string, string>): void {
    for (const [name, text] of Object.entries(files)) {
      const uri = pathToFileURL(join(this.options.dir, name)).href;
      const doc = server.docs.get(name);
      if (!doc) {
        server.docs.set(name, { version: 1, text });
        conn.notify("textDocument/didOpen", { textDocument: { uri, languageId: "go", version: 1, text } });
      } else if (doc.text !== text) {
        doc.version++;
        doc.text = text;
        conn.notify("textDocument/didChange", { textDocument: { uri, version: doc.version }, contentChanges: [{ text }] });
      }
    }
  }

  /** A request went unanswered; a server silent for long while asked things is taken for hung. */
  private timedOut(server: Server): void {
    server.suspect = true;
    const silence = Date.now() - server.lastHeard;
    if (silence < (this.options.silenceMs ?? 10_000) || server !== this.server) return;
    this.server = null;
    kill(server);
    if (!server.initialized && ++this.failedStarts >= (this.options.maxFailedStarts ?? 3)) {
      this.disabled = true;
      this.options.log(`gopls never answered (${this.failedStarts} starts): completion and inspection go on without it`);
    } else {
      this.options.log(`gopls said nothing for ${Math.round(silence / 1000)} s: killed it; it restarts on the next completion`);
    }
  }

  private ensure(): Server {
    if (this.server && !this.server.exited) return this.server;
    const { binary, dir, env, goBinary, log } = this.options;
    const path = goBinary && isAbsolute(goBinary) ? `${dirname(goBinary)}${delimiter}${env.PATH ?? ""}` : env.PATH;
    const proc = spawn(binary, ["serve"], {
      cwd: dir,
      env: { ...env, PATH: path },
      stdio: ["pipe", "pipe", "pipe"],
      // A process group of its own: a signal-mode interrupt (SIGINT to the kernel's group) must not
      // reach it, and killing the group takes the go commands it runs along.
      detached: true,
    });
    adopt(proc);
    let stderrTail = "";
    proc.stderr!.setEncoding("utf8");
    proc.stderr!.on("data", (chunk: string) => (stderrTail = (stderrTail + chunk).slice(-2048)));
    const server: Server = {
      proc,
      conn: null,
      ready: Promise.resolve(),
      docs: new Map(),
      lastHeard: Date.now(),
      exited: false,
      initialized: false,
      suspect: false,
    };
    const exited = new Promise<never>((_, reject) => {
      const gone = (why: string) => {
        if (server.exited) return;
        server.exited = true;
        server.conn?.close();
        if (this.server === server) this.server = null;
        const tail = stderrTail.trim().split("\n").slice(-3).join(" | ");
        if (!this.closed && !server.killed) {
          if (!server.initialized && ++this.failedStarts >= (this.options.maxFailedStarts ?? 3)) {
            this.disabled = true;
            log(`gopls ${why}${tail ? `: ${tail}` : ""}; it failed to start ${this.failedStarts} times: completion and inspection go on without it`);
          } else {
            log(`gopls ${why}${tail ? `: ${tail}` : ""}; it restarts on the next completion`);
          }
        }
        reject(new Error(`gopls ${why}`));
      };
      proc.on("exit", (code, signal) => gone(signal ? `was killed by ${signal}` : `exited with status ${code}`));
      proc.on("error", (err) => gone(`could not start: ${err.message}`));
    });
    exited.catch(() => undefined);
    server.ready = Promise.race([
      exited,
      (async () => {
        const { LspConnection } = await loadLsp();
        if (server.exited || server.killed) throw new Error("gopls is gone");
        const conn = (server.conn = new LspConnection(proc.stdout!, proc.stdin!, {
          onRequest: (method) => (method === "window/showMessageRequest" || method === "client/registerCapability" ? null : undefined),
          onActivity: () => (server.lastHeard = Date.now()),
          // GOPERF_GOPLS_LOG=1: gopls's own log lines go to the kernel's log (debugging).
          onNotification: env.GOPERF_GOPLS_LOG
            ? (method, params) => method === "window/logMessage" && log(`gopls: ${String((params as { message?: string }).message).trim()}`)
            : undefined,
          onBroken: (err) => {
            log(`gopls: ${err.message}: restarting it`);
            kill(server);
          },
        }));
        await conn.request("initialize", {
          processId: process.pid,
          clientInfo: { name: "goperf" },
          rootUri: pathToFileURL(dir).href,
          workspaceFolders: [{ uri: pathToFileURL(dir).href, name: "goperf-session" }],
          capabilities: {
            general: { positionEncodings: ["utf-16"] },
            textDocument: {
              synchronization: { dynamicRegistration: false },
              completion: { completionItem: { snippetSupport: false, documentationFormat: ["markdown", "plaintext"] } },
              hover: { contentFormat: ["markdown", "plaintext"] },
            },
            workspace: { configuration: false, workspaceFolders: true },
          },
          initializationOptions: GOPLS_SETTINGS,
        });
        conn.notify("initialized", {});
        server.initialized = true;
        this.failedStarts = 0;
      })(),
    ]);
    server.ready.catch(() => undefined);
    this.server = server;
    log(`gopls started (pid ${proc.pid}) on ${dir}`);
    return server;
  }
}

interface Killable {
  proc: ChildProcess;
  /** Set once the connection module is loaded, before the server is asked anything. */
  conn: LspConnection | null;
  killed?: boolean;
}

function kill(server: Killable): void {
  server.killed = true;
  server.conn?.close();
  const pid = server.proc.pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    try {
      server.proc.kill("SIGKILL");
    } catch {
      // gone already
    }
  }
}
