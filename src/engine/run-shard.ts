// Running one shard of one stage: restore its checkpoint, read the source
// from the cursor, validate, transform, write, and checkpoint on the way.
// This is all a GitHub Actions job runs too, so it needs nothing but the
// definition, the upstream datasets and the checkpoint store.
import path from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { type Checkpoint, type CheckpointHead, type CheckpointStore, sealCheckpoint } from "../checkpoint/checkpoint.js";
import type { Pipeline, Stage, StageContext } from "../pipeline/define.js";
import { InterruptedError, NonRetryableError, StageError, describeCause, toError } from "../pipeline/errors.js";
import {
  type Cursor,
  type DatasetManifest,
  type IoContext,
  type Logger,
  type OutputFile,
  type Row,
  type ShardRef,
  type SinkContext,
  type SinkPosition,
  type SinkWriter,
  type SourceBatch,
  formatShard,
} from "../pipeline/types.js";
import { makeStats, restoreStats } from "../validate/index.js";
import { QuarantineWriter } from "./quarantine.js";
import { type ShardBasis, basisChange, shardBasis } from "./shard-basis.js";
import { applyTransform, validateRecords } from "./records.js";
import { readAll } from "./read-all.js";

/** Progress of a running shard, reported after every batch. */
export interface ShardProgress {
  stage: string;
  shard: ShardRef;
  rowsIn: number;
  rowsOut: number;
  rowsInvalid: number;
  /** Rows this shard reads in all, when the source knows. */
  totalRows?: number;
}

export interface RunShardOptions {
  pipeline: Pipeline;
  stage: Stage;
  shard: ShardRef;
  runId: string;
  attempt: number;
  /** Directory of this stage's data; the shard writes in its own subdirectory. */
  dataDir: string;
  baseDir: string;
  store: CheckpointStore;
  logger: Logger;
  resolveDataset(stageId: string): DatasetManifest;
  onProgress?(progress: ShardProgress): void;
  /** Aborting stops at the next batch boundary after a checkpoint. */
  signal?: AbortSignal;
}

/** What a finished shard reports to the stage. */
export interface ShardResult {
  shard: ShardRef;
  counts: Checkpoint["counts"];
  stats: unknown[];
  outputs: OutputFile[];
  resumedFrom: { row: number } | null;
  /** True when the shard had already finished and nothing ran. */
  alreadyDone: boolean;
}

/**
 * The directory one shard writes in: its part, its quarantine. Everything a
 * shard produced lives here, so it can be shipped whole (an artifact, a
 * cache snapshot) and another machine can resume or use it.
 */
export function shardDataDir(stageDataDir: string, shard: ShardRef): string {
  return path.join(stageDataDir, `shard-${shard.index + 1}-of-${shard.count}`);
}

/** The file a shard's invalid records go to. */
export function quarantineFile(stageDataDir: string, shard: ShardRef): string {
  return path.join(shardDataDir(stageDataDir, shard), "quarantine.ndjson");
}

/**
 * Runs one shard to its end, resuming from its newest checkpoint. Throws
 * StageError on failure (after saving what was committed) and
 * InterruptedError when `signal` aborts.
 */
