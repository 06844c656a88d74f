// Running every shard of one stage with retries, then publishing its output
// and judging its gate.
import { availableParallelism } from "node:os";
import { existsSync } from "node:fs";
import path from "node:path";
import pRetry, { AbortError } from "p-retry";
import { makeFileCheckpointStore } from "../checkpoint/file-store.js";
import { MANIFEST_FILE, readDatasetManifest } from "../io/dataset-manifest.js";
import type { Pipeline, Stage } from "../pipeline/define.js";
import { InterruptedError, NonRetryableError, StageError, toError } from "../pipeline/errors.js";
import { type DatasetManifest, type Logger, type OutputFile, type ShardRef, formatShard } from "../pipeline/types.js";
import { evaluateGate, mergeStats, writeGateReport } from "../validate/index.js";
import type { GateReport, StageCounts } from "../validate/types.js";
import type { PipelinePaths } from "./paths.js";
import type { Progress } from "./progress.js";
import { type ShardResult, quarantineFile, runShard } from "./run-shard.js";
import { runShardInChild } from "./shard-process.js";

export interface StageRunOptions {
  pipeline: Pipeline;
  pipelineFile: string;
  stage: Stage;
  runId: string;
  stateDir: string;
  baseDir: string;
  paths: PipelinePaths;
  logger: Logger;
  progress: Progress;
  signal: AbortSignal;
  /** Run shards in child processes when there are several. Default true. */
  parallel: boolean;
  /** Run only these shards (the others are left as they are). */
  onlyShards?: ShardRef[];
}

/** Loads the manifests of the given upstream stages so sources can read them. */
export async function loadDatasets(
  paths: PipelinePaths,
  runId: string,
  stageIds: string[],
): Promise<(stageId: string) => DatasetManifest> {
  const manifests = new Map<string, DatasetManifest>();
  for (const id of stageIds) {
    const dataDir = paths.stageDataDir(runId, id);
    if (existsSync(path.join(dataDir, MANIFEST_FILE))) manifests.set(id, readDatasetManifest(dataDir));
  }
  return (stageId) => {
    const manifest = manifests.get(stageId);
    if (!manifest) {
      throw new Error(`no published dataset for stage "${stageId}" in run ${runId}; it must be an upstream stage (in needs) that finished with a dataset output`);
    }
    return manifest;
  };
}

/** Shards of a stage, in order. */
export function shardsOf(stage: Stage): ShardRef[] {
  return Array.from({ length: stage.shards }, (_, index) => ({ index, count: stage.shards }));
}

/**
 * Runs the stage's shards (in parallel, each with its retry policy) and
 * returns their results in shard order. Throws the first shard failure
 * after every shard has stopped.
 */
export async function runStageShards(options: StageRunOptions): Promise<ShardResult[]> {
  const { stage } = options;
  const shards = options.onlyShards ?? shardsOf(stage);
  const useChildren = options.parallel && shards.length > 1;
  const limit = Math.max(1, Math.min(shards.length, availableParallelism()));

  const results: ShardResult[] = new Array(shards.length);
  const failures: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < shards.length) {
      const position = next++;
      try {
        results[position] = await runShardWithRetries(options, shards[position], useChildren);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));

  const interrupted = failures.find((f) => f instanceof InterruptedError);
  if (interrupted) throw interrupted;
  if (failures.length > 0) throw failures[0];
  return results;
}

async function runShardWithRetries(
  options: StageRunOptions,
  shard: ShardRef,
  useChild: boolean,
): Promise<ShardResult> {
  const { stage, logger, signal } = options;
  const { attempts, minDelayMs, maxDelayMs, factor, jitter } = stage.retry;
  const where = `stage ${stage.id} shard ${formatShard(shard)}`;

  return pRetry(
    async (attempt) => {
      if (attempt > 1) logger.info(`${where}: attempt ${attempt} of ${attempts}`);
      try {
        return useChild
          ? await runShardInChild({ ...options, shard, attempt })
          : await runShardHere(options, shard, attempt);
      } catch (error) {
        // Interrupts and errors marked as not worth retrying end the shard.
        if (error instanceof InterruptedError) throw new AbortError(error);
        if (isNonRetryable(error)) throw new AbortError(toError(error));
        throw error;
      }
    },
    {
      retries: attempts - 1,
      factor,
      minTimeout: minDelayMs,
      maxTimeout: maxDelayMs,
      randomize: jitter,
      signal,
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft > 0) logger.warn(`${where}: attempt ${attemptNumber} of ${attempts} failed${describeFailure(error)}; retrying`);
      },
    },
  ).catch((error: unknown) => {
    // p-retry wraps the original in AbortError; hand back the original.
    const original = error instanceof AbortError ? (error as Error).cause ?? error : error;
    // A signal during a retry's backoff (or right as an attempt ends) makes
    // p-retry throw the abort reason itself, a bare "SIGINT": that is an
    // interruption, not a failure to alert about.
    if (signal.aborted && original === signal.reason) throw new InterruptedError(signalName(signal.reason));
    throw original;
  });
}

