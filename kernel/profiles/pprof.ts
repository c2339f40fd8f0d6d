// Go profiles (pprof's profile.proto, gzipped, as test binaries write them) -> plain samples with
// their stacks. Decoded with pprof-format (Datadog's maintained profile.proto codec), not by
// scraping `go tool pprof` text. Pure: bytes in, records out.
//
// The kernel writes `//line cell[N]:L:C` directives, so the runtime's line table (and therefore
// every location in a profile) already names cell lines: a frame's file is "cell[3]" and its line
// the reader's. Nothing is remapped here.

import { gunzipSync } from "node:zlib";
import { Profile } from "pprof-format";

export interface Frame {
  /** As the runtime names it: "goperf/session.SquareLogged", "fmt.(*pp).doPrint". */
  func: string;
  file: string;
  line: number;
}

export interface ProfileSample {
  /** One value per sample type, in the profile's order. */
  values: number[];
  /** Innermost first; inlined calls appear as frames of their own, as pprof shows them. */
  stack: Frame[];
  /** Numeric labels ("bytes" for heap profiles: the allocation's size). */
  numLabels: Record<string, number>;
}

export interface DecodedProfile {
  sampleTypes: { type: string; unit: string }[];
  periodType: { type: string; unit: string };
  period: number;
  durationNanos: number;
  samples: ProfileSample[];
}

export function decodeProfile(bytes: Uint8Array): DecodedProfile {
  // The runtime always gzips; a profile someone saved uncompressed decodes too.
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  const p = Profile.decode(raw);
  const str = (i: number | bigint | undefined) => p.stringTable.strings[Number(i ?? 0)] ?? "";
  const funcs = new Map(p.function.map((f) => [Number(f.id), { name: symbolName(str(f.name)), file: str(f.filename) }]));
  const locations = new Map<number, Frame[]>();
  for (const loc of p.location) {
    const frames = loc.line.map((l) => {
      const f = funcs.get(Number(l.functionId));
      return { func: f?.name ?? "?", file: f?.file ?? "?", line: Number(l.line) };
    });
    locations.set(Number(loc.id), frames);
  }
  const samples = p.sample.map((s) => {
    const numLabels: Record<string, number> = {};
    for (const l of s.label) if (Number(l.num) !== 0 || !l.str) numLabels[str(l.key)] = Number(l.num);
    return {
      values: s.value.map(Number),
      stack: s.locationId.flatMap((id) => locations.get(Number(id)) ?? []),
      numLabels,
    };
  });
  return {
    sampleTypes: p.sampleType.map((t) => ({ type: str(t.type), unit: str(t.unit) })),
    periodType: { type: str(p.periodType?.type), unit: str(p.periodType?.unit) },
    period: Number(p.period ?? 0),
    durationNanos: Number(p.durationNanos ?? 0),
    samples,
  };
}

/** "cell[3]" -> 3. */
export function cellNumber(file: string): number | undefined {
  const m = /^cell\[(\d+)\]$/.exec(file);
  return m ? Number(m[1]) : undefined;
}

/** The innermost frame in cell code: where a sample's cost lands on the reader's source. */
export function innermostCellFrame(stack: readonly Frame[]): (Frame & { cell: number }) | undefined {
  for (const f of stack) {
    const cell = cellNumber(f.file);
    if (cell !== undefined) return { ...f, cell };
  }
  return undefined;
}

/** "goperf/session.(*T).M" -> "(*T).M"; "fmt.(*pp).doPrint" stays; closures keep ".func1". */
export function shortFuncName(name: string, mainPackage: string): string {
  const prefix = `${mainPackage}.`;
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/**
 * The linker escapes dots in an import path's last element ("goperf%2esession.F"); readers know
 * the package as "goperf.session".
 */
export function symbolName(name: string): string {
  return name.includes("%") ? name.replace(/%2e/gi, ".") : name;
}