export async function runShard(options: RunShardOptions): Promise<ShardResult> {
  const { pipeline, stage, shard, runId, attempt, store, logger } = options;
  const where = `stage ${stage.id} shard ${formatShard(shard)}`;
  const key = { pipeline: pipeline.name, runId, stage: stage.id, shard };

  const ioContext: IoContext = {
    shard,
    batchSize: stage.batchSize,
    baseDir: options.baseDir,
    resolveDataset: options.resolveDataset,
    signal: options.signal,
  };
  const basis = await shardBasis(stage, ioContext);
  const loaded = await store.load(key);
  for (const warning of loaded?.warnings ?? []) logger.warn(`${where}: ${warning}`);
  let previous = loaded?.checkpoint ?? null;
  const changed = previous ? basisChange(previous.basis, basis) : null;
  if (changed) {
    logger.warn(`${where}: ${changed} since its checkpoint (row ${(previous?.cursor?.row ?? 0).toLocaleString("en-US")}); starting the shard over so every record is judged the same way`);
    previous = null;
  }
  if (previous?.done) {
    logger.info(`${where}: already finished in an earlier attempt (${previous.counts.rowsOut.toLocaleString("en-US")} rows out); not running it again`);
    return resultOf(previous, true);
  }
  const resumeRow = previous?.cursor?.row ?? 0;
  if (previous?.cursor) {
    logger.info(`${where}: resuming at row ${resumeRow.toLocaleString("en-US")}`);
  }

  const sinkContext: SinkContext = { ...ioContext, stageId: stage.id, dataDir: shardDataDir(options.dataDir, shard) };
  const writer = await stage.output.open(sinkContext, previous?.sink ?? null);
  const quarantine = await QuarantineWriter.open(
    quarantineFile(options.dataDir, shard),
    previous?.quarantine ?? { bytes: 0, rows: 0 },
  ).catch(async (error: unknown) => {
    // The writer may hold a file and a hashing thread: release them.
    await writer.close().catch(() => undefined);
    throw error;
  });

  // Sequence numbers keep growing even when a checkpoint is set aside, so
  // the newest file is always the one saved last.
  const nextSeq = (loaded?.checkpoint.seq ?? -1) + 1;
  const run = new ShardRun(options, writer, quarantine, previous, basis, nextSeq);
  try {
    return await run.execute(ioContext);
  } catch (error) {
    if (error instanceof InterruptedError || error instanceof StageError) throw error;
    const cause = toError(error);
    throw new StageError(
      { pipeline: pipeline.name, stage: stage.id, shard: formatShard(shard), attempt, row: run.batchStartRow },
      describeCause(cause),
      cause,
    );
  } finally {
    await writer.close().catch(() => undefined);
    await quarantine.close().catch(() => undefined);
  }
}

function resultOf(checkpoint: Checkpoint, alreadyDone: boolean): ShardResult {
  return {
    shard: checkpoint.shard,
    counts: checkpoint.counts,
    stats: checkpoint.stats,
    outputs: checkpoint.outputs,
    resumedFrom: checkpoint.resumedFrom,
    alreadyDone,
  };
}

/** The mutable state of one shard attempt, between checkpoints. */
class ShardRun {
  private readonly stats;
  private readonly counts: Checkpoint["counts"];
  private readonly groups: Map<string, unknown>;
  private cursor: Cursor | null;
  private seq: number;
  private readonly resumedFrom: { row: number } | null;
  private rowsAtLastSave: number;
  private timeAtLastSave = Date.now();
  /** Source row (shard-relative) where the batch being processed began. */
  batchStartRow: number;
  /**
   * Periodic checkpoints taken but not stored yet, oldest first. Each is
   * stored after the one before it, so the newest on disk is always the
   * newest that could be.
   */
  private unsaved: Promise<void>[] = [];
  /** The first failure of a background save, reported at the next checkpoint. */
  private saveFailure: { error: unknown } | null = null;

  constructor(
    private readonly options: RunShardOptions,
    private readonly writer: SinkWriter,
    private readonly quarantine: QuarantineWriter,
    previous: Checkpoint | null,
    private readonly basis: ShardBasis,
    nextSeq: number,
  ) {
    const { stage } = options;
    this.stats = previous ? restoreStats(stage.checks, previous.stats) : makeStats(stage.checks);
    this.counts = previous ? { ...previous.counts } : { rowsIn: 0, rowsOut: 0, rowsInvalid: 0 };
    this.groups = new Map(Object.entries(previous?.aggregate ?? {}));
    this.cursor = previous?.cursor ?? null;
    this.seq = nextSeq;
    this.resumedFrom = previous?.cursor ? { row: previous.cursor.row } : null;
    this.rowsAtLastSave = this.cursor?.row ?? 0;
    this.batchStartRow = this.cursor?.row ?? 0;
  }

