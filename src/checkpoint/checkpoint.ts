// What a checkpoint holds, and how it is sealed with a checksum so a
// damaged file is recognised instead of trusted.
import { createHash } from "node:crypto";
import { z } from "zod";

const shardSchema = z.strictObject({
  index: z.int().min(0),
  count: z.int().min(1),
});

/** One shard's progress, saved at batch boundaries and on signals. */
export const checkpointSchema = z.strictObject({
  version: z.literal(1),
  pipeline: z.string(),
  runId: z.string(),
  stage: z.string(),
  shard: shardSchema,
  /** Attempt that saved it (1-based). */
  attempt: z.int().min(1),
  /** Increases with every save of this shard; the newest valid one wins. */
  seq: z.int().min(0),
  savedAt: z.string(),
  /** Source position after the last committed batch; null before any. */
  cursor: z.looseObject({ row: z.int().min(0) }).nullable(),
  /** The sink writer's committed position (bytes/rows written and synced). */
  sink: z.record(z.string(), z.unknown()).nullable(),
  /** Bytes and rows of the shard's quarantine file that are committed. */
  quarantine: z.strictObject({ bytes: z.int().min(0), rows: z.int().min(0) }),
  counts: z.strictObject({
    rowsIn: z.int().min(0),
    rowsOut: z.int().min(0),
    rowsInvalid: z.int().min(0),
  }),
  /** Check states, one per check of the stage, in definition order. */
  stats: z.array(z.unknown()),
  /** Aggregate groups by key, for stages with an aggregate. */
  aggregate: z.record(z.string(), z.unknown()).nullable(),
  /** Where this shard resumed from in its latest attempt, if it resumed. */
  resumedFrom: z.strictObject({ row: z.int().min(0) }).nullable(),
  /** What the checkpoint was computed from (checks, input version). */
  basis: z.strictObject({ checks: z.string(), input: z.string().nullable() }).optional(),
  /** True once the shard finished and its part is in place. */
  done: z.boolean(),
  outputs: z.array(
    z.strictObject({
      path: z.string(),
      rows: z.int().min(0),
      bytes: z.int().min(0),
      sha256: z.string(),
    }),
  ),
});

export type Checkpoint = z.infer<typeof checkpointSchema>;

const sealedSchema = z.strictObject({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  checkpoint: z.unknown(),
});

/** A checkpoint's fields without its bulky state (check statistics, aggregate groups). */
export type CheckpointHead = Omit<Checkpoint, "stats" | "aggregate">;

/** A checkpoint serialised for storage, and the fields a store files it by. */
export interface SealedCheckpoint {
  head: CheckpointHead;
  /** The checkpoint's JSON and the sha256 of it, as written to storage. */
  text: string;
}

/**
 * Serialises a checkpoint with the sha256 of its canonical JSON. The text
 * is a snapshot: the live statistics and groups the checkpoint refers to
 * may change as soon as this returns, so nothing needs copying first.
 */
export function sealCheckpoint(checkpoint: Checkpoint): SealedCheckpoint {
  const body = JSON.stringify(checkpoint);
  const sha256 = createHash("sha256").update(body).digest("hex");
  const { stats: _stats, aggregate: _aggregate, ...fields } = checkpoint;
  // A source may hand out one cursor object and move it on.
  const head = { ...fields, cursor: structuredClone(checkpoint.cursor) };
  return { head, text: `{"sha256":"${sha256}","checkpoint":${body}}\n` };
}

/**
 * Parses a sealed checkpoint. Throws a plain-worded Error when the text is
 * cut short, the checksum does not match, or a field is wrong.
 */
export function unsealCheckpoint(text: string): Checkpoint {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error("not valid JSON (cut short?)");
  }
  const sealed = sealedSchema.safeParse(parsed);
  if (!sealed.success) throw new Error("missing checksum or body");
  const body = JSON.stringify(sealed.data.checkpoint);
  const actual = createHash("sha256").update(body).digest("hex");
  if (actual !== sealed.data.sha256) {
    throw new Error(`checksum mismatch (file says ${sealed.data.sha256.slice(0, 12)}…, content is ${actual.slice(0, 12)}…)`);
  }
  const checkpoint = checkpointSchema.safeParse(sealed.data.checkpoint);
  if (!checkpoint.success) {
    throw new Error(`unexpected content: ${z.prettifyError(checkpoint.error)}`);
  }
  return checkpoint.data;
}

/** Identifies one shard's checkpoints within a run. */
export interface ShardKey {
  pipeline: string;
  runId: string;
  stage: string;
  shard: { index: number; count: number };
}

/** A checkpoint and what was noticed while finding it. */
export interface LoadedCheckpoint {
  checkpoint: Checkpoint;
  /** e.g. "checkpoint 000012.json is damaged (checksum mismatch); using 000011.json" */
  warnings: string[];
}

/** Where checkpoints are kept: local files, or the GitHub Actions cache. */
export interface CheckpointStore {
  /** The newest valid checkpoint of a shard, or null if it has none. */
  load(key: ShardKey): Promise<LoadedCheckpoint | null>;
  /** Saves atomically. Throws if it was not saved. */
  save(sealed: SealedCheckpoint): Promise<void>;
}
