import path from "node:path";

import type { Cursor, DatasetManifest, IoContext, Source, SourceBatch } from "../pipeline/types.js";
import { batchSizeOf } from "./batch-size.js";
import { readCsvPart, readNdjsonPart, seekPartRecord, type PartReader } from "./dataset-parts.js";
import type { LinePosition } from "./json-lines-batch.js";
import { shardRange } from "./shard-range.js";

/** The cursor of a dataset shard: which part, and where in it. */
export interface DatasetCursor extends Cursor, LinePosition {
  /** 0-based index of the part being read. */
  part: number;
}

/**
 * Reads the published output of an upstream stage: the parts listed in its
 * dataset manifest, in order, as one sequence of records. NDJSON parts give
 * back the values that were written; CSV parts give strings.
 *
 * Shard i of n reads the contiguous rows [floor(i*N/n), floor((i+1)*N/n))
 * of that sequence, where N is the sum of the parts' row counts. A shard
 * starting inside a part scans that part up to its first row once; resumes
 * seek straight to the cursor's byte.
 *
 * @example dataset("extract")
 */
export function dataset(stageId: string): Source {
  return {
    kind: "dataset",
    description: `dataset ${stageId}`,
    // The upstream parts' checksums: a re-run upstream stage is new input.
    inputVersion: async (ctx) => ctx.resolveDataset(stageId).parts.map((part) => part.sha256.slice(0, 16)).join(","),
    async countRows(ctx) {
      const range = shardRange(totalRows(ctx.resolveDataset(stageId)), ctx.shard);
      return range.end - range.start;
    },
    read: (ctx, cursor) => readDataset(stageId, ctx, cursor as DatasetCursor | null),
  };
}

async function* readDataset(stageId: string, ctx: IoContext, cursor: DatasetCursor | null): AsyncGenerator<SourceBatch> {
  const manifest = ctx.resolveDataset(stageId);
  const files = manifest.parts.map((part) => path.resolve(ctx.baseDir, part.path));
  const partStarts = startsOf(manifest);
  const range = shardRange(totalRows(manifest), ctx.shard);
  const readPart: PartReader = manifest.format === "csv" ? readCsvPart : readNdjsonPart;
  const batchSize = batchSizeOf(ctx);

  const position = cursor ? { ...cursor } : await startPosition(manifest, files, partStarts, range.start);
  while (position.part < files.length && position.sourceRow < range.end) {
    const limit = Math.min(range.end, partStarts[position.part + 1]);
    for await (const batch of readPart(files[position.part], position, limit, batchSize)) {
      yield { ...batch, cursor: { ...position } };
    }
    // Rows a part holds beyond its manifest row count are not read.
    const next = position.part + 1;
    Object.assign(position, { part: next, byte: 0, line: 1, sourceRow: partStarts[next] });
  }
}

/** Where a shard whose slice begins at row `start` begins reading. */
async function startPosition(manifest: DatasetManifest, files: string[], partStarts: number[], start: number): Promise<DatasetCursor> {
  let part = 0;
  while (part < files.length && partStarts[part + 1] <= start) part++;
  if (part === files.length) return { row: 0, sourceRow: start, part, byte: 0, line: 1 };
  const at = await seekPartRecord(manifest.format, files[part], start - partStarts[part]);
  return { row: 0, sourceRow: start, part, ...at };
}

/** First row (across all parts) of each part, plus the total. */
function startsOf(manifest: DatasetManifest): number[] {
  const starts = [0];
  for (const part of manifest.parts) starts.push(starts[starts.length - 1] + part.rows);
  return starts;
}

function totalRows(manifest: DatasetManifest): number {
  return manifest.parts.reduce((sum, part) => sum + part.rows, 0);
}