  async execute(ioContext: IoContext): Promise<ShardResult> {
    try {
      return await this.runBatches(ioContext);
    } catch (error) {
      // A retry must not start while this attempt's last save may still land.
      await this.allSaved().catch(() => undefined);
      throw error;
    }
  }

  private async runBatches(ioContext: IoContext): Promise<ShardResult> {
    const { stage, shard, signal } = this.options;
    const context = await this.makeStageContext();
    const totalRows = await stage.source.countRows?.(ioContext);

    let lastTurn = performance.now();
    for await (const batch of stage.source.read(ioContext, this.cursor)) {
      await this.processBatch(batch, context);
      // Batches that need no I/O chain only microtasks; give other stages
      // of this process, child shards' messages and signals their turn.
      if (performance.now() - lastTurn > EVENT_LOOP_TURN_MS) {
        await nextTurn();
        lastTurn = performance.now();
      }
      this.options.onProgress?.({ stage: stage.id, shard, ...this.counts, totalRows });
      if (signal?.aborted) {
        await this.saveCheckpoint(false, []);
        throw new InterruptedError(abortSignalName(signal));
      }
      if (this.checkpointDue()) await this.saveCheckpointInBackground();
    }

    if (stage.aggregate) await this.writeGroups();
    this.failOnTooManyInvalid();
    await this.allSaved();
    // Commit first so the final checkpoint's positions cover everything.
    const outputs = await this.writer.finish();
    const checkpoint = await this.saveCheckpoint(true, outputs);
    return resultOf(checkpoint, false);
  }

  private async makeStageContext(): Promise<StageContext> {
    const { pipeline, stage, shard, attempt } = this.options;
    const base: StageContext = {
      pipeline: pipeline.name,
      stage: stage.id,
      shard,
      attempt,
      state: undefined,
      readAll: (source) =>
        readAll(source, {
          shard: { index: 0, count: 1 },
          batchSize: 10_000,
          baseDir: this.options.baseDir,
          resolveDataset: this.options.resolveDataset,
        }),
    };
    if (!stage.setup) return base;
    return { ...base, state: await stage.setup(base) };
  }

  private async processBatch(batch: SourceBatch, context: StageContext): Promise<void> {
    const { stage } = this.options;
    this.batchStartRow = this.cursor?.row ?? 0;

    for (const reject of batch.rejects ?? []) {
      this.quarantine.add({ row: reject.row, line: reject.line, reason: reject.reason, raw: reject.raw });
    }
    const rejected = batch.rejects?.length ?? 0;
    let invalidRows = 0;
    let outputRows = 0;
    // A per-record transform sees the batch in steps (a transformBatch
    // gets it whole, as documented): each step's records, outputs and text
    // die before the next garbage collection instead of surviving into the
    // old generation, which was the largest single cost of a shard.
    const step = stage.transformBatch ? batch.records.length : STEP_RECORDS;
    for (let from = 0; from < batch.records.length; from += step) {
      const part = from === 0 && step >= batch.records.length ? batch : slice(batch, from, from + step);
      const { valid, invalid } = validateRecords(stage.schema, part);
      for (const entry of invalid) this.quarantine.add(entry);
      invalidRows += invalid.length;

      const output = await withBatchRetries(stage.batchAttempts, () =>
        applyTransform(stage, valid, context),
      );
      // Checks judge what the stage writes: for an aggregate, the groups
      // (added in writeGroups), not the records folded into them.
      if (stage.aggregate) this.foldGroups(output);
      else {
        await this.writer.write(output);
        this.stats.add(output);
        outputRows += output.length;
      }
    }

    this.counts.rowsIn += batch.records.length + rejected;
    this.counts.rowsInvalid += invalidRows + rejected;
    this.counts.rowsOut += outputRows;
    this.cursor = batch.cursor;
  }

