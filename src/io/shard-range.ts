import type { ShardRef } from "../pipeline/types.js";

/** A half-open range [start, end) of rows or bytes. */
export interface Range {
  start: number;
  end: number;
}

/**
 * The contiguous slice of `total` units (rows or bytes) that a shard owns:
 * [floor(i*total/n), floor((i+1)*total/n)). The slices of all shards tile
 * [0, total) exactly once.
 */
export function shardRange(total: number, shard: ShardRef): Range {
  const { index, count } = shard;
  return {
    start: Math.floor((index * total) / count),
    end: Math.floor(((index + 1) * total) / count),
  };
}
