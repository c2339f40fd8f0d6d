// The cell dispatcher: what a cell means. Passes in a fixed order: magic lines are found and their
// arguments parsed (a usage error stops the cell before anything runs), then the Go code runs —
// through the one magic that takes it, or as a plain cell — then the remaining magics, in order.

import type { ExecuteContext, ExecuteOutcome, Executor } from "../kernel/handler.js";
import type { MimeBundle, Payload } from "../kernel/protocol.js";
import { banner, languageVersion } from "../kernel/info.js";
import { interrupted, type CellError, type CellSource, type Session } from "../kernel/session.js";
import { UsageError, parseArgs, usage, type Parsed } from "./args.js";
import { splitMagics, splitWords, type MagicLine } from "../kernel/magicline.js";
import type { Editing } from "./editing.js";
import type { Registry } from "./registry.js";
import type { Magic, MagicContext, MagicState } from "./types.js";

export class Dispatcher implements Executor {
  private current: AbortController | null = null;
  private readonly state: MagicState = new Map();
  private editor: Promise<Editing> | undefined;

  constructor(
    private readonly session: Session,
    private readonly magics: Registry,
    private readonly log: (line: string) => void,
  ) {}

  languageVersion(): string {
    return languageVersion(this.session.go);
  }

  banner(): string {
    return banner(this.session.go, this.session.toolchainError()?.evalue);
  }

  async execute(source: string, ctx: ExecuteContext): Promise<ExecuteOutcome> {
    const controller = new AbortController();
    this.current = controller;
    const payload: Payload[] = [];
    try {
      const error = await this.executeCell(source, ctx, controller.signal, payload);
      // An interrupted cell says so, whatever step it was in (a build killed midway is no compile error).
      if (controller.signal.aborted) return { status: "error", ...(error?.ename === "Interrupted" ? error : interrupted()) };
      if (error) return { status: "error", ...error };
      return { status: "ok", payload };
    } finally {
      this.current = null;
    }
  }

  private async executeCell(source: string, ctx: ExecuteContext, signal: AbortSignal, payload: Payload[]): Promise<CellError | null> {
    const { code, magics } = splitMagics(source);
    let calls: Call[];
    try {
      calls = mergeBatches(magics.map((m) => this.parseMagic(m)));
    } catch (err) {
      if (err instanceof UsageError) return usageError(err);
      throw err;
    }
    const takers = calls.filter((c) => c.magic.takesCode);
    if (takers.length > 1) {
      const text = `a cell can hold only one of ${takers.map((c) => "%" + c.magic.name).join(", ")}: each decides how the cell's code is built`;
      return { ename: "UsageError", evalue: text, traceback: [text] };
    }
    const cell: CellSource = { count: ctx.count, cellId: ctx.cellId, source };
    const runCode = () => this.runPlain(code, cell, ctx, signal);
    const contextFor = (call: Call): MagicContext => ({
      session: this.session,
      cell,
      code,
      line: call.line,
      lines: call.lines,
      sink: ctx.sink,
      signal,
      state: this.state,
      runCode,
      page: (text) => payload.push({ source: "page", data: { "text/plain": text }, start: 0 }),
      catalog: () => this.magics.all(),
    });
    try {
      for (const call of calls) {
        const early = await call.magic.prepare?.(contextFor(call), call.parsed);
        if (early) return early;
      }
      if (takers.length === 0 && (code.trim() !== "" || calls.length === 0)) {
        const error = await runCode();
        if (error) return error;
      }
      // The magic that takes the code builds it first; the others then see the cell's code in place.
      for (const call of [...takers, ...calls.filter((c) => !c.magic.takesCode)]) {
        if (signal.aborted) return interrupted();
        const error = await call.magic.run(contextFor(call), call.parsed);
        if (error) return error;
      }
    } catch (err) {
      if (err instanceof UsageError) return usageError(err);
      throw err;
    }
    return null;
  }

  private parseMagic(m: MagicLine): Call {
    const magic = this.magics.get(m.name);
    if (!magic) {
      const known = this.magics.all().map((x) => "%" + x.name).join(", ");
      throw new UsageError(`unknown magic %${m.name} on line ${m.line}; the magics are ${known}`, {
        name: m.name,
        summary: "",
        options: [],
      });
    }
    const words = splitWords(m.rest);
    if ((!magic.verbatim || words.length === 1) && (words.includes("--help") || words.includes("-help") || words.includes("-h"))) {
      return { magic: helpFor(magic), parsed: { options: {}, args: [] }, line: m.line, lines: [m.line] };
    }
    if (magic.verbatim) return { magic, parsed: { options: {}, args: words }, line: m.line, lines: [m.line] };
    if (magic.rawArgs) {
      const lead = /^\s*((?:--?[A-Za-z][\w-]*(?:=\S*)?\s+)*)(.*)$/s.exec(m.rest + " ")!;
      const parsed = parseArgs(magic, splitWords(lead[1]));
      const raw = lead[2].trim();
      return { magic, parsed: { options: parsed.options, args: raw ? [raw] : [] }, line: m.line, lines: raw ? [m.line] : [] };
    }
    return { magic, parsed: parseArgs(magic, words), line: m.line, lines: [m.line] };
  }

