// Running a built program: its output streamed under a cap, under a memory limit, its death
// turned into a CellError in the cell's own coordinates.

import { killGroup, run, type RunResult } from "../go/toolchain.js";
import { MAX_TRACE, StderrSplitter, describeDeath } from "../go/runoutput.js";
import { QUIT_GRACE_MS, guardCommand, memoryLimitError, whereInCell } from "../go/guard.js";
import { displayChannel } from "../go/displayrun.js";
import type { Bundle } from "../go/sidechannel.js";
import { interrupted, type CellError } from "./errors.js";
import { bridgeStdin, canBridgeStdin } from "./stdin.js";

export interface OutputCallbacks {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The value of the cell's last expression, when the program reports one. */
  result?(data: Bundle): void;
  /** goperf/display's outputs; without them the program gets no display channel (test binaries). */
  display?(data: Bundle, metadata: Record<string, unknown>, displayId?: string): void;
  update?(displayId: string, data: Bundle, metadata: Record<string, unknown>): void;
  /**
   * A line of input for a program that waits on stdin (null: end of file; a rejection: no answer, and
   * stdin stays open until the program ends). Without it stdin is /dev/null: a read gets end of file
   * at once (benchmarks, tests).
   */
  input?(): Promise<string | null>;
  /** The program's process group, once it has started (to sample its CPU use beside other load). */
  started?(pgid: number): void;
}

export const OUTPUT_CAP = 1024 * 1024;

/** Where and how a program runs: the session's dir and env, and its record of the running group. */
export interface RunPlace {
  cwd: string;
  env: NodeJS.ProcessEnv;
  track(start: (onSpawn: (pid: number) => void) => Promise<RunResult>): Promise<RunResult>;
}

/** Runs a built program, streaming its output; the death of the program becomes a CellError. */
export async function runProgram(place: RunPlace, binary: string, args: string[], out: OutputCallbacks, signal?: AbortSignal): Promise<CellError | null> {
  const splitter = new StderrSplitter();
  let budget = OUTPUT_CAP;
  let noticed = false;
  const capped = (emit: (text: string) => void) => (text: string) => {
    if (!text) return;
    if (budget <= 0) {
      if (!noticed) {
        noticed = true;
        out.stderr(`\n[goperf: output beyond ${OUTPUT_CAP / 1024} KiB was dropped; the program kept running]\n`);
      }
      return;
    }
    emit(text.slice(0, budget));
    budget -= text.length;
  };
  const stdout = capped(out.stdout);
  const stderr = capped(out.stderr);
  // Through the launcher (what the program starts ends with it), under a memory cap (RLIMIT_DATA +
  // GOMEMLIMIT). Stdin is /dev/null unless the front end can answer a read (stdin.ts).
  const guarded = await guardCommand(binary, args, place.env);
  let pgid = 0;
  const toStderr = (chunk: string) => {
    stderr(splitter.push(chunk));
    // A dying program past the trace cap is only listing goroutines (a million take minutes).
    if ((splitter.deathTrace?.length ?? 0) >= MAX_TRACE && pgid) killGroup(pgid);
  };
  // Displays in order with the prints around them (displayrun.ts); none for a test binary.
  const channel = displayChannel(out, stdout, toStderr);
  let stopStdin = () => undefined as void;
  const input = out.input;
  const onStdin = input && canBridgeStdin() ? (stdin: NodeJS.WritableStream, pid: number) => (stopStdin = bridgeStdin(stdin, pid, input)) : undefined;
  const result = await place.track((onSpawn) =>
    run(guarded.binary, guarded.args, {
      cwd: place.cwd,
      env: channel?.env(guarded.env) ?? guarded.env,
      signal,
      onSpawn: (pid) => {
        onSpawn((pgid = pid));
        out.started?.(pid);
      },
      quitFirstMs: QUIT_GRACE_MS,
      onFd3: channel?.fd3,
      onStdout: channel?.stdout ?? stdout,
      onStdin,
      onStderr: channel?.stderr ?? toStderr,
    }),
  );
  stopStdin();
  const shown = channel?.finish() ?? null;
  stderr(splitter.flush());
  if (result.interrupted) return interrupted(whereInCell(splitter.deathTrace));
  const trace = splitter.deathTrace;
  if (trace !== null && result.code !== 0) return memoryLimitError(trace, guarded.limitMiB) ?? describeDeath(trace);
  if (result.killedBy) {
    const text = `the program was killed by ${result.killedBy}`;
    return { ename: "Killed", evalue: text, traceback: [text] };
  }
  if (result.code !== 0) {
    if (trace) stderr(trace);
    const text = `exit status ${result.code}`;
    return { ename: "ExitError", evalue: text, traceback: [text] };
  }
  if (shown) out.result?.(shown);
  return null;
}
