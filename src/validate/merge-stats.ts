// Combining the statistics of a stage's shards into one state per check,
// which the gate then judges.
import { describeError } from "./describe-error.js";
import { formatCount } from "./format.js";
import { missingReason, missingState, needsState } from "./missing-state.js";
import type { Check } from "./types.js";

/**
 * Merges shards' `Stats#state()` arrays (one per shard, in shard order) into
 * one state per check. Never throws: a check whose state is absent from a
 * shard (null/undefined entry or array) or whose merge throws gets a
 * missing-state marker, and the gate fails that check closed.
 */
export function mergeStats(
  checks: readonly Check[],
  states: ReadonlyArray<readonly unknown[] | null | undefined>,
): unknown[] {
  return checks.map((check, i) => (needsState(check) ? mergeCheck(check, i, states) : null));
}

function mergeCheck(
  check: Check,
  index: number,
  shards: ReadonlyArray<readonly unknown[] | null | undefined>,
): unknown {
  if (shards.length === 0) return missingState("no shard sent statistics");
  const parts: unknown[] = [];
  for (let s = 0; s < shards.length; s++) {
    const state = shards[s]?.[index];
    const reason = missingReason(state);
    if (reason !== null) {
      const what = state === null || state === undefined ? "sent no statistics" : `has no statistics (${reason})`;
      return missingState(`shard ${s + 1}/${formatCount(shards.length)} ${what}`);
    }
    parts.push(state);
  }
  if (parts.length === 1) return parts[0];
  if (!check.merge) return missingState(`the check has no merge, so the statistics of ${formatCount(parts.length)} shards cannot be combined`);
  try {
    return parts.reduce((a, b) => check.merge!(a, b));
  } catch (error) {
    return missingState(`merging the shards' statistics failed: ${describeError(error)}`);
  }
}
