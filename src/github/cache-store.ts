// Checkpoints in the GitHub Actions cache, for "Re-run failed jobs".
//
// A re-run starts on a fresh runner: the shard's half-written part is gone
// with the old machine. So each checkpoint's cache entry also carries the
// bytes the shard wrote since the previous checkpoint (a segment), and a
// chain listing every earlier entry. Resuming restores the newest entry,
// then each earlier one, and rebuilds the shard's files from the segments;
// the sink then cuts them back to the checkpoint's position.
//
// Cache keys are immutable, so every save uses a new key under a per-run,
// per-stage, per-shard prefix; restoring that prefix returns the newest.
import { createReadStream } from "node:fs";
import { copyFile, mkdir, readFile, readdir, rm, stat, writeFile, appendFile } from "node:fs/promises";
import path from "node:path";
import { pipeline as streamPipeline } from "node:stream/promises";
import { createWriteStream } from "node:fs";
import * as cache from "@actions/cache";
import { z } from "zod";
import {
  type Checkpoint,
  type CheckpointHead,
  type CheckpointStore,
  type LoadedCheckpoint,
  type ShardKey,
  unsealCheckpoint,
} from "../checkpoint/checkpoint.js";
import type { Logger } from "../pipeline/types.js";

/** The key prefix shared by every checkpoint of one shard in one run. */
export function checkpointKeyPrefix(key: ShardKey): string {
  const { index, count } = key.shard;
  return `bulkhead-ckpt-${key.pipeline}-${key.runId}-${key.stage}-${index + 1}of${count}-`;
}

/** A new key for every save: sequence, attempt and time make it unique. */
function checkpointKey(checkpoint: CheckpointHead): string {
  const seq = String(checkpoint.seq).padStart(9, "0");
  return `${checkpointKeyPrefix(checkpoint)}${seq}-a${checkpoint.attempt}-${Date.now()}`;
}

const segmentFileSchema = z.object({
  /** Path relative to the shard's data directory. */
  file: z.string(),
  /** Byte range of the file this segment holds. */
  from: z.int().min(0),
  to: z.int().min(0),
  /** True when the segment is a whole copy (files rewritten in place). */
  whole: z.boolean(),
});
const chainSchema = z.array(z.object({ key: z.string(), seq: z.int(), files: z.array(segmentFileSchema) }));
type Chain = z.infer<typeof chainSchema>;
type SegmentFile = z.infer<typeof segmentFileSchema>;

export interface CacheStoreOptions {
  /**
   * Directory (relative to the workspace) where entries are staged. The
   * cache's version hash includes this exact string, so save and restore
   * must use the same one.
   */
  stagingDir: string;
  /** The shard's data directory, whose files are carried in segments. */
  shardDataDir(key: ShardKey): string;
  logger: Logger;
}

/** SQLite files change in place; everything else a shard writes only grows. */
const isRewrittenInPlace = (file: string) => /\.sqlite(\.partial)?$/.test(file);

/** A CheckpointStore over @actions/cache that also carries the shard's files. */
export function makeCacheCheckpointStore(options: CacheStoreOptions): CheckpointStore {
  const { logger } = options;
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  // What has been carried so far, per shard: the chain and each file's size.
  const chains = new Map<string, Chain>();
  const carried = new Map<string, Map<string, { size: number; mtimeMs: number }>>();

  const entryDir = (key: ShardKey) =>
    path.join(options.stagingDir, key.stage, `shard-${key.shard.index + 1}-of-${key.shard.count}`);
  const absolute = (relative: string) => path.join(workspace, relative);

  return {
    async load(key) {
      const dir = entryDir(key);
      await rm(absolute(dir), { recursive: true, force: true });
      const prefix = checkpointKeyPrefix(key);
      const matched = await cache.restoreCache([dir], prefix, [prefix]);
      if (!matched) return null;
      const newest = await readEntry(absolute(dir), matched);
      const chain = newest.chain;

      // Earlier entries hold earlier segments; each lands in its own folder.
      for (const link of chain.slice(0, -1)) {
        const restored = await cache.restoreCache([dir], link.key);
        if (restored !== link.key) {
          logger.warn(`checkpoint chain of ${prefix}* is incomplete: cache entry ${link.key} is gone (evicted?); the shard starts over from row 0`);
          await rm(absolute(dir), { recursive: true, force: true });
          return null;
        }
      }
      const dataDir = options.shardDataDir(key);
      const sizes = await rebuildFiles(absolute(dir), chain, dataDir);
      chains.set(prefix, chain);
      carried.set(prefix, sizes);
      return { checkpoint: newest.checkpoint, warnings: [] } satisfies LoadedCheckpoint;
    },

    async save({ head, text }) {
      // A finished shard ships its output as an artifact; no segment needed.
      if (head.done) return;
      const prefix = checkpointKeyPrefix(head);
      const dir = entryDir(head);
      await rm(absolute(dir), { recursive: true, force: true });
      await mkdir(absolute(dir), { recursive: true });

      const key = checkpointKey(head);
      const before = carried.get(prefix) ?? new Map();
      const { files, sizes } = await writeSegment(
        options.shardDataDir(head),
        path.join(absolute(dir), "segments", String(head.seq)),
        before,
      );
      const chain = [...(chains.get(prefix) ?? []), { key, seq: head.seq, files }];
      await writeFile(path.join(absolute(dir), "checkpoint.json"), text);
      await writeFile(path.join(absolute(dir), "chain.json"), JSON.stringify(chain));

      let id: number;
      try {
        id = await cache.saveCache([dir], key);
      } catch (error) {
        throw new Error(`checkpoint NOT saved to the Actions cache (key ${key}): ${(error as Error).message}`);
      }
      // saveCache reports some refusals as -1 instead of throwing.
      if (id === -1) throw new Error(`checkpoint NOT saved to the Actions cache (key ${key}): the cache refused the entry`);
      // Only a saved segment counts as carried; a failed one is resent next time.
      chains.set(prefix, chain);
      carried.set(prefix, sizes);
      logger.debug(`checkpoint ${head.seq} saved to the Actions cache as ${key}`);
    },
  };
}

