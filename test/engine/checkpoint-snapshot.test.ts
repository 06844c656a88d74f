// A periodic checkpoint is stored while the shard goes on folding and
// writing. What gets stored must still be the shard as it stood at the
// checkpoint's row: groups, counts and the sink's position, not the live
// state at the time the store gets round to writing it.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Checkpoint, type CheckpointStore, type SealedCheckpoint, unsealCheckpoint } from "../../src/checkpoint/checkpoint.js";
import { runShard } from "../../src/engine/run-shard.js";
import { definePipeline, defineStage, mean, ndjsonDataset, quantile, unique, z } from "../../src/index.js";
import { makeStats } from "../../src/validate/index.js";
import type { Row, Sink, Source } from "../../src/pipeline/types.js";
import { makeTempDir } from "../support/cli.js";
import { loneShardOptions } from "../support/lone-shard.js";

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
 * batches past the checkpoint, so every save but the last overlaps the
 * shard's work. (A checkpoint sealed late, after the sink's fsync or the
 * previous save, would see those batches.)
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

/** Every save but the last (at the end of the input) finished while the shard read on. */
function expectOverlap(periodic: { rowsReadWhileSaving: number }[]): void {
  const overlaps = periodic.map((entry) => entry.rowsReadWhileSaving);
  expect(overlaps.at(-1)).toBe(0);
  for (const rows of overlaps.slice(0, -1)) expect(rows).toBeGreaterThanOrEqual(2 * BATCH);
}

function shardOptions(stage: ReturnType<typeof defineStage>, dir: string, store: CheckpointStore, onProgress: (progress: { rowsIn: number }) => void) {
  return loneShardOptions(definePipeline({ name: "snapshot", stages: [stage] }), dir, store, onProgress);
}

async function run(stage: ReturnType<typeof defineStage>, dir: string) {
  const { store, saved, onProgress } = slowStore();
  const options = shardOptions(stage, dir, store, onProgress);
  const result = await runShard(options);
  const periodic = saved.filter((entry) => !entry.checkpoint.done);
  return { result, periodic, checks: options.stage.checks };
}

const copyStage = (checks: Parameters<typeof defineStage>[0]["checks"] = []) =>
  defineStage({
    id: "copy",
    source: generated,
    batchSize: BATCH,
    checkpoint: { everyRows: EVERY, everySeconds: 3600 },
    transform: (record) => record,
    output: ndjsonDataset(),
    checks,
  });

const totalsStage = (aggregate: Parameters<typeof defineStage>[0]["aggregate"]) =>
  defineStage({
    id: "totals",
    source: generated,
    batchSize: BATCH,
    checkpoint: { everyRows: EVERY, everySeconds: 3600 },
    aggregate,
    output: ndjsonDataset(),
  });

