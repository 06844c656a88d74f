import { rename, stat } from "node:fs/promises";
import path from "node:path";

import type { ShardRef } from "../pipeline/types.js";

/** Suffix of a part that is still being written; renamed away by finish(). */
export const PARTIAL_SUFFIX = ".partial";

/** "part-00001-of-00004.ndjson": the final name of a shard's part. */
export function partFileName(shard: ShardRef, extension: string): string {
  const pad = (n: number) => String(n).padStart(5, "0");
  return `part-${pad(shard.index)}-of-${pad(shard.count)}.${extension}`;
}

/** Final and in-progress paths of a shard's part under `dataDir`. */
export function partPaths(dataDir: string, shard: ShardRef, extension: string) {
  const final = path.resolve(dataDir, partFileName(shard, extension));
  return { final, partial: final + PARTIAL_SUFFIX };
}

/**
 * Before resuming: if the partial file is missing but the final one exists,
 * the previous attempt crashed after finish() renamed it and before the
 * checkpoint recorded that; move it back so the resume can continue.
 */
export async function restorePartial(paths: { final: string; partial: string }): Promise<void> {
  if (await exists(paths.partial)) return;
  if (await exists(paths.final)) await rename(paths.final, paths.partial);
}

/** True when `file` exists (any type). */
export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