  /** A plain Go cell: stage, build, commit, run. */
  private async runPlain(code: string, cell: CellSource, ctx: ExecuteContext, signal: AbortSignal): Promise<CellError | null> {
    const staged = await this.session.stage(code, cell, { show: true, progress: (t) => ctx.sink.stream("stderr", t), signal });
    if ("ename" in staged) return staged;
    if (!staged.runnable) {
      const compiled = await this.session.compile(staged, [], signal);
      if (signal.aborted) return interrupted();
      if (!compiled.ok) return compileError(compiled.output);
      this.session.commit(staged, compiled);
      return null;
    }
    const built = await this.session.build(staged, signal);
    if (signal.aborted) return interrupted();
    if (!built.ok) return compileError(built.output);
    this.session.commit(staged, built);
    return this.session.runProgram(
      built.binary,
      [],
      {
        stdout: (t) => ctx.sink.stream("stdout", t),
        stderr: (t) => ctx.sink.stream("stderr", t),
        result: (data) => ctx.sink.result(data),
        display: (data, metadata, displayId) => ctx.sink.display(data, { metadata, displayId }),
        update: (displayId, data, metadata) => ctx.sink.update(displayId, data, metadata),
        input: this.inputFor(ctx),
      },
      signal,
    );
  }

  /** Lines for a program that reads stdin: from the front end when it allows input, else end of file, said once. */
  private inputFor(ctx: ExecuteContext): () => Promise<string | null> {
    if (ctx.input) return () => ctx.input!("");
    let told = false;
    return async () => {
      if (!told) ctx.sink.stream("stderr", "[goperf: the program reads stdin, but the front end allows no input (allow_stdin is false): it reads end of file]\n");
      told = true;
      return null;
    };
  }

  isComplete(code: string) {
    const { code: goCode, magics } = splitMagics(code);
    if (magics.length > 0 && goCode.trim() === "") return Promise.resolve({ status: "complete" as const });
    return this.session.isComplete(goCode).then((status) => ({ status, ...(status === "incomplete" ? { indent: "\t" } : {}) }));
  }

  async complete(code: string, cursorPos: number) {
    const chars = [...code];
    // cursor_pos comes from the client: clamped to the code before anything walks it.
    cursorPos = Math.min(chars.length, Math.max(0, Math.trunc(cursorPos) || 0));
    return (await this.editing()).complete(code, cursorPos);
  }

  async inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<{ found: boolean; data: MimeBundle }> {
    cursorPos = Math.min([...code].length, Math.max(0, Math.trunc(cursorPos) || 0));
    return (await this.editing()).inspect(code, cursorPos, detailLevel);
  }

  /** Completion and inspection (gopls, started on first use): loaded then too, not with the kernel. */
  private editing(): Promise<Editing> {
    this.editor ??= import("./editing.js").then(({ Editing }) => new Editing({ session: this.session, magics: () => this.magics.all(), log: this.log }));
    return this.editor;
  }

  interrupt(): void {
    this.current?.abort();
  }

  async shutdown(): Promise<void> {
    this.current?.abort();
    (await this.editor?.catch(() => undefined))?.close();
    await this.session.close();
  }
}

interface Call {
  magic: Magic;
  parsed: Parsed;
  line: number;
  lines: number[];
}

/** A batch magic's lines become one call: options combined, arguments in line order. */
function mergeBatches(calls: Call[]): Call[] {
  const merged: Call[] = [];
  for (const call of calls) {
    const first = call.magic.batch ? merged.find((c) => c.magic === call.magic) : undefined;
    if (!first) {
      merged.push(call);
      continue;
    }
    for (const [k, v] of Object.entries(call.parsed.options)) if (v !== undefined && v !== false) first.parsed.options[k] = v;
    first.parsed.args.push(...call.parsed.args);
    first.lines.push(...call.parsed.args.map(() => call.line));
  }
  return merged;
}

/** `%NAME --help`: the usage, shown as output. */
function helpFor(magic: Magic): Magic {
  return {
    ...magic,
    takesCode: false,
    prepare: undefined, // help only: no prediction shown, no toolchain switched
    async run(ctx) {
      ctx.sink.display({ "text/plain": usage(magic) });
      return null;
    },
  };
}

function usageError(err: UsageError): CellError {
  return { ename: "UsageError", evalue: err.message, traceback: err.text.split("\n") };
}

/** `go build` / `go list` failure output -> one error, in the cell's coordinates. */
export function compileError(output: string): CellError {
  const lines = output.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("# "));
  const userLines = lines.filter((l) => !/^goperf-[\w.]+:\d+/.test(l));
  const shown = userLines.length > 0 ? userLines : lines;
  return { ename: "CompileError", evalue: shown[0] ?? "the build failed", traceback: shown };
}