function signalName(reason: unknown): NodeJS.Signals {
  return typeof reason === "string" && reason.startsWith("SIG") ? (reason as NodeJS.Signals) : "SIGINT";
}

/** ": reason" or " at row N: reason", without repeating the stage and shard. */
function describeFailure(error: Error): string {
  if (error instanceof StageError) {
    const at = error.location.row === undefined ? "" : ` at row ${error.location.row.toLocaleString("en-US")}`;
    const cause = error.cause instanceof Error ? error.cause.message : error.message;
    return `${at}: ${cause}`;
  }
  return `: ${error.message}`;
}

/** Errors no retry can fix: marked so, or a missing input file. */
function isNonRetryable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof NonRetryableError || current.name === "NonRetryableError") return true;
    if ((current as NodeJS.ErrnoException).code === "ENOENT" || /\bENOENT\b/.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

async function runShardHere(options: StageRunOptions, shard: ShardRef, attempt: number): Promise<ShardResult> {
  const { pipeline, stage, runId, paths } = options;
  const resolveDataset = await loadDatasets(paths, runId, stage.needs);
  return runShard({
    pipeline,
    stage,
    shard,
    runId,
    attempt,
    dataDir: paths.stageDataDir(runId, stage.id),
    baseDir: options.baseDir,
    store: makeFileCheckpointStore(paths.runsDir),
    logger: options.logger,
    resolveDataset,
    onProgress: (p) => options.progress.update(p),
    signal: options.signal,
  });
}

/** Publishes a finished stage's output: manifest, table swap. */
export async function publishStage(options: StageRunOptions, results: ShardResult[]) {
  const { stage, paths, runId } = options;
  return publishParts(stage, paths.stageDataDir(runId, stage.id), options.baseDir, results.map((r) => r.outputs));
}

/**
 * Publishes a stage's output from its shards' parts, wherever they were
 * made (here, or downloaded from artifacts on GitHub Actions).
 */
export function publishParts(stage: Stage, dataDir: string, baseDir: string, parts: OutputFile[][]) {
  return stage.output.publish(
    {
      stageId: stage.id,
      dataDir,
      baseDir,
      batchSize: stage.batchSize,
      // A sink publishes what its shards wrote; it reads no upstream dataset.
      resolveDataset: (id) => {
        throw new Error(`sink of stage ${stage.id} asked for dataset ${id} while publishing`);
      },
    },
    parts,
  );
}

/** Merges shard statistics and evaluates the stage's checks. */
export async function judgeGate(
  options: StageRunOptions,
  results: ShardResult[],
  lastSuccess: StageCounts | null,
): Promise<{ report: GateReport; files: { json: string; markdown: string } }> {
  const { pipeline, stage, runId, paths } = options;
  const counts = sumCounts(results);
  const state = mergeStats(stage.checks, results.map((r) => r.stats));
  const report = evaluateGate({
    pipeline: pipeline.name,
    stage: stage.id,
    runId,
    checks: stage.checks,
    state,
    counts,
    lastSuccess,
    now: new Date(),
  });
  const files = await writeGateReport(paths.reportsDir(runId), report);
  return { report, files };
}

export function sumCounts(results: ShardResult[]): StageCounts {
  const total = { rowsIn: 0, rowsOut: 0, rowsInvalid: 0 };
  for (const r of results) {
    total.rowsIn += r.counts.rowsIn;
    total.rowsOut += r.counts.rowsOut;
    total.rowsInvalid += r.counts.rowsInvalid;
  }
  return total;
}

/** Quarantine files of the stage that hold at least one record. */
export function quarantineFiles(options: StageRunOptions, results: ShardResult[]): string[] {
  return results
    .filter((r) => r.counts.rowsInvalid > 0)
    .map((r) => quarantineFile(options.paths.stageDataDir(options.runId, options.stage.id), r.shard));
}

