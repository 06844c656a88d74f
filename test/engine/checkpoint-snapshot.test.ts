// A periodic checkpoint is stored while the shard goes on folding and
// writing. What gets stored must still be the shard as it stood at the
// checkpoint's row: groups, counts and the sink's position, not the live
// state at the time the store gets round to writing it.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type Checkpoint, type CheckpointStore, type SealedCheckpoint, unsealCheckpoint } from "../../src/checkpoint/checkpoint.js";
import { runShard } from "../../src/engine/run-shard.js";
import { definePipeline, defineStage, ndjsonDataset } from "../../src/index.js";
import type { Row, Source } from "../../src/pipeline/types.js";
import { makeTempDir } from "../support/cli.js";

const ROWS = 1_000;
const BATCH = 50;
const EVERY = 100;

const recordOf = (id: number): Row => ({ id, group: `g${id % 7}`, value: (id * 3) % 11 });

const generated: Source = {
  kind: "generated",
  description: `${ROWS} generated rows`,
  async *read(_ctx, cursor) {
    for (let row = cursor?.row ?? 0; row < ROWS; row += BATCH) {
      const records = Array.from({ length: BATCH }, (_, i) => recordOf(row + i));
      yield { records, firstRow: row, cursor: { row: row + BATCH } };
    }
  },
};

interface Totals {
  rows: number;
  sum: number;
}

/** The groups after folding rows [0, end), computed without the engine. */
function expectedGroups(end: number): Record<string, Totals> {
  const groups: Record<string, Totals> = {};
  for (let id = 0; id < end; id++) {
    const { group, value } = recordOf(id) as { group: string; value: number };
    groups[group] ??= { rows: 0, sum: 0 };
    groups[group].rows += 1;
    groups[group].sum += value;
  }
  return groups;
}

/**
 * A store whose periodic saves finish only once the shard has read two more
 * batches past the checkpoint (as far as it goes before the next one), so
 * every save but the last overlaps the shard's work.
 */
function slowStore() {
  const saved: { checkpoint: Checkpoint; rowsReadWhileSaving: number }[] = [];
  let rowsRead = 0;
  const readersWaiting = new Set<() => void>();
  const store: CheckpointStore = {
    load: async () => null,
    async save(sealed: SealedCheckpoint) {
      const row = sealed.head.cursor?.row ?? 0;
      const until = Math.min(ROWS, row + 2 * BATCH);
      if (!sealed.head.done) {
        await new Promise<void>((resolve) => {
          const check = () => {
            if (rowsRead < until) return;
            readersWaiting.delete(check);
            resolve();
          };
          readersWaiting.add(check);
          check();
        });
      }
      saved.push({ checkpoint: unsealCheckpoint(sealed.text), rowsReadWhileSaving: rowsRead - row });
    },
  };
  const onProgress = (progress: { rowsIn: number }) => {
    rowsRead = progress.rowsIn;
    for (const check of [...readersWaiting]) check();
  };
  return { store, saved, onProgress };
}

async function run(stage: ReturnType<typeof defineStage>, dir: string) {
  const pipeline = definePipeline({ name: "snapshot", stages: [stage] });
  const { store, saved, onProgress } = slowStore();
  const result = await runShard({
    pipeline,
    stage: pipeline.stages[0],
    shard: { index: 0, count: 1 },
    runId: "snapshot",
    attempt: 1,
    dataDir: path.join(dir, "data"),
    baseDir: dir,
    store,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    resolveDataset: () => {
      throw new Error("no datasets");
    },
    onProgress,
  });
  const periodic = saved.filter((entry) => !entry.checkpoint.done);
  return { result, periodic };
}

describe("a checkpoint stored in the background", () => {
  it("holds the aggregate groups as of its row while folding goes on", async () => {
    const stage = defineStage({
      id: "totals",
      source: generated,
      batchSize: BATCH,
      checkpoint: { everyRows: EVERY, everySeconds: 3600 },
      aggregate: {
        groupBy: (record) => record.group as string,
        initial: (): Totals => ({ rows: 0, sum: 0 }),
        // In place, as a fast aggregate would: a stored checkpoint that
        // still pointed at these objects would change under the store.
        add: (totals: Totals, record) => {
          totals.rows += 1;
          totals.sum += record.value as number;
          return totals;
        },
        finish: (group, totals: Totals) => ({ group, ...totals }),
      },
      output: ndjsonDataset(),
    });
    const { result, periodic } = await run(stage, makeTempDir("bulkhead-snapshot-"));

    expect(periodic.map((entry) => entry.checkpoint.cursor?.row)).toEqual(
      Array.from({ length: ROWS / EVERY }, (_, i) => (i + 1) * EVERY),
    );
    // The shard went on while each checkpoint but the last was saved.
    expect(periodic.map((entry) => entry.rowsReadWhileSaving)).toEqual([...Array(ROWS / EVERY - 1).fill(2 * BATCH), 0]);
    for (const { checkpoint } of periodic) {
      const row = checkpoint.cursor?.row ?? 0;
      expect(checkpoint.aggregate, `checkpoint at row ${row}`).toEqual(expectedGroups(row));
      expect(checkpoint.counts).toEqual({ rowsIn: row, rowsOut: 0, rowsInvalid: 0 });
    }
    expect(result.counts).toEqual({ rowsIn: ROWS, rowsOut: 7, rowsInvalid: 0 });
  });

  it("records the dataset part's length as of its row while writing goes on", async () => {
    const stage = defineStage({
      id: "copy",
      source: generated,
      batchSize: BATCH,
      checkpoint: { everyRows: EVERY, everySeconds: 3600 },
      transform: (record) => record,
      output: ndjsonDataset(),
    });
    const { result, periodic } = await run(stage, makeTempDir("bulkhead-snapshot-"));

    const [part] = result.outputs;
    const lines = readFileSync(part.path, "utf8").split("\n").slice(0, -1);
    expect(lines).toHaveLength(ROWS);
    expect(periodic.map((entry) => entry.rowsReadWhileSaving)).toEqual([...Array(ROWS / EVERY - 1).fill(2 * BATCH), 0]);
    for (const { checkpoint } of periodic) {
      const row = checkpoint.cursor?.row ?? 0;
      const bytes = Buffer.byteLength(lines.slice(0, row).map((line) => `${line}\n`).join(""));
      expect(checkpoint.sink, `checkpoint at row ${row}`).toMatchObject({ rows: row, bytes });
    }
  });
});