  private foldGroups(records: Row[]): void {
    const aggregate = this.options.stage.aggregate!;
    for (const record of records) {
      const key = aggregate.groupBy(record) as string;
      const acc = this.groups.has(key) ? this.groups.get(key) : aggregate.initial();
      this.groups.set(key, aggregate.add(acc, record));
    }
  }

  /** Writes one record per group, in key order so reruns are identical. */
  private async writeGroups(): Promise<void> {
    const aggregate = this.options.stage.aggregate!;
    const keys = [...this.groups.keys()].sort();
    const rows = keys.map((key) => aggregate.finish(key, this.groups.get(key)) as Row);
    await this.writer.write(rows);
    this.stats.add(rows);
    this.counts.rowsOut += rows.length;
  }

  private failOnTooManyInvalid(): void {
    const { stage } = this.options;
    const { rowsIn, rowsInvalid } = this.counts;
    const fraction = rowsIn === 0 ? 0 : rowsInvalid / rowsIn;
    if (fraction <= stage.invalid.maxFraction) return;
    throw new NonRetryableError(
      `${rowsInvalid.toLocaleString("en-US")} of ${rowsIn.toLocaleString("en-US")} records are invalid (${percent(fraction)}), more than the allowed ${percent(stage.invalid.maxFraction)}; see ${this.quarantine.file}`,
    );
  }

  private checkpointDue(): boolean {
    const { everyRows, everySeconds } = this.options.stage.checkpoint;
    const row = this.cursor?.row ?? 0;
    return (
      row - this.rowsAtLastSave >= everyRows ||
      Date.now() - this.timeAtLastSave >= everySeconds * 1000
    );
  }

  /**
   * A periodic checkpoint, stored while the next batches run: it is taken
   * and serialised now and stored once the data it points at is durable. A
   * sink that can say where it stands now (commitAsOfNow) makes its data
   * durable in the background; other sinks commit here first.
   *
   * The shard does not wait for the previous checkpoint's store unless two
   * are still unsaved: a slow fsync (the disk busy with other writes) or a
   * store whose callbacks wait their turn behind busy stages would
   * otherwise stall the shard at every checkpoint. A failed save fails the
   * shard at the next checkpoint, or at the end.
   */
  private async saveCheckpointInBackground(): Promise<void> {
    this.throwSaveFailure();
    while (this.unsaved.length >= MAX_UNSAVED_CHECKPOINTS) await this.unsaved[0];
    const { position, durable } = this.writer.commitAsOfNow?.() ?? { position: await this.writer.commit(), durable: Promise.resolve() };
    // Its failure is reported by the save chained to it below; should the
    // shard fail before that, it must not count as unhandled.
    durable.catch(() => undefined);
    // Rarely anything to write: most shards quarantine nothing.
    const quarantine = await this.quarantine.commit();
    const sealed = sealOrExplain(this.checkpointOf(false, [], position, quarantine));
    this.markSaved();

    const previous = this.unsaved.at(-1) ?? Promise.resolve();
    const save = Promise.all([previous, durable])
      .then(() => this.options.store.save(sealed))
      .then(() => this.logSaved(sealed.head));
    this.unsaved.push(save);
    save.then(
      () => this.unsaved.splice(this.unsaved.indexOf(save), 1),
      (error: unknown) => {
        this.unsaved.splice(this.unsaved.indexOf(save), 1);
        this.saveFailure ??= { error };
      },
    );
  }

  /** Resolves once every periodic checkpoint taken is stored; rejects if one was not. */
  private async allSaved(): Promise<void> {
    await Promise.all(this.unsaved);
    this.throwSaveFailure();
  }

  private throwSaveFailure(): void {
    if (this.saveFailure) throw this.saveFailure.error;
  }

