// Giving back the memory of large inbound frames soon after they are dropped. zeromq hands each
// frame to the kernel as a Buffer over memory allocated outside V8's heap; when a burst of large
// frames (a big cell, a flood of oversize messages) has been verified and dropped, the objects that
// hold them are garbage that no allocation on V8's heap makes it collect: they stay until V8's
// idle-time collection, 10 to 20 s later, and the kernel's RSS stays raised by the burst
// meanwhile (the 10,000-frame fuzz of test/reliability/wire.test.ts: 58 -> 147 MiB). After
// LARGE_TOTAL bytes of large frames the kernel runs one full collection, DELAY_MS after the first
// of them (one for a whole burst).
//
// Node exposes the collection to JS only under --expose-gc; the flag is set here at run time and
// applies to contexts created afterwards, so `gc` is taken from a fresh one: the kernel's command
// line (the kernelspec) stays as it is, and nothing changes unless large frames arrive. node:v8
// and node:vm load then, not at start (node:v8 alone is a few ms of a kernel's start-up).

/** A message at least this large counts: a cell's code is rarely more than a few KiB. */
export const LARGE_MESSAGE = 1024 * 1024;
const LARGE_TOTAL = 8 * 1024 * 1024;
const DELAY_MS = 100;

let pending = 0;
let timer: NodeJS.Timeout | undefined;
let gc: (() => void) | null | undefined;

/** Told of each large message received (and dropped or handled by now). */
export function droppedLarge(bytes: number): void {
  pending += bytes;
  if (pending < LARGE_TOTAL || timer) return;
  timer = setTimeout(() => void collect(), DELAY_MS);
  timer.unref();
}

async function collect(): Promise<void> {
  timer = undefined;
  pending = 0;
  gc ??= await exposeGc();
  gc?.();
}

async function exposeGc(): Promise<(() => void) | null> {
  try {
    const [{ setFlagsFromString }, { runInNewContext }] = await Promise.all([import("node:v8"), import("node:vm")]);
    setFlagsFromString("--expose-gc");
    const fn = runInNewContext("gc") as unknown;
    return typeof fn === "function" ? (fn as () => void) : null;
  } catch {
    return null; // left to V8's own schedule
  }
}
