// Jupyter messaging protocol 5.3 types. This module imports nothing: every other layer
// (wire, transport, handler, client) speaks in these types.

export const PROTOCOL_VERSION = "5.3";

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  /** ISO 8601 timestamp. */
  date: string;
  msg_type: string;
  version: string;
}

/** A decoded message, as carried on any socket. */
export interface Message<C = Record<string, unknown>> {
  /** ZeroMQ routing identities that preceded the `<IDS|MSG>` delimiter. */
  identities: Buffer[];
  header: Header;
  /** The header of the request this message answers, or `{}`. */
  parent_header: Header | Record<string, never>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

export type MimeBundle = Record<string, unknown>;

// ---- shell and control requests, paired with their replies -------------------------------

export interface ExecuteRequest {
  code: string;
  silent: boolean;
  store_history: boolean;
  user_expressions?: Record<string, string>;
  allow_stdin?: boolean;
  stop_on_error?: boolean;
}

export interface ReplyError {
  status: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface ExecuteOk {
  status: "ok";
  execution_count: number;
  user_expressions: Record<string, unknown>;
  payload: Payload[];
}
export type ExecuteReply = ExecuteOk | (ReplyError & { execution_count: number });

/** Pager payload: how a kernel shows help text outside the cell's outputs. */
export interface Payload {
  source: "page";
  data: MimeBundle;
  start: number;
}

export interface KernelInfoReply {
  status: "ok";
  protocol_version: string;
  implementation: string;
  implementation_version: string;
  language_info: {
    name: string;
    version: string;
    mimetype: string;
    file_extension: string;
    pygments_lexer: string;
    codemirror_mode: string;
    nbconvert_exporter: string;
  };
  banner: string;
  help_links: { text: string; url: string }[];
  debugger: boolean;
}

export interface IsCompleteRequest {
  code: string;
}
export interface IsCompleteReply {
  status: "complete" | "incomplete" | "invalid" | "unknown";
  indent?: string;
}

export interface CompleteRequest {
  code: string;
  cursor_pos: number;
}
export interface CompleteReply {
  status: "ok";
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata: Record<string, unknown>;
}

export interface InspectRequest {
  code: string;
  cursor_pos: number;
  detail_level: 0 | 1;
}
export interface InspectReply {
  status: "ok";
  found: boolean;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface HistoryRequest {
  output: boolean;
  raw: boolean;
  hist_access_type: "range" | "tail" | "search";
  session?: number;
  start?: number;
  stop?: number;
  n?: number;
  pattern?: string;
  unique?: boolean;
}
export interface HistoryReply {
  status: "ok";
  /** [session, line, input], or [session, line, [input, output]] when output was asked for. */
  history: [number, number, string | [string, string]][];
}

export interface CommInfoRequest {
  target_name?: string;
}
export interface CommInfoReply {
  status: "ok";
  comms: Record<string, { target_name: string }>;
}

export interface ShutdownRequest {
  restart: boolean;
}
export interface ShutdownReply {
  status: "ok";
  restart: boolean;
}

export type InterruptRequest = Record<string, never>;
export interface InterruptReply {
  status: "ok";
}

/** Each request type and the reply that answers it: a wrong reply is a compile error. */
export interface RequestReplies {
  execute_request: [ExecuteRequest, ExecuteReply];
  kernel_info_request: [Record<string, never>, KernelInfoReply];
  is_complete_request: [IsCompleteRequest, IsCompleteReply];
  complete_request: [CompleteRequest, CompleteReply];
  inspect_request: [InspectRequest, InspectReply];
  history_request: [HistoryRequest, HistoryReply];
  comm_info_request: [CommInfoRequest, CommInfoReply];
  shutdown_request: [ShutdownRequest, ShutdownReply];
  interrupt_request: [InterruptRequest, InterruptReply];
}
export type RequestType = keyof RequestReplies;
export type RequestContent<T extends RequestType> = RequestReplies[T][0];
export type ReplyContent<T extends RequestType> = RequestReplies[T][1];

export function replyTypeOf<T extends RequestType>(requestType: T): string {
  return requestType.replace(/_request$/, "_reply");
}

export function isRequestType(msgType: string): msgType is RequestType {
  return (REQUEST_TYPES as readonly string[]).includes(msgType);
}
export const REQUEST_TYPES = [
  "execute_request",
  "kernel_info_request",
  "is_complete_request",
  "complete_request",
  "inspect_request",
  "history_request",
  "comm_info_request",
  "shutdown_request",
  "interrupt_request",
] as const satisfies readonly RequestType[];

// ---- iopub ---------------------------------------------------------------------------------

export interface IopubContents {
  status: { execution_state: "busy" | "idle" | "starting" };
  execute_input: { code: string; execution_count: number };
  stream: { name: "stdout" | "stderr"; text: string };
  display_data: { data: MimeBundle; metadata: Record<string, unknown>; transient?: { display_id?: string } };
  update_display_data: { data: MimeBundle; metadata: Record<string, unknown>; transient: { display_id: string } };
  execute_result: { execution_count: number; data: MimeBundle; metadata: Record<string, unknown> };
  error: { ename: string; evalue: string; traceback: string[] };
  clear_output: { wait: boolean };
}
export type IopubType = keyof IopubContents;

// ---- connection file -------------------------------------------------------------------------

export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  shell_port: number;
  control_port: number;
  stdin_port: number;
  iopub_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}
