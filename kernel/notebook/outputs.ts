// iopub messages -> the outputs a notebook stores, as JupyterLab keeps them: consecutive stream
// messages of one name merged (carriage returns and backspaces applied), display updates applied
// in place to the output carrying that display_id, text MIME types split into lines. Pure.

import type { DisplayDataOutput, ExecuteResultOutput, MimeData, Output } from "./nbformat.js";
import { joinText, splitLines, splitMimeBundle } from "./nbformat.js";

/** The part of a Jupyter message this module reads. */
export interface IopubMessage {
  header: { msg_type: string };
  content: unknown;
}

type Displayable = DisplayDataOutput | ExecuteResultOutput;

/**
 * Outputs by display_id. Shared by every cell of a run: like JupyterLab, an update reaches the
 * output wherever it is, even in an earlier cell.
 */
export class DisplayRegistry {
  private readonly byId = new Map<string, Displayable[]>();

  register(displayId: string, output: Displayable): void {
    this.byId.set(displayId, [...(this.byId.get(displayId) ?? []), output]);
  }

  /** Replaces data and metadata of every output shown under the id; false when there is none. */
  update(displayId: string, data: MimeData, metadata: Record<string, unknown>): boolean {
    const targets = this.byId.get(displayId);
    if (!targets) return false;
    for (const output of targets) {
      output.data = splitMimeBundle(data);
      output.metadata = { ...metadata };
    }
    return true;
  }
}

/** One cell's outputs, built message by message. */
export class OutputCollector {
  readonly outputs: Output[] = [];
  private clearPending = false;

  constructor(private readonly displays: DisplayRegistry = new DisplayRegistry()) {}

  /** Takes any iopub message; the ones that are not outputs (status, execute_input) are ignored. */
  add(message: IopubMessage): void {
    const content = (message.content ?? {}) as Record<string, unknown>;
    switch (message.header.msg_type) {
      case "stream":
        this.stream(content.name === "stderr" ? "stderr" : "stdout", String(content.text ?? ""));
        return;
      case "display_data":
        this.display({ output_type: "display_data", data: splitMimeBundle(bundle(content.data)), metadata: object(content.metadata) }, content);
        return;
      case "execute_result":
        this.display(
          {
            output_type: "execute_result",
            execution_count: typeof content.execution_count === "number" ? content.execution_count : null,
            data: splitMimeBundle(bundle(content.data)),
            metadata: object(content.metadata),
          },
          content,
        );
        return;
      case "update_display_data": {
        const id = displayIdOf(content);
        if (id !== undefined) this.displays.update(id, bundle(content.data), object(content.metadata));
        return;
      }
      case "error":
        this.push({
          output_type: "error",
          ename: String(content.ename ?? ""),
          evalue: String(content.evalue ?? ""),
          traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
        });
        return;
      case "clear_output":
        if (content.wait) this.clearPending = true;
        else this.outputs.length = 0;
        return;
      default:
        return;
    }
  }

  private stream(name: "stdout" | "stderr", text: string): void {
    this.flushClear();
    const last = this.outputs[this.outputs.length - 1];
    if (last?.output_type === "stream" && last.name === name) {
      last.text = splitLines(applyOverwrites(joinText(last.text) + text));
      return;
    }
    this.outputs.push({ output_type: "stream", name, text: splitLines(applyOverwrites(text)) });
  }

  private display(output: Displayable, content: Record<string, unknown>): void {
    this.push(output);
    const id = displayIdOf(content);
    if (id !== undefined) this.displays.register(id, output);
  }

  private push(output: Output): void {
    this.flushClear();
    this.outputs.push(output);
  }

  private flushClear(): void {
    if (!this.clearPending) return;
    this.clearPending = false;
    this.outputs.length = 0;
  }
}

/** The outputs a sequence of iopub messages leaves in one cell. */
export function outputsFromMessages(messages: readonly IopubMessage[], displays?: DisplayRegistry): Output[] {
  const collector = new OutputCollector(displays);
  for (const m of messages) collector.add(m);
  return collector.outputs;
}

/**
 * What a terminal (and JupyterLab's output area) leaves of text with `\r` and `\b` in it: a
 * carriage return goes back to the start of the line and the next characters overwrite it; a
 * backspace deletes the character before it. A `\r` at the very end is kept, so that text merged
 * after it can still overwrite the line.
 */
export function applyOverwrites(text: string): string {
  if (!/[\r\b]/.test(text)) return text;
  const normalized = text.replace(/\r+\n/g, "\n");
  const lines = normalized.split("\n");
  return lines
    .map((line, i) => {
      const last = i === lines.length - 1;
      const trailingCR = last && line.endsWith("\r");
      const chars: string[] = [];
      let cursor = 0;
      for (const ch of trailingCR ? line.replace(/\r+$/, "") : line) {
        if (ch === "\r") cursor = 0;
        else if (ch === "\b") {
          if (cursor > 0) {
            chars.splice(cursor - 1, 1);
            cursor--;
          }
        } else {
          chars[cursor] = ch;
          cursor++;
        }
      }
      return chars.join("") + (trailingCR ? "\r" : "");
    })
    .join("\n");
}

function displayIdOf(content: Record<string, unknown>): string | undefined {
  const transient = content.transient as { display_id?: unknown } | undefined;
  return typeof transient?.display_id === "string" ? transient.display_id : undefined;
}

function bundle(value: unknown): MimeData {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? { ...(value as MimeData) } : {};
}

function object(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
}
