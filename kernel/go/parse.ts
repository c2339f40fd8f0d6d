// The client of the Go cell parser (kernel/go/cellparse): a small Go program, built once with
// the user's own go command, that splits cells with go/scanner and go/parser. It runs as one
// long-lived child speaking line-delimited JSON, so a split costs a pipe round trip, not a
// process start.

import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { ensureHelperBinary } from "./helpers.js";

export type UnitKind = "import" | "func" | "method" | "type" | "var" | "const" | "stmt";

export interface UnitImport {
  path: string;
  /** The explicit package name ("m", "_", "."), or "" when the import has none. */
  name: string;
}

export interface Unit {
  kind: UnitKind;
  /** func: [name]; method: ["Recv.Name"]; type/var/const: every declared name, "_" included; import/stmt: []. */
  names: string[];
  /** 1-based line and byte column of the first byte of `text` in the cell. */
  line: number;
  col: number;
  /** The exact cell slice, leading comments and directives included. */
  text: string;
  /** Only for kind "import". */
  imports?: UnitImport[];
  /** A parenthesized group: `var ( ... )`, `import ( ... )`. */
  group: boolean;
  /** For func and method: how many results it declares. */
  results?: number;
  /**
   * A top-level short variable declaration (`x, err := f()`), kept as a session variable (kind
   * "var"): the byte offset of its `:=` in `text`, which stays exactly the cell's.
   */
  define?: number;
  /** For a statement that is a lone expression: the expression, and its callee when a call. */
  expr?: { text: string; line: number; col: number; call: boolean; callee?: string };
}

export interface CellSyntaxError {
  /** 1-based line and byte column in the cell's own coordinates. */
  line: number;
  col: number;
  /** go/parser's (or go/scanner's) message. */
  msg: string;
}

export type SplitResult = { ok: true; units: Unit[] } | { ok: false; error: CellSyntaxError };

/**
 * One struct as the helper's type checker lays it out. The published LayoutType
 * (kernel/reports/layout.ts) has the same shape; magics/layout.ts hands one as the other, so the
 * build fails if they drift apart (kernel/go imports nothing outside itself).
 */
export interface LayoutRecord {
  name: string;
  size: number;
  align: number;
  ptrdata: number;
  padding: number;
  fields: { name: string; type: string; offset: number; size: number; align: number; ptrdata: number; padding: number }[];
  optimal: { order: string[]; size: number; ptrdata: number };
}

export interface LayoutResult {
  types: LayoutRecord[] | null;
  /** The struct types the file declares, and its other named types. */
  structs: string[] | null;
  others: string[] | null;
  missing?: string[];
  notStruct?: string[];
  /** The type checker's errors, in cell coordinates. */
  errors?: string[];
}

export type Completeness = "complete" | "incomplete" | "invalid";

export interface CellParserOptions {
  /** The go command to build the helper with (a name on PATH or a path). */
  goBinary: string;
  /** Where built helpers are kept, one per helper source and Go version. */
  cacheDir: string;
  env?: NodeJS.ProcessEnv;
  /** How long a request may go unanswered; 10 s unless a test needs otherwise. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const STDERR_TAIL_BYTES = 4096;

type Response = Record<string, unknown>;

export class CellParser {
  private helper: Helper | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 0;
  private closed = false;

  private constructor(
    private readonly binary: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly timeoutMs: number,
  ) {}

  /** Builds the helper if this Go version has not built this source yet, then starts it. */
  static async start(opts: CellParserOptions): Promise<CellParser> {
    const env = opts.env ?? process.env;
    const binary = await ensureHelperBinary("cellparse", opts.goBinary, opts.cacheDir, env);
    const parser = new CellParser(binary, env, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    parser.helper = Helper.spawn(binary, env);
    return parser;
  }

  /** The helper's process id, while one runs (for diagnostics). */
  get pid(): number | undefined {
    return this.helper?.alive ? this.helper.pid : undefined;
  }

  async split(source: string): Promise<SplitResult> {
    const res = await this.request({ op: "split", source });
    if (Array.isArray(res.units)) return { ok: true, units: res.units as Unit[] };
    const error = syntaxError(res);
    if (error && error.line > 0) return { ok: false, error };
    throw protocolError("split", res);
  }

  async isComplete(source: string): Promise<Completeness> {
    const res = await this.request({ op: "complete", source });
    if (res.status === "complete" || res.status === "incomplete" || res.status === "invalid") return res.status;
    throw protocolError("complete", res);
  }

  /** Package names used as `pkg.Sel` and declared nowhere in `source`, a complete Go file. */
  async uses(source: string): Promise<string[]> {
    const res = await this.request({ op: "uses", source });
    if (Array.isArray(res.packages)) return res.packages as string[];
    throw protocolError("uses", res);
  }

  /** Package name to import path for the standard library under `goroot`. */
  async stdlib(goroot: string): Promise<Record<string, string>> {
    const res = await this.request({ op: "stdlib", goroot });
    const pkgs = res.packages;
    if (pkgs && typeof pkgs === "object" && !Array.isArray(pkgs)) return pkgs as Record<string, string>;
    throw protocolError("stdlib", res);
  }

  /** The function declared around each "file:line" the compiler printed ($GOROOT/... or absolute): pkg.F, pkg.(*T).M. */
  async funcsAt(goroot: string, positions: readonly string[]): Promise<Record<string, string>> {
    const res = await this.request({ op: "funcsAt", goroot, positions });
    if (res.names && typeof res.names === "object") return res.names as Record<string, string>;
    throw protocolError("funcsAt", res);
  }

  /** How the named structs of a composed file are laid out for `goarch` (go/types' gc sizes). */
  async layout(source: string, goroot: string, goarch: string, types: readonly string[], tags: { tool: string[]; release: string[] }): Promise<LayoutResult> {
    const res = await this.request({ op: "layout", source, goroot, goarch, types, toolTags: tags.tool, releaseTags: tags.release });
    if (res.layout && typeof res.layout === "object") return res.layout as LayoutResult;
    throw protocolError("layout", res);
  }

  /**
   * The main package `go test` would write for the package `importPath` whose test file is `source`
   * (cellparse/testmain.go). Null when the go command's rules refuse the file (a test function
   * with the wrong signature): the go command then says so itself.
   */
  async testMain(source: string, importPath: string, modulePath: string): Promise<string | null> {
    const res = await this.request({ op: "testmain", source, importPath, modulePath });
    if (typeof res.testmain === "string") return res.testmain;
    if (syntaxError(res)) return null;
    throw protocolError("testmain", res);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const helper = this.helper;
    this.helper = undefined;
    await helper?.stop();
  }

  /** One request in flight at a time: the helper answers in order and has no ids to spare. */
  private request(msg: Record<string, unknown>): Promise<Response> {
    const run = this.queue.then(() => this.exchangeWithRestart(msg));
    this.queue = run.catch(() => undefined);
    return run;
  }

  // A helper that died (crash, OOM kill, killed by a test) is restarted once per request.
  private async exchangeWithRestart(msg: Record<string, unknown>): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new Error("cellparse: the parser is closed");
      if (!this.helper?.alive) this.helper = Helper.spawn(this.binary, this.env);
      try {
        return await this.helper.exchange({ ...msg, id: ++this.nextId }, this.timeoutMs);
      } catch (err) {
        if (err instanceof HelperDied && attempt === 0 && !this.closed) continue;
        throw err;
      }
    }
  }
}

