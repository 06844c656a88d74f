// Helpers for the tests of src/io: temporary folders, contexts, and reading
// a source to the end.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterEach, expect } from "vitest";

import type {
  Cursor,
  DatasetManifest,
  IoContext,
  Row,
  SinkContext,
  Source,
  SourceBatch,
  SourceReject,
} from "../../src/pipeline/types.js";

const folders: string[] = [];

afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

/** A fresh temporary folder, deleted after the test. */
export async function tempDir(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), "bulkhead-io-"));
  folders.push(folder);
  return folder;
}

/** An IoContext for shard `index` of `count`. */
export function ioContext(
  baseDir: string,
  options: { index?: number; count?: number; batchSize?: number; datasets?: Record<string, DatasetManifest> } = {},
): IoContext {
  return {
    shard: { index: options.index ?? 0, count: options.count ?? 1 },
    batchSize: options.batchSize ?? 1000,
    baseDir,
    resolveDataset(stageId) {
      const manifest = options.datasets?.[stageId];
      if (!manifest) throw new Error(`test: no dataset ${stageId}`);
      return manifest;
    },
  };
}

/** A SinkContext writing into `dataDir`. */
export function sinkContext(baseDir: string, dataDir: string, options: { index?: number; count?: number; stageId?: string } = {}): SinkContext {
  return { ...ioContext(baseDir, options), stageId: options.stageId ?? "stage", dataDir };
}

/** Every batch a source yields from `cursor`, round-tripped through JSON like a checkpoint. */
export async function readBatches(source: Source, ctx: IoContext, cursor: Cursor | null = null): Promise<SourceBatch[]> {
  const batches: SourceBatch[] = [];
  for await (const batch of source.read(ctx, cursor)) {
    batches.push({ ...batch, cursor: JSON.parse(JSON.stringify(batch.cursor)) as Cursor });
  }
  return batches;
}

/** The records of a list of batches, in order. */
export function recordsOf(batches: SourceBatch[]): Row[] {
  return batches.flatMap((batch) => batch.records);
}

/** The rejects of a list of batches, in order. */
export function rejectsOf(batches: SourceBatch[]): SourceReject[] {
  return batches.flatMap((batch) => batch.rejects ?? []);
}

/** Everything a source reads in one go: records and rejects. */
export async function readAll(source: Source, ctx: IoContext, cursor: Cursor | null = null) {
  const batches = await readBatches(source, ctx, cursor);
  return { batches, records: recordsOf(batches), rejects: rejectsOf(batches) };
}

/**
 * The resume law: for every batch k, resuming from the cursor of batch k
 * reads exactly the records (and rejects) that followed it.
 */
export async function expectResumeLaw(source: Source, ctx: IoContext): Promise<number> {
  const batches = await readBatches(source, ctx);
  for (let k = 0; k < batches.length; k++) {
    const resumed = await readBatches(source, ctx, batches[k].cursor);
    expect({ records: recordsOf(resumed), rejects: rejectsOf(resumed) }).toEqual({
      records: recordsOf(batches.slice(k + 1)),
      rejects: rejectsOf(batches.slice(k + 1)),
    });
  }
  return batches.length;
}

/** The records each of `count` shards reads, by shard index. */
export async function shardReads(source: Source, baseDir: string, count: number, batchSize: number, datasets?: Record<string, DatasetManifest>) {
  const shards: Row[][] = [];
  for (let index = 0; index < count; index++) {
    shards.push((await readAll(source, ioContext(baseDir, { index, count, batchSize, datasets }))).records);
  }
  return shards;
}
