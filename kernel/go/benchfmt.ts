// Reads `go test -bench` output: the Go benchmark data format (proposal 14313)
// plus what the testing package and the go command print around it.
//
// The format itself is small: "key: value" configuration lines, and result
// lines "<name> <iterations> <value> <unit>...". The rest is the testing
// package's doing and shapes what this parser tolerates:
//   - it prints a benchmark's name before running it and the numbers after, so
//     anything the benchmark prints lands between them ("BenchmarkX-2 \thello"
//     then "     100\t  5.5 ns/op" on the next line);
//   - a failure after the first run prints "BenchmarkX-2 \t--- FAIL: BenchmarkX-2";
//   - a panic kills the binary mid-line ("BenchmarkX-2 \tpanic: ..."), and may
//     first flush a bogus "0 iterations, NaN ns/op" line.
// No line is dropped: what is not config, a result or a failure goes to `other`.

export interface BenchRun {
  iterations: number;
  /** NaN if the line has no ns/op (a benchmark can drop it with ReportMetric(0, "ns/op")). */
  ns_per_op: number;
  bytes_per_op?: number;
  allocs_per_op?: number;
  mb_per_s?: number;
  /** Units other than the four above, e.g. from b.ReportMetric. */
  metrics: Record<string, number>;
}

/** `name` is the full name without the -P suffix: "BenchmarkSum/size=10". */
export interface BenchResultLine {
  name: string;
  procs: number;
  run: BenchRun;
}

export interface BenchOutput {
  config: Record<string, string>;
  results: BenchResultLine[];
  failures: { name: string; output: string[] }[];
  status: "ok" | "fail";
  other: string[];
  /** A benchmark whose name testing printed but whose numbers never came (the binary died in it). */
  unfinished?: string;
}

const KNOWN_UNITS: Record<string, "ns_per_op" | "bytes_per_op" | "allocs_per_op" | "mb_per_s"> = {
  "ns/op": "ns_per_op",
  "B/op": "bytes_per_op",
  "allocs/op": "allocs_per_op",
  "MB/s": "mb_per_s",
};

// Keys contain no spaces or upper-case letters; the value may be empty.
const CONFIG = /^([^\s:A-Z][^\s:A-Z]*):(?:[ \t]+(.*))?$/;
// Lines of that shape the toolchain prints that are not configuration.
const NOT_CONFIG = new Set(["panic", "testing"]);
const CRASH_START = /^(?:panic: |fatal error: )/;
const CRASH_END = /^(?:exit status \d+|FAIL(?:\s.*)?|ok\s.*)$/;
const FAIL_HEADER = /^--- FAIL: (\S+)/;
const LOG_HEADER = /^--- (?:BENCH|SKIP): /;
// A result without its name, as testing prints it: "%8d" iterations, then
// tab-separated "value unit" pairs. Anything before it on the line is output
// the benchmark printed without a newline.
const TAIL = /(\d+)((?:\t[ ]*\S+ \S+)+)[ \t]*$/;
const NAMED = /^(Benchmark\S*)\s+(.*)$/;

function splitProcs(full: string): { name: string; procs: number } {
  const m = /^(.*)-(\d+)$/.exec(full);
  return m ? { name: m[1], procs: Number(m[2]) } : { name: full, procs: 1 };
}

