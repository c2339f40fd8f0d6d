// %expect's and %predict's report (application/vnd.goperf.claims.v1+json): each claim as written
// and whether the evidence bore it out. A published schema (README "The vendor JSON types") that
// imports nothing.

export interface Claim {
  /** The claim as written. */
  text: string;
  /** 1-based line in the cell. */
  line: number;
  passed: boolean;
  /** What was found: the evidence, or why it failed. */
  detail: string;
}

export interface ClaimReport {
  go_version: string;
  /** Claims fail the cell; predictions (drills) are scored, never failing. */
  kind: "claims" | "predictions";
  claims: Claim[];
  /** Predictions shown before the code is built: not yet scored. */
  pending?: boolean;
  /** --warn: failures are shown but do not fail the cell. */
  warnOnly: boolean;
}
