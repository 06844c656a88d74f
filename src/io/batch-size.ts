import type { IoContext } from "../pipeline/types.js";

/** ctx.batchSize, checked: a source cannot make progress with less than 1. */
export function batchSizeOf(ctx: IoContext): number {
  const size = ctx.batchSize;
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`batchSize must be a whole number >= 1, got ${size}; fix the stage's batch size`);
  }
  return size;
}