// strconv.ParseFloat spellings that Number() does not read the same way.
function parseValue(s: string): number | undefined {
  if (/^[+-]?(?:inf|infinity)$/i.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(s)) return NaN;
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

/** Reads "<iterations> <value> <unit>..." fields; undefined if they are not that. */
function parseRun(fields: string[]): BenchRun | undefined {
  if (fields.length < 3 || fields.length % 2 === 0 || !/^\d+$/.test(fields[0])) return undefined;
  const run: BenchRun = { iterations: Number(fields[0]), ns_per_op: NaN, metrics: {} };
  for (let i = 1; i < fields.length; i += 2) {
    const value = parseValue(fields[i]);
    if (value === undefined) return undefined;
    const unit = fields[i + 1];
    const known = KNOWN_UNITS[unit];
    if (known) run[known] = value;
    else run.metrics[unit] = value;
  }
  return run;
}

const fieldsOf = (s: string) => s.trim().split(/\s+/).filter((f) => f !== "");

export class BenchStreamParser {
  private buffer = "";
  private readonly config: Record<string, string> = {};
  private readonly results: BenchResultLine[] = [];
  private readonly failures: { name: string; output: string[] }[] = [];
  private readonly other: string[] = [];
  private sawPass = false;
  private sawFail = false;
  /** Printed by testing before it runs a benchmark; the numbers may follow on a later line. */
  private running: string | undefined;
  /** An open "--- FAIL" block, collecting its indented lines. */
  private failing: { name: string; output: string[] } | undefined;
  /** An open "--- BENCH"/"--- SKIP" block: the benchmark's log, kept in `other`. */
  private logging = false;
  /** A panic or fatal error, collected until the go command's closing lines. */
  private crash: { name: string | undefined; output: string[] } | undefined;
  private ended: BenchOutput | undefined;

  /** Feeds a chunk; returns the results its complete lines finished. */
  push(chunk: string): BenchResultLine[] {
    if (this.ended) throw new Error("BenchStreamParser: push after end");
    this.buffer += chunk;
    const lines = this.buffer.split("\n");
    this.buffer = lines.pop() ?? "";
    const before = this.results.length;
    for (const line of lines) this.line(line.replace(/\r$/, ""));
    return this.results.slice(before);
  }

  end(): BenchOutput {
    if (this.ended) return this.ended;
    if (this.buffer !== "") this.line(this.buffer.replace(/\r$/, ""));
    this.buffer = "";
    this.closeBlocks();
    this.closeCrash();
    const status = this.sawPass && !this.sawFail && this.failures.length === 0 ? "ok" : "fail";
    this.ended = { config: { ...this.config }, results: [...this.results], failures: [...this.failures], status, other: [...this.other] };
    if (this.running !== undefined) this.ended.unfinished = splitProcs(this.running).name;
    return this.ended;
  }

  private line(line: string): void {
    if (this.crash) {
      if (CRASH_END.test(line)) {
        this.closeCrash();
        this.closing(line);
      } else {
        this.crash.output.push(line);
      }
      return;
    }
    if (/^\s/.test(line) && line.trim() !== "") {
      if (this.failing) return void this.failing.output.push(line);
      if (this.logging) return void this.other.push(line);
    }
    this.closeBlocks();
    if (line.trim() === "") return;

    const full = fieldsOf(line);
    if (full[0]?.startsWith("Benchmark")) {
      const run = parseRun(full.slice(1));
      if (run) return this.result(full[0], run, line);
    }

    const named = NAMED.exec(line);
    if (named) {
      // The name testing prints before running: the rest is the benchmark's
      // own output, a failure, a panic, or the numbers behind some output.
      this.running = named[1];
      return this.unnamed(named[2], line);
    }
    this.unnamed(line, line);
  }

  /** A line without a leading benchmark name; `whole` still has it, for `other`. */
  private unnamed(line: string, whole: string): void {
    if (CRASH_START.test(line)) {
      this.crash = { name: this.running, output: [line] };
      this.sawFail = true;
      return;
    }
    const fail = FAIL_HEADER.exec(line);
    if (fail) {
      this.failing = { name: splitProcs(fail[1]).name, output: [] };
      this.failures.push(this.failing);
      this.sawFail = true;
      this.running = undefined;
      return;
    }
    if (LOG_HEADER.test(line)) {
      this.logging = true;
      return void this.other.push(line);
    }
    const tail = TAIL.exec(line);
    if (tail) {
      const run = parseRun(fieldsOf(tail[1] + tail[2]));
      const prefix = line.slice(0, tail.index);
      const named = /^(.*?)(Benchmark\S*)\s+$/.exec(prefix);
      // Output printed before testing printed the name: "partialBenchmarkX-2 \t 100\t..."
      const name = named ? named[2] : this.running;
      if (run && name !== undefined) {
        const junk = (named ? named[1] : prefix).trim();
        if (junk !== "") this.other.push(junk);
        return this.result(name, run, line);
      }
    }
    // After a name, "key: value" is the benchmark's output, not configuration.
    const config = line === whole ? CONFIG.exec(line) : null;
    if (config && !NOT_CONFIG.has(config[1])) {
      this.config[config[1]] = config[2] ?? "";
      return;
    }
    this.closing(whole);
  }

  private result(fullName: string, run: BenchRun, raw: string): void {
    this.running = undefined;
    // testing never runs a benchmark zero times; such a line is flushed by a
    // crashing binary (with NaN ns/op) and is not a measurement.
    if (run.iterations === 0) return void this.other.push(raw);
    const { name, procs } = splitProcs(fullName);
    this.results.push({ name, procs, run });
  }

  /** PASS / FAIL / ok / exit status lines and anything else unrecognised. */
  private closing(line: string): void {
    if (line === "PASS" || /^ok\s/.test(line)) this.sawPass = true;
    if (/^FAIL(?:\s|$)/.test(line) || /^exit status [1-9]/.test(line)) this.sawFail = true;
    this.other.push(line);
  }

  private closeBlocks(): void {
    this.failing = undefined;
    this.logging = false;
  }

  private closeCrash(): void {
    if (!this.crash) return;
    // Without the name testing printed, the panicking benchmark is the first
    // Benchmark function in the goroutine trace ("pkg.BenchmarkX.func1(...)").
    const traced = this.crash.output.map((l) => /\.(Benchmark\w*)(?:\.func\d+)*\(/.exec(l)?.[1]).find((n) => n);
    const name = this.crash.name ?? traced ?? "";
    this.failures.push({ name: splitProcs(name).name, output: this.crash.output });
    this.crash = undefined;
    this.running = undefined;
  }
}

export function parseBenchOutput(text: string): BenchOutput {
  const parser = new BenchStreamParser();
  parser.push(text);
  return parser.end();
}
