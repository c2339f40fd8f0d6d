// The "honest noise" part of application/vnd.goperf.bench.v1+json (README: "bench.v1 noise"): what
// on this machine makes a timing less trustworthy, named before the run (frequency governor, other
// load) and after it (a spread of runs above the threshold), each with what to do about it.

export interface NoiseFinding {
  kind: "governor" | "load" | "spread";
  /** What was found, e.g. "CPU frequency governor is powersave (not performance)". */
  text: string;
  /** What to do, as benchstat's and perflock's documentation advise. */
  advice: string;
}

export interface NoiseReport {
  before: NoiseFinding[];
  after: NoiseFinding[];
}
