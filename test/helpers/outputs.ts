// Reading a kernel exchange's outputs in tests.
import { expect } from "chai";
import type { Exchange } from "../../kernel/client/client.js";

export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** The one error output of an exchange (asserting there is exactly one). */
export function errorOf(x: Exchange): ErrorContent {
  const errors = x.iopub.filter((m) => m.header.msg_type === "error");
  expect(errors, "exactly one error output").to.have.length(1);
  return errors[0].content as unknown as ErrorContent;
}

/**
 * The data of the output carrying a MIME type, or undefined: a display_data, or the last
 * update_display_data (%bench turns its progress display into the report).
 */
export function bundleWith(x: Exchange, mime: string): Record<string, unknown> | undefined {
  const has = (m: Exchange["iopub"][number]) => mime in ((m.content as { data?: object }).data ?? {});
  const shown =
    x.iopub.find((m) => m.header.msg_type === "display_data" && has(m)) ??
    x.iopub.filter((m) => m.header.msg_type === "update_display_data" && has(m)).pop();
  return (shown?.content as { data: Record<string, unknown> } | undefined)?.data;
}

/** The vendor JSON report a cell displayed under a MIME type (failing the test when absent). */
export function reportWith<T>(x: Exchange, mime: string): T {
  const data = bundleWith(x, mime);
  if (!data) throw new Error(`no ${mime} output: ${JSON.stringify(x.iopub.map((m) => [m.header.msg_type, m.content]))}`);
  return data[mime] as T;
}