// ---- the child process ------------------------------------------------------------------

class HelperDied extends Error {}

interface Pending {
  id: number;
  resolve: (res: Response) => void;
  reject: (err: Error) => void;
}

class Helper {
  private exitedNow = false;
  /** Set when the helper is abandoned (timed out) before its exit is observed. */
  private retired = false;
  private buffered = "";
  private stderrTail = "";
  private pending: Pending | undefined;
  private readonly exited: Promise<void>;

  private constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (chunk: string) => this.onStdout(chunk));
    proc.stderr.setEncoding("utf8");
    proc.stderr.on("data", (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
    });
    // A write to a helper that just died fails with EPIPE; the exit handler reports it.
    proc.stdin.on("error", () => undefined);
    this.exited = new Promise((resolve) => {
      const onGone = (why: string) => {
        if (this.exitedNow) return;
        this.exitedNow = true;
        const tail = this.stderrTail.trim();
        this.fail(new HelperDied(`cellparse helper ${why}${tail ? `: ${tail}` : ""}`));
        resolve();
      };
      proc.on("exit", (code, signal) => onGone(signal ? `was killed by ${signal}` : `exited with code ${code}`));
      proc.on("error", (err) => onGone(`failed: ${err.message}`));
    });
  }

  static spawn(binary: string, env: NodeJS.ProcessEnv): Helper {
    return new Helper(spawn(binary, [], { env, stdio: ["pipe", "pipe", "pipe"] }));
  }

  get alive(): boolean {
    return !this.exitedNow && !this.retired;
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  exchange(msg: Record<string, unknown> & { id: number }, timeoutMs: number): Promise<Response> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // A helper that stops answering is of no further use; the next request starts afresh.
        this.retired = true;
        this.fail(new Error(`cellparse helper did not answer "${String(msg.op)}" within ${timeoutMs / 1000} s`));
        this.proc.kill("SIGKILL");
      }, timeoutMs);
      const settle = () => clearTimeout(timer);
      this.pending = {
        id: msg.id,
        resolve: (res) => (settle(), resolve(res)),
        reject: (err) => (settle(), reject(err)),
      };
      if (!this.alive) return this.fail(new HelperDied("cellparse helper is not running"));
      this.proc.stdin.write(JSON.stringify(msg) + "\n");
    });
  }

  /** Ends stdin so the helper exits on EOF; kills it if it lingers. */
  async stop(): Promise<void> {
    if (this.exitedNow) return;
    this.proc.stdin.end();
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 2000);
    await this.exited;
    clearTimeout(timer);
  }

  private onStdout(chunk: string): void {
    this.buffered += chunk;
    for (let nl = this.buffered.indexOf("\n"); nl >= 0; nl = this.buffered.indexOf("\n")) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    let res: Response;
    try {
      res = JSON.parse(line) as Response;
    } catch {
      return this.fail(new Error(`cellparse helper wrote something that is not JSON: ${line.slice(0, 200)}`));
    }
    const pending = this.pending;
    // An answer to anything but the request in flight is stale; ignore it.
    if (!pending || res.id !== pending.id) return;
    this.pending = undefined;
    pending.resolve(res);
  }

  private fail(err: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(err);
  }
}

function syntaxError(res: Response): CellSyntaxError | undefined {
  const e = res.error as Partial<CellSyntaxError> | undefined;
  if (!e || typeof e !== "object" || typeof e.msg !== "string") return undefined;
  return { line: Number(e.line ?? 0), col: Number(e.col ?? 0), msg: e.msg };
}

function protocolError(op: string, res: Response): Error {
  const e = syntaxError(res);
  if (!e) return new Error(`cellparse ${op}: unexpected answer ${JSON.stringify(res).slice(0, 200)}`);
  return new Error(e.line > 0 ? `cellparse ${op}: ${e.line}:${e.col}: ${e.msg}` : `cellparse ${op}: ${e.msg}`);
}