async function readEntry(dir: string, key: string): Promise<{ checkpoint: Checkpoint; chain: Chain }> {
  try {
    const checkpoint = unsealCheckpoint(await readFile(path.join(dir, "checkpoint.json"), "utf8"));
    const chain = chainSchema.parse(JSON.parse(await readFile(path.join(dir, "chain.json"), "utf8")));
    return { checkpoint, chain };
  } catch (error) {
    // A damaged entry is never trusted, and never silently replaced by row 0.
    throw new Error(`checkpoint in cache entry ${key} is damaged: ${(error as Error).message}; re-run the workflow with fresh: true to start over`);
  }
}

/** Lists files under `dir`, relative to it. */
async function listFiles(dir: string): Promise<string[]> {
  try {
    const names = await readdir(dir, { recursive: true, withFileTypes: true });
    return names
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** Copies what changed in the shard's files since `before` into `segmentDir`. */
async function writeSegment(
  dataDir: string,
  segmentDir: string,
  before: Map<string, { size: number; mtimeMs: number }>,
): Promise<{ files: SegmentFile[]; sizes: Map<string, { size: number; mtimeMs: number }> }> {
  const files: SegmentFile[] = [];
  const sizes = new Map(before);
  for (const file of await listFiles(dataDir)) {
    const { size, mtimeMs } = await stat(path.join(dataDir, file));
    const previous = before.get(file);
    sizes.set(file, { size, mtimeMs });
    const target = path.join(segmentDir, file);
    if (isRewrittenInPlace(file) || (previous && size < previous.size)) {
      if (previous && previous.size === size && previous.mtimeMs === mtimeMs) continue;
      await mkdir(path.dirname(target), { recursive: true });
      await copyFile(path.join(dataDir, file), target);
      files.push({ file, from: 0, to: size, whole: true });
      continue;
    }
    const from = previous?.size ?? 0;
    if (size === from) continue;
    await mkdir(path.dirname(target), { recursive: true });
    await streamPipeline(
      createReadStream(path.join(dataDir, file), { start: from, end: size - 1 }),
      createWriteStream(target),
    );
    files.push({ file, from, to: size, whole: false });
  }
  return { files, sizes };
}

/** Rebuilds the shard's files from every segment of the chain, in order. */
async function rebuildFiles(
  entryDir: string,
  chain: Chain,
  dataDir: string,
): Promise<Map<string, { size: number; mtimeMs: number }>> {
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  for (const link of chain) {
    for (const segment of link.files) {
      const source = path.join(entryDir, "segments", String(link.seq), segment.file);
      const target = path.join(dataDir, segment.file);
      await mkdir(path.dirname(target), { recursive: true });
      if (segment.whole) await copyFile(source, target);
      else await appendFile(target, await readFile(source));
    }
  }
  const sizes = new Map<string, { size: number; mtimeMs: number }>();
  for (const file of await listFiles(dataDir)) {
    const { size, mtimeMs } = await stat(path.join(dataDir, file));
    sizes.set(file, { size, mtimeMs });
  }
  return sizes;
}

/**
 * Wraps a store so a failed save is a loud warning and the run goes on
 * with the previous checkpoint, instead of failing the shard.
 */
export function warnOnFailedSave(store: CheckpointStore, logger: Logger): CheckpointStore {
  return {
    load: (key) => store.load(key),
    async save(sealed) {
      try {
        await store.save(sealed);
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
