// Checkpoints in the GitHub Actions cache. Cache keys are immutable, so
// every save gets a new key under a per-run, per-stage, per-shard prefix,
// and a restore asks for that prefix: the cache answers with the newest.
import { mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import * as cache from "@actions/cache";
import {
  type Checkpoint,
  type CheckpointStore,
  type LoadedCheckpoint,
  type ShardKey,
  sealCheckpoint,
  unsealCheckpoint,
} from "../checkpoint/checkpoint.js";
import { writeFileAtomic } from "../engine/atomic.js";
import type { Logger } from "../pipeline/types.js";

/** The key prefix shared by every checkpoint of one shard in one run. */
export function checkpointKeyPrefix(key: ShardKey): string {
  const { index, count } = key.shard;
  return `bulkhead-ckpt-${key.pipeline}-${key.runId}-${key.stage}-${index + 1}of${count}-`;
}

/**
 * The key of one save. The sequence number is zero-padded and the attempt
 * and time added, so no two saves of a shard ever share a key (a shared key
 * is refused by the cache as "another job may be creating this cache").
 */
export function checkpointKey(checkpoint: Checkpoint): string {
  const seq = String(checkpoint.seq).padStart(9, "0");
  return `${checkpointKeyPrefix(checkpoint)}${seq}-a${checkpoint.attempt}-${Date.now()}`;
}

export interface CacheStoreOptions {
  /**
   * Directory (relative to GITHUB_WORKSPACE) the checkpoint file is staged
   * in. The cache's version hash includes this exact string, so save and
   * restore must use the same one.
   */
  stagingDir: string;
  logger: Logger;
}

/** A CheckpointStore over @actions/cache. */
export function makeCacheCheckpointStore(options: CacheStoreOptions): CheckpointStore {
  const { logger } = options;
  const dirOf = (key: ShardKey) => {
    const { index, count } = key.shard;
    return path.join(options.stagingDir, key.stage, `shard-${index + 1}-of-${count}`);
  };
  const workspace = () => process.env.GITHUB_WORKSPACE ?? process.cwd();

  return {
    async load(key: ShardKey): Promise<LoadedCheckpoint | null> {
      const dir = dirOf(key);
      await rm(path.join(workspace(), dir), { recursive: true, force: true });
      const prefix = checkpointKeyPrefix(key);
      const matched = await cache.restoreCache([dir], prefix, [prefix]);
      if (!matched) return null;
      const file = path.join(workspace(), dir, "checkpoint.json");
      try {
        return { checkpoint: unsealCheckpoint(await readFile(file, "utf8")), warnings: [] };
      } catch (error) {
        // A damaged entry is never trusted, and never silently replaced by row 0.
        throw new Error(
          `checkpoint in cache entry ${matched} is damaged: ${(error as Error).message}; re-run with fresh: true to start the shard over`,
        );
      }
    },

    async save(checkpoint: Checkpoint): Promise<void> {
      const dir = dirOf(checkpoint);
      await mkdir(path.join(workspace(), dir), { recursive: true });
      await writeFileAtomic(path.join(workspace(), dir, "checkpoint.json"), sealCheckpoint(checkpoint));
      const key = checkpointKey(checkpoint);
      let id: number;
      try {
        id = await cache.saveCache([dir], key);
      } catch (error) {
        throw new Error(`checkpoint NOT saved to the Actions cache (key ${key}): ${(error as Error).message}`);
      }
      // saveCache reports some refusals as -1 instead of throwing.
      if (id === -1) throw new Error(`checkpoint NOT saved to the Actions cache (key ${key}): the cache refused the entry`);
      logger.debug(`checkpoint saved to the Actions cache as ${key}`);
    },
  };
}

/**
 * Wraps a store so a failed save is a loud warning and the run goes on
 * with the previous checkpoint, instead of failing the shard.
 */
export function warnOnFailedSave(store: CheckpointStore, logger: Logger): CheckpointStore {
  return {
    load: (key) => store.load(key),
    async save(checkpoint) {
      try {
        await store.save(checkpoint);
      } catch (error) {
        const message = (error as Error).message;
        logger.warn(
          message.includes("NOT saved")
            ? `${message}; the previous checkpoint stays in use`
            : `checkpoint NOT saved: ${message}; the previous checkpoint stays in use`,
        );
      }
    },
  };
}
