// The contract between the engine and validation checks. A check folds the
// records a stage writes into a small JSON state (so it can be saved in a
// checkpoint and merged across shards), then judges the merged state.
import type { Row } from "../pipeline/types.js";

/** `fail` stops downstream stages; `warn` is reported but lets them run. */
export type Severity = "fail" | "warn";

export interface CheckResult {
  name: string;
  severity: Severity;
  passed: boolean;
  /** What was seen, e.g. { rows: 11, min: -1116, max: 1688 }. */
  observed: unknown;
  /** What the check wanted, e.g. { min: -120, max: 1440 }. */
  expected: unknown;
  /** One sentence a person can act on. */
  message: string;
  /** A few offending values or rows, when the check has them. */
  examples?: unknown[];
}

/** Row counts of a stage (all shards), given to every check. */
export interface StageCounts {
  rowsIn: number;
  rowsOut: number;
  rowsInvalid: number;
}

export interface GateContext {
  stage: string;
  counts: StageCounts;
  /** Counts of this stage in the pipeline's last successful run, if any. */
  lastSuccess: StageCounts | null;
  now: Date;
}

export interface Check<State = unknown> {
  readonly name: string;
  readonly severity: Severity;
  /** Record fields the check reads; a field in no record at all fails the gate (a typo). */
  readonly fields?: readonly string[];
  /** A fresh state; omit when the check needs only the counts. */
  initial?(): State;
  /** Folds a batch of output records into the state (may mutate it). */
  add?(state: State, records: Row[]): State;
  /** Combines the states of two shards. Must be associative. */
  merge?(a: State, b: State): State;
  evaluate(state: State | undefined, ctx: GateContext): CheckResult;
}

/** The outcome of a stage's checks, written as JSON and Markdown. */
export interface GateReport {
  pipeline: string;
  stage: string;
  runId: string;
  passed: boolean;
  counts: StageCounts;
  checks: CheckResult[];
  evaluatedAt: string;
}
