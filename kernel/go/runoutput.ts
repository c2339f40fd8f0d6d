// What a Go program writes to stderr when it dies (a panic, a fatal runtime error) is the cell's
// error, not a stream: it is held back from streaming and turned into one error output.

// "SIGQUIT: " begins the goroutine dump the kernel asks for when it interrupts a program.
const DEATH_MARKERS = ["panic: ", "fatal error: ", "runtime: ", "SIGQUIT: "];
/** A death trace is kept up to this size; past it the program is only printing goroutines (a million
 * of them take minutes), and the kernel stops it. */
export const MAX_TRACE = 256 * 1024;

export class StderrSplitter {
  private line = "";
  private trace: string | null = null;

  /** Returns the text to stream now; text that may begin a death trace is held back. */
  push(chunk: string): string {
    if (this.trace !== null) {
      this.appendTrace(chunk);
      return "";
    }
    let out = "";
    for (const ch of chunk.split(/(?<=\n)/)) {
      if (this.trace !== null) {
        this.appendTrace(ch);
        continue;
      }
      this.line += ch;
      if (DEATH_MARKERS.some((m) => this.line.startsWith(m))) {
        this.trace = "";
        this.appendTrace(this.line);
        this.line = "";
      } else if (this.line.endsWith("\n") || !DEATH_MARKERS.some((m) => m.startsWith(this.line))) {
        out += this.line;
        this.line = "";
      }
    }
    return out;
  }

  /** Text still held at exit that turned out not to be a trace. */
  flush(): string {
    const rest = this.line;
    this.line = "";
    return rest;
  }

  get deathTrace(): string | null {
    return this.trace;
  }

  private appendTrace(text: string): void {
    if (this.trace!.length < MAX_TRACE) this.trace += text.slice(0, MAX_TRACE - this.trace!.length);
  }
}

export interface Death {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** A death trace -> ename, evalue, traceback. */
export function describeDeath(trace: string): Death {
  const lines = trace.replace(/\n+$/, "").split("\n");
  const fatal = lines.find((l) => l.startsWith("fatal error: "));
  const panic = lines.find((l) => l.startsWith("panic: "));
  if (panic && !fatal) {
    return { ename: "panic", evalue: panic.slice("panic: ".length).replace(/ \[recovered\]$/, ""), traceback: lines };
  }
  if (fatal) return { ename: "fatal error", evalue: fatal.slice("fatal error: ".length), traceback: lines };
  return { ename: "runtime error", evalue: lines[0].replace(/^runtime: /, ""), traceback: lines };
}
