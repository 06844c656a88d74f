// Running a pipeline's stages in order on this machine: pick the run to
// resume, run each unfinished stage, stop at a failed gate, alert.
import { rm } from "node:fs/promises";
import { makeFileCheckpointStore } from "../checkpoint/file-store.js";
import type { AlertChannel, AlertEvent } from "../alert/types.js";
import { sendAlert } from "../alert/index.js";
import { orderStages } from "../pipeline/dag.js";
import type { Pipeline, Stage } from "../pipeline/define.js";
import { InterruptedError, StageError, UsageError, toError } from "../pipeline/errors.js";
import { type Logger, type ShardRef, formatShard } from "../pipeline/types.js";
import type { StageCounts } from "../validate/types.js";
import { acquireLock } from "./lock.js";
import { type PipelinePaths, newRunId, pipelinePaths } from "./paths.js";
import type { Progress } from "./progress.js";
import { formatSeconds } from "./progress.js";
import {
  type RunRecord,
  type RunStatus,
  type StageRecord,
  pendingStage,
  readJsonFile,
  readRunRecord,
  writeJsonFile,
  writeRunRecord,
} from "./run-record.js";
import type { ShardResult } from "./run-shard.js";
import {
  type StageRunOptions,
  judgeGate,
  publishStage,
  quarantineFiles,
  runStageShards,
  sumCounts,
} from "./run-stage.js";

export interface RunPipelineOptions {
  pipeline: Pipeline;
  pipelineFile: string;
  stateDir: string;
  baseDir: string;
  /** Start a new run even if one is unfinished. */
  fresh?: boolean;
  /** Run only this stage (its upstream stages must have finished in this run). */
  stage?: string;
  /** With `stage`: run only this shard. */
  shard?: ShardRef;
  logger: Logger;
  progress: Progress;
  alerts: AlertChannel[];
  signal: AbortSignal;
  /** Shards in child processes. Default true. */
  parallel?: boolean;
  /** Masks secrets in what is written to the run record. Default: none. */
  redact?: (text: string) => string;
}

/** The outcome of `bulkhead run`, also printed by --json. */
export interface RunOutcome {
  record: RunRecord;
  /** Set when a signal stopped the run. */
  interruptedBy?: NodeJS.Signals;
}

/** Runs the pipeline (or one stage or shard of it) to the end or to a stop. */
export async function runPipeline(options: RunPipelineOptions): Promise<RunOutcome> {
  const { pipeline, logger } = options;
  const paths = pipelinePaths(options.stateDir, pipeline.name);
  const release = await acquireLock(paths.lock, logger);
  try {
    return await runLocked(options, paths);
  } finally {
    await release();
  }
}

