// The running statistics of one shard: every check's state, folded batch by
// batch while the stage writes, and saved in each checkpoint.
import type { Row } from "../pipeline/types.js";
import { needsState } from "./missing-state.js";
import type { Check } from "./types.js";

/** One shard's check states. */
export interface Stats {
  /** Folds a batch of output records into every check's state. */
  add(records: Row[]): void;
  /**
   * One JSON entry per check, in check order (null for checks that keep no
   * state). The entries are live: serialise them before the next add().
   */
  state(): unknown[];
}

/** Fresh statistics for `checks` (each check's initial state, null when it has none). */
export function makeStats(checks: readonly Check[]): Stats {
  return statsOf(checks, checks.map((check) => (check.initial ? check.initial() : null)));
}

/** Statistics continued from a checkpoint's `state()`; throws when it does not fit `checks`. */
export function restoreStats(checks: readonly Check[], saved: unknown): Stats {
  if (!Array.isArray(saved) || saved.length !== checks.length) {
    const found = Array.isArray(saved) ? `${saved.length} entries` : typeof saved;
    throw new Error(`checkpoint statistics do not fit the stage's ${checks.length} checks (found ${found}); the checks changed since the checkpoint was saved, so run with --fresh`);
  }
  checks.forEach((check, i) => {
    if (needsState(check) && (saved[i] === null || saved[i] === undefined)) {
      throw new Error(`checkpoint statistics have no state for check ${check.name}; the checks changed since the checkpoint was saved, so run with --fresh`);
    }
  });
  return statsOf(checks, [...saved]);
}

function statsOf(checks: readonly Check[], states: unknown[]): Stats {
  return {
    add(records) {
      if (records.length === 0) return;
      for (let i = 0; i < checks.length; i++) {
        const check = checks[i];
        if (check.add) states[i] = check.add(states[i], records);
      }
    },
    state: () => [...states],
  };
}
