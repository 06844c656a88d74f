import { stat } from "node:fs/promises";

import type { Cursor, IoContext, Source, SourceBatch } from "../pipeline/types.js";
import { batchSizeOf } from "./batch-size.js";
import { IoError, describeError } from "./io-error.js";
import { readJsonLinesBatch, type LinePosition } from "./json-lines-batch.js";
import { LineReader } from "./line-reader.js";
import { fileVersion } from "./file-version.js";
import { resolvePath } from "./resolve-path.js";
import { shardRange } from "./shard-range.js";

/** Options of {@link ndjson}. */
export interface NdjsonOptions {
  /** File to read, relative to the pipeline's base directory. */
  path: string;
}

/** The cursor of an NDJSON shard: byte and line give an O(1) seek. */
export interface NdjsonCursor extends Cursor, LinePosition {}

/**
 * Reads newline-delimited JSON: one object per line, UTF-8, "\n" or "\r\n".
 * Blank lines are skipped; a line that is not valid JSON or not an object
 * becomes a reject with its line number, and reading goes on.
 *
 * Sharding splits the file by bytes: shard i of n owns the lines whose
 * first byte lies in [floor(i*size/n), floor((i+1)*size/n)). A shard other
 * than the first scans the bytes before its slice once, to number its lines.
 *
 * @example ndjson({ path: "data/events.ndjson" })
 */
export function ndjson(options: NdjsonOptions): Source {
  return {
    kind: "ndjson",
    description: `ndjson ${options.path}`,
    inputVersion: (ctx) => fileVersion(resolvePath(ctx.baseDir, options.path)),
    read: (ctx, cursor) => readNdjson(options, ctx, cursor as NdjsonCursor | null),
  };
}

async function* readNdjson(
  options: NdjsonOptions,
  ctx: IoContext,
  cursor: NdjsonCursor | null,
): AsyncGenerator<SourceBatch> {
  const file = resolvePath(ctx.baseDir, options.path);
  const batchSize = batchSizeOf(ctx);
  const range = shardRange(await fileSize(file), ctx.shard);

  const position: LinePosition = cursor
    ? { row: cursor.row, sourceRow: cursor.sourceRow, byte: cursor.byte, line: cursor.line }
    : { row: 0, ...(await findFirstOwnedLine(file, range.start)) };
  const reader = await LineReader.open(file, position.byte, position.line);
  try {
    const owns = (line: { byte: number }) => line.byte < range.end;
    for (;;) {
      const batch = await readJsonLinesBatch(reader, batchSize, position, owns);
      if (batch.records.length > 0 || batch.rejects.length > 0) {
        yield { ...batch, cursor: { ...position } satisfies NdjsonCursor };
      }
      if (batch.done) return;
    }
  } finally {
    await reader.close();
  }
}

/**
 * The first line starting at or after `startByte`, with its line number and
 * the number of non-blank lines (records) before it.
 */
async function findFirstOwnedLine(file: string, startByte: number) {
  if (startByte === 0) return { byte: 0, line: 1, sourceRow: 0 };
  const reader = await LineReader.open(file);
  try {
    let sourceRow = 0;
    let end = { byte: 0, line: 1 };
    for (;;) {
      const line = await reader.next(false);
      if (line === null) return { ...end, sourceRow };
      if (line.byte >= startByte) return { byte: line.byte, line: line.line, sourceRow };
      if (!line.blank) sourceRow++;
      end = { byte: line.nextByte, line: line.line + 1 };
    }
  } finally {
    await reader.close();
  }
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    throw new IoError(`ndjson ${file}: cannot read the file (${describeError(error)}); check the path`, file, { cause: error });
  }
}
