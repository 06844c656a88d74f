// Running checks the way the engine does: per-shard statistics (optionally
// through a JSON round trip, as a checkpoint would), merged, then judged.
import type { Row } from "../../src/pipeline/types.js";
import {
  type Check,
  type CheckResult,
  type GateReport,
  type StageCounts,
  evaluateGate,
  makeStats,
  mergeStats,
} from "../../src/validate/index.js";

export const NOW = new Date("2024-05-01T12:00:00.000Z");

export interface GateRunOptions {
  counts?: StageCounts;
  lastSuccess?: StageCounts | null;
  now?: Date;
  /** Pass each shard's state through JSON.stringify/parse first (default true). */
  roundTrip?: boolean;
}

/** The statistics of one shard that received `batches` in order. */
export function shardState(checks: Check[], batches: Row[][], roundTrip = true): unknown[] {
  const stats = makeStats(checks);
  for (const batch of batches) stats.add(batch);
  const state = stats.state();
  return roundTrip ? JSON.parse(JSON.stringify(state)) : state;
}

/** Runs `checks` over shards (each a list of batches) and evaluates the gate. */
export function runGate(checks: Check[], shards: Row[][][], options: GateRunOptions = {}): GateReport {
  const rows = shards.flat(2).length;
  const states = shards.map((batches) => shardState(checks, batches, options.roundTrip ?? true));
  return evaluateGate({
    pipeline: "flights",
    stage: "transform",
    runId: "run-1",
    checks,
    state: mergeStats(checks, states),
    counts: options.counts ?? { rowsIn: rows, rowsOut: rows, rowsInvalid: 0 },
    lastSuccess: options.lastSuccess ?? null,
    now: options.now ?? NOW,
  });
}

/** One check's result over `records` in a single shard and batch. */
export function resultOf(check: Check, records: Row[], options: GateRunOptions = {}): CheckResult {
  return runGate([check], [[records]], options).checks[0];
}

/** Splits `items` at the given cut points (indices, any order, duplicates allowed). */
export function splitAt<T>(items: T[], cuts: number[]): T[][] {
  const points = [...new Set(cuts.map((c) => Math.min(Math.max(c, 0), items.length)))].sort((a, b) => a - b);
  const parts: T[][] = [];
  let start = 0;
  for (const point of points) {
    parts.push(items.slice(start, point));
    start = point;
  }
  parts.push(items.slice(start));
  return parts;
}

/** A deterministic generator in [0, 1) for test data (mulberry32). */
export function seeded(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r ^= r + Math.imul(r ^ (r >>> 7), 61 | r);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}
