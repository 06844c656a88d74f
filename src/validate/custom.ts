// custom: a check written by the user. Without `add` it judges the counts
// only; with `add` it folds records like the built-in checks, and then needs
// `initial` and `merge` too (shards are always merged). Its state must be
// plain JSON, since it is saved in checkpoints.
import type { Row } from "../pipeline/types.js";
import { type CheckOptions, CheckDefinitionError, readSeverity } from "./check-options.js";
import { makeResult } from "./check-result.js";
import type { Check, CheckResult, GateContext } from "./types.js";

/** What a custom evaluate may return instead of a plain boolean. */
export interface CustomVerdict {
  passed: boolean;
  observed?: unknown;
  expected?: unknown;
  /** Default: "<name>: passed" or "<name>: failed". */
  message?: string;
  examples?: unknown[];
}

/** The functions of a custom check, plus the common options (severity; the name is the first argument). */
export interface CustomCheckOptions<State> extends Omit<CheckOptions, "name"> {
  /** A fresh state (plain JSON); required with `add`. */
  initial?: () => State;
  /** Folds a batch of output records into the state (may mutate it). */
  add?: (state: State, records: Row[]) => State;
  /** Combines two shards' states; must be associative; required with `add`. */
  merge?: (a: State, b: State) => State;
  /** Judges the merged state (undefined without `add`) and the stage counts. */
  evaluate: (state: State | undefined, ctx: GateContext) => boolean | CustomVerdict;
}

/** Makes a check from user functions; a malformed verdict makes evaluate throw (the gate then fails the check). */
export function custom<State = unknown>(name: string, options: CustomCheckOptions<State>): Check<State> {
  if (typeof name !== "string" || name === "") throw new CheckDefinitionError(String(name), "a custom check needs a name");
  const severity = readSeverity(options, name);
  const { initial, add, merge, evaluate } = options;
  if (typeof evaluate !== "function") throw new CheckDefinitionError(name, "evaluate must be a function");
  if (add && (!initial || !merge)) throw new CheckDefinitionError(name, "a check with add also needs initial and merge");

  const check: Check<State> = {
    name,
    severity,
    evaluate: (state, ctx) => toResult({ name, severity }, evaluate(state, ctx)),
  };
  if (initial) check.initial = initial;
  if (add) check.add = add;
  if (merge) check.merge = merge;
  return check;
}

function toResult(check: Pick<CheckResult, "name" | "severity">, verdict: boolean | CustomVerdict): CheckResult {
  if (typeof verdict === "boolean") {
    return makeResult(check, verdict, null, null, `${check.name}: ${verdict ? "passed" : "failed"}`);
  }
  if (typeof verdict !== "object" || verdict === null || typeof verdict.passed !== "boolean") {
    throw new Error(`evaluate must return a boolean or { passed: boolean, … }, not ${JSON.stringify(verdict) ?? String(verdict)}`);
  }
  const { passed, observed = null, expected = null, examples } = verdict;
  const message = verdict.message ?? `${check.name}: ${passed ? "passed" : "failed"}`;
  return makeResult(check, passed, observed, expected, message, examples);
}
