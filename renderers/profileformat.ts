// The words for a profile's figures ("1 alloc/op, 8 B/op", "12.5% CPU"): shared by the static
// renderer and the JupyterLab extension, so it imports nothing but the report's types (browser-safe).

import type { ProfileFigures, ProfileReport } from "../kernel/reports/profile.js";

export function num(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? String(Math.round(x * 100) / 100) : String(Math.round(x * 10000) / 10000);
}

function ns(x: number): string {
  return x >= 1e6 ? `${num(x / 1e6)} ms` : x >= 1e3 ? `${num(x / 1e3)} µs` : `${num(x)} ns`;
}

/** The figures in words: "1 alloc/op, 8 B/op (+4 over the run)", "12.5% CPU", "3 µs/op waiting (40%)". */
export function figuresText(f: ProfileFigures, kind: ProfileReport["kind"], iterations = 0): string {
  switch (kind) {
    case "mem": {
      const a = f.allocs_per_op ?? 0;
      const extra = (f.allocs_total ?? 0) - a * iterations;
      const once = extra > 0 && iterations > 0 ? ` (+${extra} over the run)` : "";
      return `${num(a)} alloc${a === 1 ? "" : "s"}/op, ${num(f.bytes_per_op ?? 0)} B/op${once}`;
    }
    case "cpu":
      return `${num(f.cpu_pct ?? 0)}% CPU`;
    default:
      return `${ns(f.delay_ns_per_op ?? 0)}/op waiting (${num(f.delay_pct ?? 0)}%)`;
  }
}

