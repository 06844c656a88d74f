// Checkpoints as files: one file per save, written to a temporary name,
// synced and renamed, so a crash leaves either the old or the new file.
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../engine/atomic.js";
import {
  type CheckpointStore,
  type LoadedCheckpoint,
  type SealedCheckpoint,
  type ShardKey,
  unsealCheckpoint,
} from "./checkpoint.js";

/** Saves kept per shard; older ones are pruned. */
const KEEP = 3;

/** Directory of one shard's checkpoints under a run directory. */
export function shardCheckpointDir(runDir: string, key: ShardKey): string {
  const { index, count } = key.shard;
  return path.join(runDir, "stages", key.stage, "checkpoints", `shard-${index + 1}-of-${count}`);
}

/** A checkpoint store on the local disk, under `<runsDir>/<runId>/`. */
export function makeFileCheckpointStore(runsDir: string): CheckpointStore {
  const dirOf = (key: ShardKey) => shardCheckpointDir(path.join(runsDir, key.runId), key);

  return {
    async load(key: ShardKey): Promise<LoadedCheckpoint | null> {
      const dir = dirOf(key);
      const names = await listCheckpointFiles(dir);
      const warnings: string[] = [];
      for (const name of names.reverse()) {
        try {
          const checkpoint = unsealCheckpoint(await readFile(path.join(dir, name), "utf8"));
          if (warnings.length > 0) warnings.push(`using the previous good checkpoint ${name}`);
          return { checkpoint, warnings };
        } catch (error) {
          warnings.push(`checkpoint ${path.join(dir, name)} is damaged: ${(error as Error).message}`);
        }
      }
      if (warnings.length > 0) {
        throw new Error(`${warnings.join("; ")}; no good checkpoint is left, refusing to restart the shard from row 0 silently (run with --fresh to start over)`);
      }
      return null;
    },

    async save({ head, text }: SealedCheckpoint): Promise<void> {
      const dir = dirOf(head);
      await mkdir(dir, { recursive: true });
      const name = `${String(head.seq).padStart(9, "0")}.json`;
      await writeFileAtomic(path.join(dir, name), text);
      const names = await listCheckpointFiles(dir);
      for (const old of names.slice(0, -KEEP)) await rm(path.join(dir, old), { force: true });
    },
  };
}

async function listCheckpointFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => /^\d{9}\.json$/.test(n)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}
