// What a shard's checkpoint was computed from: the stage's checks and the
// version of its input. If either changed since, resuming would mix old
// and new: statistics folded by other checks, or rows of another file. The
// shard then starts over, and says why.
import { createHash } from "node:crypto";
import type { Stage } from "../pipeline/define.js";
import type { IoContext } from "../pipeline/types.js";

export interface ShardBasis {
  /** Hash of each check's name, severity and configured expectation. */
  checks: string;
  /** The source's inputVersion(), or null when it cannot tell. */
  input: string | null;
}

/**
 * A check's settings live in closures, but every check states them as its
 * `expected` value: evaluating a fresh state reveals them (e.g. a range's
 * bounds), so a changed bound counts as a changed check.
 */
function describeChecks(stage: Stage): string {
  const context = { stage: stage.id, counts: { rowsIn: 0, rowsOut: 0, rowsInvalid: 0 }, lastSuccess: null, now: new Date(0) };
  const described = stage.checks.map((check) => {
    let expected: unknown;
    try {
      expected = check.evaluate(check.initial?.(), context).expected;
    } catch {
      expected = "?";
    }
    return [check.name, check.severity, expected];
  });
  return createHash("sha256").update(JSON.stringify(described)).digest("hex").slice(0, 16);
}

export async function shardBasis(stage: Stage, context: IoContext): Promise<ShardBasis> {
  return { checks: describeChecks(stage), input: (await stage.source.inputVersion?.(context)) ?? null };
}

/** Why a checkpoint made from `saved` cannot be resumed now, or null. */
export function basisChange(saved: ShardBasis | undefined, now: ShardBasis): string | null {
  if (!saved) return null;
  if (saved.checks !== now.checks) return "the stage's checks changed";
  if (saved.input !== null && now.input !== null && saved.input !== now.input) return "its input changed";
  return null;
}
