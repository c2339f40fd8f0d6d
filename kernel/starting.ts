// The kernel's executor while its session has not started: kernel_info is answered from what is
// known of the toolchain (its release, or the whole detection), and the session (the watchdog, the scratch module, the parser, the
// magics and their renderers) is loaded and started only after the first reply has gone out, or
// by the first request that needs it. A front end sees the kernel ready as soon as its sockets are
// bound; the session's start overlaps with the time the reader takes to type the first cell.

import type { ExecuteContext, ExecuteOutcome, Executor } from "./handler.js";
import type { MimeBundle, ReplyContent } from "./protocol.js";
import type { Detection } from "./go/toolchain.js";
import { banner, languageVersion, type KnownToolchain } from "./info.js";

export class StartingExecutor implements Executor {
  private executor?: Executor;
  private starting?: Promise<Executor>;
  /** Interrupts seen so far: a cell that waited for the start and was interrupted meanwhile stops. */
  private interrupts = 0;

  /** `known`: a detection, or the release read from the toolchain's files (see go/goroot.ts). */
  constructor(
    private readonly known: Detection | { release: string },
    private readonly start: () => Promise<Executor>,
  ) {}

  private toolchain(): KnownToolchain | null {
    const k = this.known;
    return "release" in k ? { version: k.release } : k.ok ? k.info : null;
  }

  /** Starts the session once; later calls return the same start. */
  begin(): Promise<Executor> {
    this.starting ??= this.start().then((executor) => (this.executor = executor));
    return this.starting;
  }

  languageVersion(): string {
    return this.executor?.languageVersion() ?? languageVersion(this.toolchain());
  }

  banner(): string {
    const k = this.known;
    return this.executor?.banner() ?? banner(this.toolchain(), "release" in k || k.ok ? undefined : k.problem);
  }

  async execute(code: string, ctx: ExecuteContext): Promise<ExecuteOutcome> {
    const seen = this.interrupts;
    const executor = await this.begin();
    if (this.interrupts !== seen) return { status: "error", ...(await import("./session.js")).interrupted() }; // loaded by now
    return executor.execute(code, ctx);
  }

  async isComplete(code: string): Promise<ReplyContent<"is_complete_request">> {
    return (await this.begin()).isComplete(code);
  }

  async complete(code: string, cursorPos: number): Promise<Omit<ReplyContent<"complete_request">, "status">> {
    return (await this.begin()).complete(code, cursorPos);
  }

  async inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<{ found: boolean; data: MimeBundle }> {
    return (await this.begin()).inspect(code, cursorPos, detailLevel);
  }

  interrupt(): void {
    this.interrupts++;
    this.executor?.interrupt();
  }

  /** A session that never started has nothing to stop. */
  async shutdown(restart: boolean): Promise<void> {
    if (this.starting) await (await this.starting).shutdown(restart);
  }
}
