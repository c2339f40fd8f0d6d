// Where a profile's cost lands: per cell line (the innermost cell frame of each sample), per
// function (flat and cumulative), and as a call tree for the flame graph. Pure.
//
// Allocation counts per iteration must add up to what the testing package reports as allocs/op
// for the same run. The heap profile covers the whole test binary, so only samples whose stack
// passes through the benchmark's own function count (the testing package's printing, profile
// writing and other goroutines do not); of a b.N-style benchmark, the warm-up call that
// testing.(*B).run1 makes with b.N = 1 is left out when the measured run (testing.(*B).launch)
// is in the profile, as the testing package leaves it out.

import { innermostCellFrame, shortFuncName, type DecodedProfile, type ProfileSample } from "./pprof.js";
import type { FlameNode, ProfileFigures, ProfileFunction, ProfileKind } from "../reports/profile.js";
import { TINY_COMBINED_SIZE } from "../go/tinyoverlay.js";

export { TINY_COMBINED_SIZE };


const HARNESS = /^(testing\.|runtime\.goexit$|runtime\.main$|main\.main$)/;

export interface LineCost extends ProfileFigures {
  cell: number;
  line: number;
}

export interface Costs {
  lines: LineCost[];
  functions: ProfileFunction[];
  flame: FlameNode;
  samplesTotal: number;
  /** Cost that lands on no cell line (runtime goroutines, the GC), in the kind's main unit. */
  outsideCells: ProfileFigures;
  truncated: boolean;
}

export interface CostOptions {
  kind: ProfileKind;
  /** "BenchmarkSquareLogged". */
  benchmark: string;
  /** The session's package path in the test binary ("goperf.session"). */
  packagePath: string;
  iterations: number;
  /** At most this many functions are kept (the rest: truncated). */
  maxFunctions?: number;
  /** Flame graph frames narrower than this share of the root are dropped. */
  minFlameShare?: number;
}

/** The two numbers a sample contributes: [count-like, amount-like] (allocs and bytes, CPU ticks and ns, events and delay ns). */
function sampleCost(s: ProfileSample, kind: ProfileKind, types: DecodedProfile["sampleTypes"]): [number, number] {
  if (kind === "mem") {
    const objects = indexOf(types, "alloc_objects", 0);
    const space = indexOf(types, "alloc_space", 1);
    const bytes = s.numLabels.bytes === TINY_COMBINED_SIZE ? 0 : s.values[space];
    return [s.values[objects], bytes];
  }
  return [s.values[0] ?? 0, s.values[1] ?? s.values[0] ?? 0];
}

function indexOf(types: DecodedProfile["sampleTypes"], name: string, fallback: number): number {
  const i = types.findIndex((t) => t.type === name);
  return i < 0 ? fallback : i;
}

/** The samples that belong to the benchmark's measured iterations (see the file comment). */
export function benchmarkSamples(profile: DecodedProfile, benchmark: string, packagePath: string): ProfileSample[] {
  const own = `${packagePath}.${benchmark}`;
  const inBench = profile.samples.filter((s) => s.stack.some((f) => f.func === own || f.func.startsWith(`${own}.`)));
  const through = (s: ProfileSample, name: string) => s.stack.some((f) => f.func === name);
  const measured = inBench.filter((s) => through(s, "testing.(*B).launch"));
  return measured.length ? measured : inBench;
}

