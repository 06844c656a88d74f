import type { Cursor, IoContext, Source, SourceBatch } from "../pipeline/types.js";
import { batchSizeOf } from "./batch-size.js";
import { IoError } from "./io-error.js";
import { isoTimeParsers } from "./parquet-time.js";
import { openParquetFile, type ParquetFile } from "./parquet-file.js";
import { DecodedRows, type Decoding } from "./parquet-rows.js";
import { fileVersion } from "./file-version.js";
import { resolvePath } from "./resolve-path.js";
import { shardRange } from "./shard-range.js";

/** Options of {@link parquet}. */
export interface ParquetOptions {
  /** File to read, relative to the pipeline's base directory. */
  path: string;
  /** Top-level columns to read; default all. Fewer columns decode faster. */
  columns?: string[];
}

/** The cursor of a Parquet shard. */
export interface ParquetCursor extends Cursor {
  /** Row group (0-based) of the last record read; informational. */
  rowGroup: number;
}

/**
 * Reads a Parquet file with hyparquet (Snappy, GZIP, ZSTD, Brotli, LZ4).
 * Values are made JSON-safe so records are identical after an NDJSON
 * round-trip: INT64 values become numbers (decimal strings beyond 2^53),
 * timestamps become ISO-8601 strings in UTC ("2001-01-01T00:01:00.000Z";
 * sub-millisecond digits are dropped), DATE values become "2001-01-01",
 * binary values become base64.
 *
 * Shard i of n reads the contiguous rows [floor(i*N/n), floor((i+1)*N/n)).
 * Each row group is decoded once, into columns, and records are built from
 * them batch by batch, so memory holds one row group's columns (or the
 * shard's part of them) and one batch of records at a time.
 *
 * @example parquet({ path: "data/flights.parquet", columns: ["delay", "origin"] })
 */
export function parquet(options: ParquetOptions): Source {
  return {
    kind: "parquet",
    description: `parquet ${options.path}`,
    inputVersion: (ctx) => fileVersion(resolvePath(ctx.baseDir, options.path)),
    async countRows(ctx) {
      const file = await openParquetFile(resolvePath(ctx.baseDir, options.path));
      const range = shardRange(file.rows, ctx.shard);
      return range.end - range.start;
    },
    read: (ctx, cursor) => readParquet(options, ctx, cursor),
  };
}

async function* readParquet(options: ParquetOptions, ctx: IoContext, cursor: Cursor | null): AsyncGenerator<SourceBatch> {
  const file = await openParquetFile(resolvePath(ctx.baseDir, options.path));
  const columns = checkColumns(file, options.columns);
  const batchSize = batchSizeOf(ctx);
  const range = shardRange(file.rows, ctx.shard);

  const decoding: Decoding = {
    columns,
    names: columns ? file.columns.filter((name) => columns.includes(name)) : file.columns,
    parsers: isoTimeParsers(),
  };
  let row = cursor?.row ?? 0;
  while (range.start + row < range.end) {
    const start = range.start + row;
    const group = rowGroupOf(file, start);
    const end = Math.min(file.groupStarts[group + 1], range.end);
    const rows = await DecodedRows.decode(file, decoding, start, end, group);

    for (let from = start; from < end; from += batchSize) {
      const records = rows.records(from, Math.min(from + batchSize, end));
      row += records.length;
      yield { records, firstRow: from, cursor: { row, rowGroup: group } satisfies ParquetCursor };
    }
  }
}

/** The row group holding `row` (0-based, whole file). */
function rowGroupOf(file: ParquetFile, row: number): number {
  const starts = file.groupStarts;
  let group = 0;
  while (starts[group + 1] <= row) group++;
  return group;
}

function checkColumns(file: ParquetFile, columns: string[] | undefined): string[] | undefined {
  const missing = columns?.filter((name) => !file.columns.includes(name)) ?? [];
  if (missing.length > 0) {
    throw new IoError(
      `parquet ${file.path}: no column ${missing.map((name) => `"${name}"`).join(", ")}; the file has ${file.columns.join(", ")}`,
      file.path,
    );
  }
  return columns;
}
