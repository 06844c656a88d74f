// How a stage's shards become GitHub Actions matrix legs. GitHub starts at
// most 256 jobs per matrix, so a stage with more shards runs several shards
// in each leg. The plan command and the workflow generator both use this,
// so the legs a workflow expects are the legs the plan emits.
import type { ShardRef } from "../pipeline/types.js";

/** GitHub's limit on the jobs one matrix may start. */
export const MAX_MATRIX_LEGS = 256;

/** One matrix leg: `shard` is "2/4", or a comma list "1/300,2/300". */
export interface MatrixLeg {
  shard: string;
}

/** The value of `strategy.matrix` for a stage job. */
export interface StageMatrix {
  include: MatrixLeg[];
}

/**
 * Splits shards 1..N into matrix legs, each shard in exactly one leg, in
 * order. Up to 256 shards get one leg each; beyond that, the fewest legs
 * that keep the busiest leg as short as possible, with leg sizes differing
 * by at most one (300 shards: 150 legs of 2).
 */
export function planMatrix(stage: { shards: number }): StageMatrix {
  const count = stage.shards;
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`shards must be a positive integer, got ${count}`);
  }
  const perLeg = Math.ceil(count / MAX_MATRIX_LEGS);
  const legs = Math.ceil(count / perLeg);

  const include: MatrixLeg[] = [];
  let next = 1;
  for (let leg = 0; leg < legs; leg++) {
    // The first (count % legs) legs take one extra shard.
    const size = Math.floor(count / legs) + (leg < count % legs ? 1 : 0);
    const shards: string[] = [];
    for (let i = 0; i < size; i++) shards.push(`${next++}/${count}`);
    include.push({ shard: shards.join(",") });
  }
  return { include };
}

/**
 * The shards one leg carries, as ShardRefs (0-based index):
 * "3/300,4/300" → [{ index: 2, count: 300 }, { index: 3, count: 300 }].
 */
export function parseLegShards(shard: string): ShardRef[] {
  return shard.split(",").map((part) => {
    const match = /^\s*(\d+)\/(\d+)\s*$/.exec(part);
    if (!match) throw new RangeError(`shard must look like "2/4", got "${part}"`);
    const position = Number(match[1]);
    const count = Number(match[2]);
    if (position < 1 || position > count) {
      throw new RangeError(`shard ${part.trim()} is outside 1..${count}`);
    }
    return { index: position - 1, count };
  });
}
