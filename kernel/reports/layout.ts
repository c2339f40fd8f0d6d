// %layout's report: struct layout as the Go type checker computes it for a GOARCH (go/types'
// gc sizes, what the compiler uses). Published schema (application/vnd.goperf.layout.v1+json).

export const LAYOUT_MIME = "application/vnd.goperf.layout.v1+json";

export interface LayoutField {
  name: string;
  /** The field's type as go/types writes it. */
  type: string;
  offset: number;
  size: number;
  align: number;
  /** Bytes of the field's prefix that can hold pointers (0: the GC never scans it). */
  ptrdata: number;
  /** Padding after this field, before the next one (or the end of the struct). */
  padding: number;
}

export interface LayoutType {
  name: string;
  size: number;
  align: number;
  /** Bytes from the start the GC must scan (runtime ptrdata). */
  ptrdata: number;
  /** Total padding bytes. */
  padding: number;
  fields: LayoutField[];
  /** The order fieldalignment suggests (field names), its size and ptrdata; equal to the current order when it is optimal. */
  optimal: { order: string[]; size: number; ptrdata: number };
}

export interface LayoutReport {
  go_version: string;
  goarch: string;
  types: LayoutType[];
}