export function costs(profile: DecodedProfile, opts: CostOptions): Costs {
  const { kind, iterations } = opts;
  const all = profile.samples.map((s) => ({ s, c: sampleCost(s, kind, profile.sampleTypes) })).filter((x) => x.c[0] !== 0 || x.c[1] !== 0);
  // Allocations per iteration count the benchmark's own; CPU and waiting count everything the
  // process spent (the GC's workers run, and runtime locks are contended, because of the benchmark).
  const chosen = kind !== "mem" ? all : (() => {
    const keep = new Set(benchmarkSamples(profile, opts.benchmark, opts.packagePath));
    return all.filter((x) => keep.has(x.s));
  })();
  const totals = chosen.reduce((t, x) => [t[0] + x.c[0], t[1] + x.c[1]], [0, 0]);
  const figures = (c: [number, number]): ProfileFigures => {
    switch (kind) {
      case "mem":
        return { allocs_per_op: Math.floor(c[0] / iterations), bytes_per_op: Math.floor(c[1] / iterations), allocs_total: c[0], bytes_total: c[1] };
      case "cpu":
        return { cpu_pct: totals[0] ? (100 * c[0]) / totals[0] : 0 };
      default:
        return { delay_ns_per_op: c[1] / iterations, delay_pct: totals[1] ? (100 * c[1]) / totals[1] : 0 };
    }
  };

  const byLine = new Map<string, { cell: number; line: number; c: [number, number] }>();
  const outside: [number, number] = [0, 0];
  const flat = new Map<string, [number, number]>();
  const cum = new Map<string, [number, number]>();
  const add = (m: Map<string, [number, number]>, k: string, c: [number, number]) => {
    const v = m.get(k) ?? [0, 0];
    m.set(k, [v[0] + c[0], v[1] + c[1]]);
  };
  const root: FlameNode = { name: "all", value: 0, children: [] };
  const flameValue = (c: [number, number]) => (kind === "cpu" || kind === "mem" ? c[0] : c[1]);
  for (const { s, c } of chosen) {
    const at = innermostCellFrame(s.stack);
    if (at) {
      const key = `${at.cell}:${at.line}`;
      const e = byLine.get(key) ?? { cell: at.cell, line: at.line, c: [0, 0] };
      e.c = [e.c[0] + c[0], e.c[1] + c[1]];
      byLine.set(key, e);
    } else {
      outside[0] += c[0];
      outside[1] += c[1];
    }
    const names = s.stack.map((f) => shortFuncName(f.func, opts.packagePath));
    if (names.length) add(flat, names[0], c);
    // The testing package's own frames are in every stack: the table is about the code measured.
    for (const n of new Set(names)) if (!HARNESS.test(n)) add(cum, n, c);
    // Outermost first, as a flame graph stacks them.
    let node = root;
    node.value += flameValue(c);
    for (let i = names.length - 1; i >= 0; i--) {
      let child = node.children.find((ch) => ch.name === names[i]);
      if (!child) node.children.push((child = { name: names[i], value: 0, children: [] }));
      child.value += flameValue(c);
      node = child;
    }
  }

  const maxFunctions = opts.maxFunctions ?? 60;
  const ranked = [...cum.entries()].sort((a, b) => b[1][0] - a[1][0] || b[1][1] - a[1][1] || a[0].localeCompare(b[0]));
  const functions = ranked.slice(0, maxFunctions).map(([name, c]) => ({ name, flat: figures(flat.get(name) ?? [0, 0]), cum: figures(c) }));
  const pruned = prune(root, root.value * (opts.minFlameShare ?? 0.005));
  const lines = [...byLine.values()].sort((a, b) => a.cell - b.cell || a.line - b.line).map((e) => ({ cell: e.cell, line: e.line, ...figures(e.c) }));
  return {
    lines,
    functions,
    flame: root,
    samplesTotal: profile.samples.length,
    outsideCells: figures(outside),
    truncated: ranked.length > maxFunctions || pruned,
  };
}

/** Drops frames below `min` (in place); true when any was dropped. */
function prune(node: FlameNode, min: number): boolean {
  const before = node.children.length;
  node.children = node.children.filter((c) => c.value >= min && c.value > 0);
  let dropped = node.children.length < before;
  node.children.sort((a, b) => a.name.localeCompare(b.name));
  for (const c of node.children) dropped = prune(c, min) || dropped;
  return dropped;
}