async function runLocked(options: RunPipelineOptions, paths: PipelinePaths): Promise<RunOutcome> {
  const { pipeline, logger } = options;
  const order = orderStages(pipeline.stages).order;
  if (options.stage && !order.some((s) => s.id === options.stage)) {
    throw new UsageError(`--stage ${options.stage}: no such stage in ${pipeline.name} (stages: ${order.map((s) => s.id).join(", ")})`);
  }
  const record = await openRun(options, paths, order);
  const started = Date.now();
  logger.info(`pipeline ${pipeline.name}: run ${record.runId}, stages ${order.map((s) => s.id).join(" → ")}`);

  const outcome: RunOutcome = { record };
  const selected = options.stage ? order.filter((s) => s.id === options.stage) : order;
  const waiting = new Map(selected.map((s) => [s.id, s]));
  const running = new Map<string, Promise<void>>();
  const statusOf = (id: string) => record.stages.find((s) => s.id === id)!.status;
  const needed = new Set(pipeline.stages.flatMap((s) => s.needs));
  const inThisProcess = (stage: Stage) => !(options.parallel ?? true) || stage.shards === 1;
  const stageById = new Map(pipeline.stages.map((s) => [s.id, s]));
  /** True while a stage others wait for runs on this process's thread. */
  const feeding = () => [...running.keys()].some((id) => needed.has(id) && inThisProcess(stageById.get(id)!));

  // Stages start as soon as everything they need has succeeded, so stages
  // that do not depend on each other run at the same time. Stages running in
  // this process share its one thread, so one that nothing waits for holds
  // back while one that others wait for runs here: the stages downstream
  // (e.g. a sharded one, whose processes then start) get going sooner.
  for (;;) {
    // Stages others wait for first (a stable sort keeps the order otherwise).
    const candidates = [...waiting.values()].sort((a, b) => Number(needed.has(b.id)) - Number(needed.has(a.id)));
    for (const stage of candidates) {
      const stageRecord = record.stages.find((s) => s.id === stage.id)!;
      if (stageRecord.status === "succeeded" && !options.stage) {
        logger.info(`stage ${stage.id}: already finished in run ${record.runId}; not running it again`);
        waiting.delete(stage.id);
        continue;
      }
      // After an interruption nothing new starts; the next run resumes.
      if (outcome.interruptedBy) continue;
      const needs = stage.needs.map(statusOf);
      if (options.stage && needs.some((status) => status !== "succeeded")) {
        throw new UsageError(`--stage ${stage.id}: upstream stage ${blockingUpstream(record, stage)} has not finished in run ${record.runId}`);
      }
      if (needs.some((status) => status === "failed" || status === "gated" || status === "skipped")) {
        stageRecord.status = "skipped";
        waiting.delete(stage.id);
        continue;
      }
      if (needs.some((status) => status !== "succeeded")) continue;
      if (inThisProcess(stage) && !needed.has(stage.id) && feeding()) continue;
      waiting.delete(stage.id);
      running.set(stage.id, startStage(options, paths, record, stage, stageRecord, outcome).finally(() => running.delete(stage.id)));
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  // Stages still waiting were held back by an interruption.
  for (const stage of waiting.values()) {
    const stageRecord = record.stages.find((s) => s.id === stage.id)!;
    if (stageRecord.status !== "succeeded") stageRecord.status = "pending";
  }

  if (!options.shard) await finishRun(options, paths, record, outcome, started);
  return outcome;
}

/** Runs one stage and records how it ended; an interruption stops the run. */
async function startStage(
  options: RunPipelineOptions,
  paths: PipelinePaths,
  record: RunRecord,
  stage: Stage,
  stageRecord: StageRecord,
  outcome: RunOutcome,
): Promise<void> {
  if (options.stage && stageRecord.status === "succeeded") await forgetStage(paths, record, stage, options.logger);
  const stop = await runOneStage(options, paths, record, stage, stageRecord);
  await writeRunRecord(paths.runRecord(record.runId), record);
  if (stop?.interruptedBy) outcome.interruptedBy = stop.interruptedBy;
}

/** Resumes the unfinished run, or starts a new one. */
async function openRun(options: RunPipelineOptions, paths: PipelinePaths, order: Stage[]): Promise<RunRecord> {
  const { logger, pipeline } = options;
  if (!options.fresh) {
    const current = (await readJsonFile(paths.currentRun)) as { runId?: string } | null;
    const record = current?.runId ? await readRunRecord(paths.runRecord(current.runId)) : null;
    if (record && record.status !== "succeeded") {
      logger.info(`pipeline ${pipeline.name}: resuming unfinished run ${record.runId} (started ${record.startedAt}; --fresh starts over)`);
      // Unfinished stages run again (resuming from their checkpoints).
      for (const stage of record.stages) if (stage.status !== "succeeded") stage.status = "pending";
      record.status = "running";
      record.finishedAt = null;
      return record;
    }
  }
  const runId = newRunId();
  const record: RunRecord = {
    pipeline: pipeline.name,
    runId,
    status: "running",
    startedAt: new Date().toISOString(),
    finishedAt: null,
    stages: order.map((s) => pendingStage(s.id, s.shards)),
  };
  await writeRunRecord(paths.runRecord(runId), record);
  await writeJsonFile(paths.currentRun, { runId });
  return record;
}

function blockingUpstream(record: RunRecord, stage: Stage): string | undefined {
  return stage.needs.find((need) => record.stages.find((s) => s.id === need)?.status !== "succeeded");
}

/** Forgets a finished stage so running it again replaces its output. */
async function forgetStage(paths: PipelinePaths, record: RunRecord, stage: Stage, logger: Logger) {
  logger.info(`stage ${stage.id}: running it again; its earlier output in run ${record.runId} is replaced`);
  const stageDir = `${paths.runDir(record.runId)}/stages/${stage.id}`;
  await rm(stageDir, { recursive: true, force: true });
}

/** Runs one stage; returns a stop reason when the run must not go on. */
async function runOneStage(
  options: RunPipelineOptions,
  paths: PipelinePaths,
  record: RunRecord,
  stage: Stage,
  stageRecord: StageRecord,
): Promise<{ interruptedBy?: NodeJS.Signals } | null> {
  const { logger } = options;
  const stageOptions: StageRunOptions = {
    pipeline: options.pipeline,
    pipelineFile: options.pipelineFile,
    stage,
    runId: record.runId,
    stateDir: options.stateDir,
    baseDir: options.baseDir,
    paths,
    logger,
    progress: options.progress,
    signal: options.signal,
    parallel: options.parallel ?? true,
    onlyShards: options.shard ? [options.shard] : undefined,
  };
  const started = Date.now();
  stageRecord.status = "running";
  stageRecord.startedAt = new Date().toISOString();
  stageRecord.error = null;
  await writeRunRecord(paths.runRecord(record.runId), record);
  logger.info(`stage ${stage.id}: started, ${stage.shards} shard${stage.shards > 1 ? "s" : ""}, reading ${stage.source.description}`);

  let results: ShardResult[];
  try {
    results = await runStageShards(stageOptions);
  } catch (thrown) {
    options.progress.stop(stage.id);
    stageRecord.durationMs = Date.now() - started;
    if (thrown instanceof InterruptedError) {
      stageRecord.status = "interrupted";
      record.status = "interrupted";
      logger.warn(`stage ${stage.id}: ${thrown.message}`);
      return { interruptedBy: thrown.signal };
    }
    const error = toError(thrown);
    stageRecord.status = "failed";
    stageRecord.error = (options.redact ?? String)(error.message);
    record.status = "failed";
    logger.error(`stage ${stage.id}: failed: ${error.message}`);
    await alertStageFailure(options, paths, record, stage, error);
    return {};
  } finally {
    options.progress.stop(stage.id);
  }

  Object.assign(stageRecord, {
    counts: sumCounts(results),
    resumedFrom: earliestResume(results),
    quarantine: quarantineFiles(stageOptions, results),
  });
  if (options.shard) {
    stageRecord.status = "pending";
    logger.info(`stage ${stage.id} shard ${formatShard(options.shard)}: finished; the stage completes when all its shards have`);
    return {};
  }

  stageRecord.outputs = await publishStage(stageOptions, results);
  const lastSuccess = await readLastSuccess(paths, stage.id);
  const { report, files } = await judgeGate(stageOptions, results, lastSuccess);
  stageRecord.checks = report.checks;
  stageRecord.report = files;
  stageRecord.durationMs = Date.now() - started;
  logStageEnd(logger, stage, stageRecord);

  if (!report.passed) {
    stageRecord.status = "gated";
    record.status = "gated";
    logger.error(`stage ${stage.id}: gate failed, downstream stages will not run; report: ${files.markdown}`);
    await sendAndReport(options, {
      ...baseEvent(options, record),
      kind: "gate",
      stage: stage.id,
      gate: report,
      nextStep: `Read ${files.markdown}, fix the data or the check, then run: npx bulkhead run ${options.pipelineFile} (shards whose input or checks changed are read again; --fresh starts the whole run over)`,
    });
    return {};
  }
  stageRecord.status = "succeeded";
  return null;
}

function logStageEnd(logger: Logger, stage: Stage, stageRecord: StageRecord): void {
  const { rowsIn, rowsOut, rowsInvalid } = stageRecord.counts;
  const seconds = (stageRecord.durationMs ?? 0) / 1000;
  const rate = seconds > 0 ? Math.round(rowsIn / seconds).toLocaleString("en-US") : "-";
  logger.info(
    `stage ${stage.id}: finished in ${formatSeconds(seconds)}: ${rowsIn.toLocaleString("en-US")} rows in, ${rowsOut.toLocaleString("en-US")} out, ${rowsInvalid.toLocaleString("en-US")} invalid (${rate} rows/s)`,
  );
  for (const check of stageRecord.checks) {
    const mark = check.passed ? "passed" : check.severity === "warn" ? "WARNING" : "FAILED";
    const line = `stage ${stage.id}: check ${mark}: ${check.message}`;
    if (check.passed) logger.info(line);
    else if (check.severity === "warn") logger.warn(line);
    else logger.error(line);
  }
}

function earliestResume(results: ShardResult[]): { row: number } | null {
  const rows = results.filter((r) => r.resumedFrom).map((r) => r.resumedFrom!.row);
  return rows.length > 0 ? { row: Math.min(...rows) } : null;
}

async function readLastSuccess(paths: PipelinePaths, stageId: string): Promise<StageCounts | null> {
  const last = (await readJsonFile(paths.lastSuccess)) as { stages?: Record<string, StageCounts> } | null;
  return last?.stages?.[stageId] ?? null;
}

/** The facts every local alert starts with; the "run link" is its directory. */
function baseEvent(options: RunPipelineOptions, record: RunRecord) {
  return {
    pipeline: options.pipeline.name,
    runId: record.runId,
    runUrl: pipelinePaths(options.stateDir, options.pipeline.name).runDir(record.runId),
    at: new Date().toISOString(),
  };
}

async function alertStageFailure(
  options: RunPipelineOptions,
  pipelinePathsValue: PipelinePaths,
  record: RunRecord,
  stage: Stage,
  error: Error,
): Promise<void> {
  const location = error instanceof StageError ? error.location : undefined;
  const shard = location ? shardFromText(location.shard) : undefined;
  const loaded = shard
    ? await makeFileCheckpointStore(pipelinePathsValue.runsDir)
        .load({ pipeline: options.pipeline.name, runId: record.runId, stage: stage.id, shard })
        .catch(() => null)
    : null;
  const checkpoint = loaded?.checkpoint;
  await sendAndReport(options, {
    ...baseEvent(options, record),
    kind: "failure",
    stage: stage.id,
    shard: location?.shard,
    attempt: location?.attempt,
    error: error.message,
    checkpoint: checkpoint?.cursor
      ? { row: checkpoint.cursor.row, cursor: checkpoint.cursor, savedAt: checkpoint.savedAt }
      : null,
    nextStep: `Fix the cause, then run again to resume from the checkpoint: npx bulkhead run ${options.pipelineFile}`,
  });
}

function shardFromText(text: string): ShardRef | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  return match ? { index: Number(match[1]) - 1, count: Number(match[2]) } : undefined;
}

async function sendAndReport(options: RunPipelineOptions, event: AlertEvent): Promise<void> {
  const failures = await sendAlert(options.alerts, event);
  for (const failure of failures) options.logger.warn(`alert channel ${failure.channel}: ${failure.error.message}`);
}

/** Records the outcome; a success after a failure sends "recovered". */
async function finishRun(
  options: RunPipelineOptions,
  pipelinePathsValue: PipelinePaths,
  record: RunRecord,
  outcome: RunOutcome,
  started: number,
): Promise<void> {
  const { logger } = options;
  if (record.status === "running") {
    const allDone = record.stages.every((s) => s.status === "succeeded");
    record.status = allDone ? "succeeded" : options.stage ? "running" : "failed";
  }
  record.finishedAt = record.status === "running" ? null : new Date().toISOString();
  await writeRunRecord(pipelinePathsValue.runRecord(record.runId), record);
  if (record.status === "running") return;

  const previous = (await readJsonFile(pipelinePathsValue.lastOutcome)) as { status?: RunStatus; runId?: string } | null;
  if (record.status === "succeeded") {
    await writeJsonFile(pipelinePathsValue.lastSuccess, {
      runId: record.runId,
      finishedAt: record.finishedAt,
      stages: Object.fromEntries(record.stages.map((s) => [s.id, s.counts])),
    });
    await rm(pipelinePathsValue.currentRun, { force: true });
    logger.info(`pipeline ${options.pipeline.name}: run ${record.runId} succeeded in ${formatSeconds((Date.now() - started) / 1000)}`);
    if (previous?.status && previous.status !== "succeeded" && previous.status !== "interrupted") {
      await sendAndReport(options, {
        ...baseEvent(options, record),
        kind: "recovered",
        nextStep: `Nothing to do: run ${record.runId} succeeded after ${previous.status} run ${previous.runId}.`,
      });
    }
  }
  if (!outcome.interruptedBy) {
    await writeJsonFile(pipelinePathsValue.lastOutcome, { status: record.status, runId: record.runId, at: record.finishedAt });
  }
}

