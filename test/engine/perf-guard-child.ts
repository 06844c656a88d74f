// Runs one shard of a generated stage in this process and prints what the
// perf guard checks: checkpoint saves, batches and peak RSS. Started by
// perf-guard.test.ts as a child so its memory is its own.
//
// Usage: node --import tsx test/engine/perf-guard-child.ts <rows> <dir>
import type { CheckpointStore, SealedCheckpoint } from "../../src/checkpoint/checkpoint.js";
import { runShard } from "../../src/engine/run-shard.js";
import { loneShardOptions } from "../support/lone-shard.js";
import {
  definePipeline,
  defineStage,
  mean,
  ndjsonDataset,
  notNull,
  quantile,
  range,
  rowCount,
  z,
} from "../../src/index.js";
import type { Row, Source, SourceBatch } from "../../src/pipeline/types.js";

const rows = Number(process.argv[2]);
const dir = process.argv[3];
const BATCH = 1_000;

/** Deterministic flights-like rows, generated a batch at a time. */
const generated: Source = {
  kind: "generated",
  description: `${rows} generated rows`,
  countRows: async () => rows,
  async *read(_ctx, cursor) {
    for (let row = cursor?.row ?? 0; row < rows; ) {
      const records: Row[] = [];
      const end = Math.min(row + BATCH, rows);
      for (let i = row; i < end; i++) {
        records.push({ id: i, delay: (i * 7919) % 400 - 100, origin: `A${i % 97}`, note: `row ${i} of the generated input` });
      }
      const batch: SourceBatch = { records, firstRow: row, cursor: { row: end } };
      row = end;
      yield batch;
    }
  },
};

const pipeline = definePipeline({
  name: "perf-guard",
  stages: [
    defineStage({
      id: "generated",
      source: generated,
      schema: z.object({ id: z.int(), delay: z.int(), origin: z.string().min(2), note: z.string() }),
      transform: (record) => ({ ...record, late: (record.delay as number) >= 15 }),
      output: ndjsonDataset(),
      batchSize: BATCH,
      checkpoint: { everyRows: 10_000, everySeconds: 1_000_000 },
      checks: [rowCount({ min: 1 }), notNull("origin"), range("delay", { min: -100, max: 300 }), mean("delay", { min: -100, max: 300 }), quantile("delay", 0.99, { max: 300 })],
    }),
  ],
});

let saves = 0;
let batches = 0;
let peakRss = 0;
const store: CheckpointStore = {
  load: async () => null,
  async save(_sealed: SealedCheckpoint) {
    saves++;
  },
};

const result = await runShard(
  loneShardOptions(pipeline, dir, store, () => {
    batches++;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }),
);
process.stdout.write(`${JSON.stringify({ rows: result.counts.rowsOut, saves, batches, peakRssMb: peakRss / 2 ** 20 })}\n`);