  /** Commits the sink and quarantine, then saves the checkpoint recording their positions. */
  private async saveCheckpoint(done: boolean, outputs: OutputFile[]): Promise<Checkpoint> {
    await this.allSaved();
    const sink = done ? null : await this.writer.commit();
    const quarantine = await this.quarantine.commit();
    const checkpoint = this.checkpointOf(done, outputs, sink, quarantine);
    this.markSaved();
    await this.options.store.save(sealOrExplain(checkpoint));
    this.logSaved(checkpoint);
    return checkpoint;
  }

  /** The checkpoint of the shard as it stands (statistics and groups live, not copied: seal it before the next batch). */
  private checkpointOf(done: boolean, outputs: OutputFile[], sink: SinkPosition | null, quarantine: Checkpoint["quarantine"]): Checkpoint {
    const { pipeline, stage, shard, runId, attempt } = this.options;
    return {
      version: 1,
      pipeline: pipeline.name,
      runId,
      stage: stage.id,
      shard,
      attempt,
      seq: this.seq++,
      savedAt: new Date().toISOString(),
      cursor: this.cursor,
      sink,
      quarantine,
      counts: { ...this.counts },
      stats: this.stats.state(),
      aggregate: stage.aggregate ? Object.fromEntries(this.groups) : null,
      resumedFrom: this.resumedFrom,
      basis: this.basis,
      done,
      outputs,
    };
  }

  /** Starts the next checkpoint interval. */
  private markSaved(): void {
    this.rowsAtLastSave = this.cursor?.row ?? 0;
    this.timeAtLastSave = Date.now();
  }

  private logSaved(checkpoint: CheckpointHead): void {
    const { stage, shard } = this.options;
    this.options.logger.debug(
      `stage ${stage.id} shard ${formatShard(shard)}: checkpoint ${checkpoint.seq} saved at row ${(checkpoint.cursor?.row ?? 0).toLocaleString("en-US")}`,
    );
  }
}

/**
 * Periodic checkpoints that may wait to be stored before the shard waits
 * for the oldest: memory for one sealed checkpoint more, in exchange for
 * riding out one slow save.
 */
const MAX_UNSAVED_CHECKPOINTS = 2;

/** Longest stretch a shard keeps the event loop before letting others run. */
const EVENT_LOOP_TURN_MS = 20;

/**
 * Records per step through validate → transform → write → checks within a
 * batch: small enough that a step's objects die young, large enough that
 * the per-step cost (an await, a few arrays) does not show.
 */
const STEP_RECORDS = 1_000;

/**
 * Seals a checkpoint, or says why it cannot be: groups and check states are
 * stored as JSON, so a BigInt or a cycle in them can never be checkpointed
 * (retrying would not help).
 */
function sealOrExplain(checkpoint: Checkpoint) {
  try {
    return sealCheckpoint(checkpoint);
  } catch (error) {
    const part = checkpoint.aggregate ? "the aggregate's groups (initial/add results) or the checks' state" : "the checks' state";
    throw new NonRetryableError(`cannot save a checkpoint at row ${checkpoint.cursor?.row ?? 0}: ${part} must be plain JSON data (${(error as Error).message})`);
  }
}

/** Records [from, to) of a batch, with their line numbers and first row. */
function slice(batch: SourceBatch, from: number, to: number): SourceBatch {
  return {
    ...batch,
    records: batch.records.slice(from, to),
    lines: batch.lines?.slice(from, to),
    firstRow: batch.firstRow + from,
  };
}

/** Retries one batch's transform; a NonRetryableError stops at once. */
async function withBatchRetries<T>(attempts: number, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || error instanceof NonRetryableError) throw error;
    }
  }
}

function abortSignalName(signal: AbortSignal): NodeJS.Signals {
  const reason: unknown = signal.reason;
  return typeof reason === "string" && reason.startsWith("SIG") ? (reason as NodeJS.Signals) : "SIGINT";
}

function percent(fraction: number): string {
  return `${(fraction * 100).toPrecision(3)}%`;
}
