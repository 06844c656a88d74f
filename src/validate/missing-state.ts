// A check that folds records needs its state to be judged. When a shard's
// statistics never arrived (or could not be merged), the merged state is a
// marker saying why, and the gate fails that check closed instead of
// judging partial data.
import type { Check } from "./types.js";

/** Stands in for a check's merged state when it could not be produced. */
export interface MissingState {
  bulkheadMissingState: string;
}

/** Marks a check's state as missing, with the reason the report shows. */
export function missingState(reason: string): MissingState {
  return { bulkheadMissingState: reason };
}

/** The reason a state is missing, or null when it is present. */
export function missingReason(state: unknown): string | null {
  if (state === null || state === undefined) return "no statistics were collected for it";
  if (typeof state === "object" && "bulkheadMissingState" in state) {
    return String((state as MissingState).bulkheadMissingState);
  }
  return null;
}

/** True for checks that fold records into a state (they have initial or add). */
export function needsState(check: Check): boolean {
  return typeof check.initial === "function" || typeof check.add === "function";
}

/** Returns the state, or throws when a check is evaluated without one. */
export function requireState<State>(state: State | null | undefined, check: string): State {
  if (state === null || state === undefined) {
    throw new Error(`check ${check} was evaluated without statistics`);
  }
  return state;
}