describe("a checkpoint stored in the background", () => {
  it("holds the aggregate groups as of its row while folding goes on", async () => {
    const stage = totalsStage({
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
    });
    const { result, periodic } = await run(stage, makeTempDir("bulkhead-snapshot-"));

    expect(periodic.map((entry) => entry.checkpoint.cursor?.row)).toEqual(
      Array.from({ length: ROWS / EVERY }, (_, i) => (i + 1) * EVERY),
    );
    expectOverlap(periodic);
    for (const { checkpoint } of periodic) {
      const row = checkpoint.cursor?.row ?? 0;
      expect(checkpoint.aggregate, `checkpoint at row ${row}`).toEqual(expectedGroups(row));
      expect(checkpoint.counts).toEqual({ rowsIn: row, rowsOut: 0, rowsInvalid: 0 });
    }
    expect(result.counts).toEqual({ rowsIn: ROWS, rowsOut: 7, rowsInvalid: 0 });
  });

  it("records the dataset part's length and the statistics as of its row while writing goes on", async () => {
    // Checks whose states grow in place (a set of keys, a digest).
    const checks = [unique("id"), quantile("value", 0.5, { max: 10 }), mean("value", { min: 0, max: 10 })];
    const { result, periodic, checks: stageChecks } = await run(copyStage(checks), makeTempDir("bulkhead-snapshot-"));
    // The stage's own checks, plus the one definePipeline adds.
    expect(stageChecks.length).toBe(checks.length + 1);

    const [part] = result.outputs;
    const lines = readFileSync(part.path, "utf8").split("\n").slice(0, -1);
    expect(lines).toHaveLength(ROWS);
    expectOverlap(periodic);
    for (const { checkpoint } of periodic) {
      const row = checkpoint.cursor?.row ?? 0;
      const bytes = Buffer.byteLength(lines.slice(0, row).map((line) => `${line}\n`).join(""));
      expect(checkpoint.sink, `checkpoint at row ${row}`).toMatchObject({ rows: row, bytes });
      // The statistics of exactly the first `row` records, gathered apart.
      const stats = makeStats(stageChecks);
      stats.add(Array.from({ length: row }, (_, id) => recordOf(id)));
      expect(checkpoint.stats, `statistics at row ${row}`).toEqual(JSON.parse(JSON.stringify(stats.state())));
    }
  });

  it("lets the shard run at most two checkpoints ahead of a store that does not finish", async () => {
    let rowsRead = 0;
    let rowsReadWhenFirstSaveEnded = -1;
    let first = true;
    const store: CheckpointStore = {
      load: async () => null,
      async save() {
        if (!first) return;
        first = false;
        // Held until the shard gets four checkpoints past it, or 300 ms.
        const started = performance.now();
        while (rowsRead < EVERY * 5 && performance.now() - started < 300) await new Promise((resolve) => setTimeout(resolve, 5));
        rowsReadWhenFirstSaveEnded = rowsRead;
      },
    };
    const options = shardOptions(copyStage(), makeTempDir("bulkhead-snapshot-"), store, (progress) => void (rowsRead = progress.rowsIn));
    await runShard(options);
    // Checkpoints at 100 (being saved) and 200 (waiting) are unsaved when
    // the one at 300 is due, so the shard waits there.
    expect(rowsReadWhenFirstSaveEnded).toBe(3 * EVERY);
  });

  it("fails the shard when a save in the background fails, and stores nothing after it", async () => {
    const rowsSaved: number[] = [];
    const store: CheckpointStore = {
      load: async () => null,
      async save({ head }) {
        if (head.cursor?.row === 2 * EVERY) throw new Error("disk full (injected)");
        rowsSaved.push(head.cursor?.row ?? 0);
      },
    };
    const options = shardOptions(copyStage(), makeTempDir("bulkhead-snapshot-"), store, () => undefined);
    await expect(runShard(options)).rejects.toThrow("disk full (injected)");
    expect(rowsSaved).toEqual([EVERY]);
  });

  it("fails the shard with a clear error when the groups cannot be stored as JSON", async () => {
    const stage = totalsStage({
      groupBy: (record) => record.group as string,
      initial: () => 0n,
      add: (sum: bigint, record) => sum + BigInt(record.value as number),
      finish: (group, sum: bigint) => ({ group, sum: Number(sum) }),
    });
    const options = shardOptions(stage, makeTempDir("bulkhead-snapshot-"), slowStore().store, () => undefined);
    await expect(runShard(options)).rejects.toThrow(
      /cannot save a checkpoint at row 100: the aggregate's groups \(initial\/add results\) or the checks' state must be plain JSON data \(.*BigInt/,
    );
  });

  it("fails the shard with the sink's error when its data cannot be made durable", async () => {
    // Every third record is invalid, so each checkpoint also writes and
    // syncs the quarantine file: real I/O while the sink's failure is pending.
    const inner = ndjsonDataset();
    const failingSync: Sink = {
      ...inner,
      async open(ctx, committed) {
        const writer = await inner.open(ctx, committed);
        return {
          ...writer,
          commitAsOfNow: () => ({ position: { rows: 0 }, durable: Promise.reject(new Error("fsync failed (injected)")) }),
        };
      },
    };
    const stage = defineStage({
      id: "copy",
      source: generated,
      schema: z.object({ id: z.int().refine((id) => id % 3 !== 0, "every third id is refused") }),
      invalid: { maxFraction: 0.5 },
      batchSize: BATCH,
      checkpoint: { everyRows: EVERY, everySeconds: 3600 },
      transform: (record) => record,
      output: failingSync,
    });
    const options = shardOptions(stage, makeTempDir("bulkhead-snapshot-"), slowStore().store, () => undefined);
    await expect(runShard(options)).rejects.toThrow("fsync failed (injected)");
  });
});
