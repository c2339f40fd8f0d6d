// The display channel of one program run: what runProgram hooks in where it reads the program's
// pipes. A fresh token per run (the markers' secret, display/channel.go) goes to the program in
// its environment; the relay (displayrelay.ts) orders what comes back.

import { randomBytes } from "node:crypto";
import { DISPLAY_ENV, DisplayRelay } from "./displayrelay.js";
import { DISPLAY_CAPS } from "./sidechannel.js";
import type { Bundle } from "./sidechannel.js";

export interface DisplayTargets {
  stderr(text: string): void;
  result?(data: Bundle): void;
  display?(data: Bundle, metadata: Record<string, unknown>, displayId?: string): void;
  update?(displayId: string, data: Bundle, metadata: Record<string, unknown>): void;
}

export interface DisplayChannel {
  /** The program's environment with the channel's token added. */
  env(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  fd3(chunk: Buffer): void;
  stdout(text: string): void;
  stderr(text: string): void;
  /** After the program ended and its pipes closed: flushes what was held; the cell's value, if any. */
  finish(): Bundle | null;
}

/**
 * A channel when the caller takes displays or a value; null for a run whose outputs are parsed
 * (a test binary): it gets no token, and goperf/display there encodes and drops.
 * `stdout`/`stderr`: where the program's text goes once ordered (after the caller's caps).
 */
export function displayChannel(out: DisplayTargets, stdout: (t: string) => void, stderr: (t: string) => void): DisplayChannel | null {
  if (!out.display && !out.result) return null;
  const token = randomBytes(9).toString("base64url");
  const relay = new DisplayRelay(token, {
    stdout,
    stderr,
    display: (data, metadata, id) => out.display?.(data, metadata, id),
    update: (id, data, metadata) => out.update?.(id, data, metadata),
    // Past the output cap too: a note about what was dropped must not be dropped itself.
    note: (text) => out.stderr(`[goperf display: ${text}]\n`),
  });
  return {
    // The program sends one display past the cap (the relay notes the cap) and no more.
    env: (base) => (out.display ? { ...base, [DISPLAY_ENV]: `${token}/${DISPLAY_CAPS.displays}` } : base),
    fd3: (chunk) => relay.fd3(chunk),
    stdout: (text) => relay.stdout(text),
    stderr: (text) => relay.stderr(text),
    finish: () => relay.finish(),
  };
}
