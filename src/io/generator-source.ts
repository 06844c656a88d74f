import type { Cursor, IoContext, Row, ShardRef, Source, SourceBatch } from "../pipeline/types.js";
import { batchSizeOf } from "./batch-size.js";

/** What a generator function is told when it starts. */
export interface GeneratorContext {
  shard: ShardRef;
  /** The `cursor` of the last record read before, or null on a fresh start. */
  cursor: unknown | null;
}

/** One record from a generator, with the cursor to resume just after it. */
export interface GeneratedRecord {
  record: Row;
  /** Any JSON value that lets the generator continue after this record. */
  cursor: unknown;
}

/** A user function that yields records for one shard. */
export type RecordGenerator = (ctx: GeneratorContext) => AsyncIterable<GeneratedRecord>;

/** The cursor of a generator shard; `user` is the generator's own cursor. */
export interface GeneratorCursor extends Cursor {
  user: unknown;
}

/**
 * A source backed by your own async generator (an API, a queue, a
 * computation). The generator splits the work between shards itself (it is
 * told the shard) and resumes from the cursor it attached to the last
 * record read before. `firstRow` counts records within the shard.
 *
 * @example
 * generator(async function* ({ shard, cursor }) {
 *   for (let page = (cursor as number | null) ?? shard.index; page < 100; page += shard.count) {
 *     yield { record: { page }, cursor: page + shard.count };
 *   }
 * })
 */
export function generator(fn: RecordGenerator): Source {
  return {
    kind: "generator",
    description: `generator ${fn.name || "(anonymous)"}`,
    read: (ctx, cursor) => readGenerator(fn, ctx, cursor as GeneratorCursor | null),
  };
}

async function* readGenerator(fn: RecordGenerator, ctx: IoContext, cursor: GeneratorCursor | null): AsyncGenerator<SourceBatch> {
  const batchSize = batchSizeOf(ctx);
  let row = cursor?.row ?? 0;
  let user = cursor ? cursor.user : null;
  let records: Row[] = [];

  for await (const item of fn({ shard: ctx.shard, cursor: user })) {
    records.push(item.record);
    user = item.cursor;
    if (records.length >= batchSize) {
      row += records.length;
      yield { records, firstRow: row - records.length, cursor: { row, user } };
      records = [];
    }
  }
  if (records.length > 0) {
    row += records.length;
    yield { records, firstRow: row - records.length, cursor: { row, user } };
  }
}
