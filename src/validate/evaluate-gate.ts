// The gate: judges a stage's merged statistics with its checks and decides
// whether downstream stages may run.
import { makeResult } from "./check-result.js";
import { describeError } from "./describe-error.js";
import { missingReason, needsState } from "./missing-state.js";
import type { Check, CheckResult, GateContext, GateReport, StageCounts } from "./types.js";

/** What evaluateGate() needs. */
export interface EvaluateGateOptions {
  pipeline: string;
  stage: string;
  runId: string;
  checks: readonly Check[];
  /** Merged states, one per check in order (from mergeStats). */
  state: readonly unknown[];
  /** Row counts of the stage, all shards. */
  counts: StageCounts;
  /** Counts of this stage in the pipeline's last successful run, or null. */
  lastSuccess: StageCounts | null;
  /** The time checks measure freshness against; also the report's evaluatedAt. */
  now: Date;
}

/**
 * Runs every check and reports; passed unless a check with severity "fail"
 * failed (warnings never fail the gate). Never throws for a check: one that
 * throws, or whose state is missing, becomes a failed result saying why.
 */
export function evaluateGate(options: EvaluateGateOptions): GateReport {
  const { pipeline, stage, runId, checks, state, counts, lastSuccess, now } = options;
  const ctx: GateContext = { stage, counts, lastSuccess, now };
  const results = checks.map((check, i) => evaluateCheck(check, state[i], ctx));
  const passed = results.every((r) => r.passed || r.severity !== "fail");
  return { pipeline, stage, runId, passed, counts, checks: results, evaluatedAt: now.toISOString() };
}

/** One check's result; fails closed on missing state or a thrown error. */
function evaluateCheck(check: Check, state: unknown, ctx: GateContext): CheckResult {
  const identity = { name: check.name, severity: check.severity };
  if (needsState(check)) {
    const reason = missingReason(state);
    if (reason !== null) {
      return makeResult(identity, false, null, null, `${check.name}: not evaluated, ${reason}; the check fails closed`);
    }
  }
  try {
    const result: unknown = check.evaluate(state ?? undefined, ctx);
    if (typeof result !== "object" || result === null || typeof (result as CheckResult).passed !== "boolean") {
      return makeResult(identity, false, null, null, `${check.name}: the check returned no result`);
    }
    // identity first keeps name and severity at the front of the JSON, and last makes them win.
    return { ...identity, ...(result as CheckResult), ...identity };
  } catch (error) {
    return makeResult(identity, false, null, null, `${check.name}: the check threw an error: ${describeError(error)}`);
  }
}
