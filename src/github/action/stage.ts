// A stage job: runs the shards of one matrix leg with the same engine as
// `bulkhead run`, checkpointing to the Actions cache and handing its output
// to later jobs as artifacts. A failing or cancelled shard leaves a failure
// record for the alert job.
import path from "node:path";
import * as core from "@actions/core";
import { type PipelinePaths, pipelinePaths } from "../../engine/paths.js";
import { loadDatasets, publishParts } from "../../engine/run-stage.js";
import { formatSeconds } from "../../engine/progress.js";
import { type ShardResult, runShard, shardDataDir } from "../../engine/run-shard.js";
import type { CheckpointHead, CheckpointStore } from "../../checkpoint/checkpoint.js";
import type { Pipeline, Stage } from "../../pipeline/define.js";
import { InterruptedError, StageError, toError } from "../../pipeline/errors.js";
import { loadPipeline } from "../../pipeline/load.js";
import { type DatasetManifest, type ShardRef, formatShard } from "../../pipeline/types.js";
import { downloadStageOutputs, uploadFailureRecord, uploadShardOutput } from "../artifacts.js";
import { makeCacheCheckpointStore, warnOnFailedSave } from "../cache-store.js";
import { parseLegShards } from "../workflow-matrix.js";
import type { ActionContext } from "./context.js";
import { writeSummary } from "./summary.js";

/** Where cache entries are staged, relative to the workspace. */
export const CACHE_STAGING_DIR = ".bulkhead-cache";

export async function runStageCommand(context: ActionContext, signal: AbortSignal): Promise<void> {
  const { inputs, logger } = context;
  const pipeline = await loadPipeline(inputs.pipeline);
  context.pipelineName = pipeline.name;
  const stage = pipeline.stages.find((s) => s.id === inputs.stage);
  if (!stage) throw new Error(`input stage: no stage "${inputs.stage}" in ${inputs.pipeline}`);
  const shards = parseLegShards(inputs.shard);
  for (const shard of shards) {
    if (shard.count !== stage.shards) {
      throw new Error(`input shard ${inputs.shard}: stage ${stage.id} has ${stage.shards} shards; regenerate the workflow with npx bulkhead workflow ${inputs.pipeline}`);
    }
  }

  const paths = pipelinePaths(path.resolve(context.workspace, inputs.stateDir), pipeline.name);
  const resolveDataset = await fetchUpstreamDatasets(context, pipeline, stage, paths);
  const failures: string[] = [];
  for (const shard of shards) {
    core.startGroup(`stage ${stage.id} shard ${formatShard(shard)}`);
    try {
      await runOneShard(context, pipeline, stage, shard, resolveDataset, signal);
    } catch (error) {
      failures.push((error as Error).message);
      if (error instanceof InterruptedError) break;
    } finally {
      core.endGroup();
    }
  }
  if (failures.length > 0) throw new Error(failures.join("\n"));
  core.setOutput("status", "succeeded");
}

/**
 * Downloads the upstream stages' shard outputs (newest attempt each) and
 * publishes them here, so `dataset()` sources read them as locally.
 */
async function fetchUpstreamDatasets(
  context: ActionContext,
  pipeline: Pipeline,
  stage: Stage,
  paths: PipelinePaths,
): Promise<(stageId: string) => DatasetManifest> {
  for (const need of stage.needs) {
    const upstream = pipeline.stages.find((s) => s.id === need)!;
    const dataDir = paths.stageDataDir(context.runId, need);
    const { found, missing } = await downloadStageOutputs({
      pipeline: pipeline.name,
      stage: need,
      shards: upstream.shards,
      attempt: context.attempt,
      stageDataDir: dataDir,
    });
    if (missing.length > 0) {
      throw new Error(`upstream stage ${need}: no output artifact for shard ${missing.map(formatShard).join(", ")}; its gate should have stopped this stage`);
    }
    await publishParts(upstream, dataDir, context.workspace, found.map((f) => f.result.outputs));
  }
  // From here on the layout is the local one: resolve as `bulkhead run` does.
  return loadDatasets(paths, context.runId, stage.needs);
}

async function runOneShard(
  context: ActionContext,
  pipeline: Pipeline,
  stage: Stage,
  shard: ShardRef,
  resolveDataset: (stageId: string) => DatasetManifest,
  signal: AbortSignal,
): Promise<ShardResult> {
  const { inputs, logger, attempt } = context;
  const paths = pipelinePaths(path.resolve(context.workspace, inputs.stateDir), pipeline.name);
  const stageDataDir = paths.stageDataDir(context.runId, stage.id);
  const tracked = trackLastCheckpoint(
    makeCacheCheckpointStore({
      stagingDir: CACHE_STAGING_DIR,
      shardDataDir: (key) => shardDataDir(paths.stageDataDir(key.runId, key.stage), key.shard),
      logger,
    }),
  );
  const store = warnOnFailedSave(inputs.fresh ? ignoreSavedCheckpoints(tracked.store, logger) : tracked.store, logger);
  const started = Date.now();
  let lastLog = 0;
  try {
    const result = await runShard({
      pipeline,
      stage,
      shard,
      runId: context.runId,
      attempt,
      dataDir: stageDataDir,
      baseDir: context.workspace,
      store,
      logger,
      resolveDataset,
      signal,
      onProgress: (p) => {
        if (Date.now() - lastLog < 10_000) return;
        lastLog = Date.now();
        const total = p.totalRows ? ` of ${p.totalRows.toLocaleString("en-US")}` : "";
        logger.info(`stage ${stage.id} shard ${formatShard(shard)}: ${p.rowsIn.toLocaleString("en-US")}${total} rows`);
      },
    });
    const artifact = await uploadShardOutput({ pipeline: pipeline.name, stage: stage.id, stageDataDir, result, attempt });
    const seconds = (Date.now() - started) / 1000;
    logger.info(`stage ${stage.id} shard ${formatShard(shard)}: finished in ${formatSeconds(seconds)}; output uploaded as ${artifact}`);
    await writeSummary(shardSummary(stage, shard, result, seconds, attempt));
    return result;
  } catch (thrown) {
    const error = toError(thrown);
    await reportShardFailure(context, stage, shard, error, started, tracked.last());
    throw error;
  }
}

function shardSummary(stage: Stage, shard: ShardRef, result: ShardResult, seconds: number, attempt: number): string {
  const { rowsIn, rowsOut, rowsInvalid } = result.counts;
  const rate = seconds > 0 ? Math.round(rowsIn / seconds).toLocaleString("en-US") : "-";
  const resumed = result.alreadyDone
    ? "finished in an earlier attempt"
    : result.resumedFrom
      ? `resumed at row ${result.resumedFrom.row.toLocaleString("en-US")}`
      : "from the start";
  return [
    `### Stage ${stage.id}, shard ${formatShard(shard)} (attempt ${attempt})`,
    "",
    "| rows in | rows out | invalid | rows/s | duration | start |",
    "| ---: | ---: | ---: | ---: | ---: | --- |",
    `| ${rowsIn.toLocaleString("en-US")} | ${rowsOut.toLocaleString("en-US")} | ${rowsInvalid.toLocaleString("en-US")} | ${rate} | ${formatSeconds(seconds)} | ${resumed} |`,
    "",
    "Checks are judged by the gate job after every shard has finished.",
  ].join("\n");
}

/** Leaves a failure record (what failed, the last good checkpoint) for the alert job. */
async function reportShardFailure(
  context: ActionContext,
  stage: Stage,
  shard: ShardRef,
  error: Error,
  started: number,
  checkpoint: CheckpointHead | null,
): Promise<void> {
  const { logger, attempt, redact } = context;
  const interrupted = error instanceof InterruptedError;
  // GitHub reports a job-level timeout as "cancelled"; the clock tells them
  // apart. timeout-minutes counts the whole job, so measure the job (this
  // process, less checkout), not this shard: a leg may run several shards
  // one after another. Short timeouts get a proportionate margin.
  const jobSeconds = Math.max(process.uptime(), (Date.now() - started) / 1000);
  const limitSeconds = stage.timeoutMinutes * 60;
  const timedOut = interrupted && jobSeconds >= limitSeconds - Math.min(90, limitSeconds * 0.25);
  const elapsedSeconds = jobSeconds;
  const reason = interrupted ? (timedOut ? "timed out" : "cancelled") : "failed";

  const message = error instanceof StageError && error.cause instanceof Error ? `${error.message}` : error.message;
  logger.error(`stage ${stage.id} shard ${formatShard(shard)} ${reason}: ${message}`);
  try {
    await uploadFailureRecord(
      {
        pipeline: checkpoint?.pipeline ?? context.pipelineName,
        stage: stage.id,
        shard: formatShard(shard),
        attempt,
        reason,
        error: redact(message),
        checkpoint: checkpoint?.cursor
          ? { row: checkpoint.cursor.row, cursor: checkpoint.cursor, savedAt: checkpoint.savedAt }
          : null,
        elapsedSeconds,
        timeoutMinutes: stage.timeoutMinutes,
      },
      shard,
      path.join(context.workspace, CACHE_STAGING_DIR),
    );
  } catch (uploadError) {
    logger.warn(`failure record NOT uploaded (the alert job will report the job result only): ${(uploadError as Error).message}`);
  }
}

/** For `fresh: true`: start over, but keep saving checkpoints. */
function ignoreSavedCheckpoints(store: CheckpointStore, logger: ActionContext["logger"]): CheckpointStore {
  return {
    async load(key) {
      logger.info(`fresh: true: not resuming stage ${key.stage} shard ${formatShard(key.shard)} from a checkpoint; it starts at row 0`);
      return null;
    },
    save: (sealed) => store.save(sealed),
  };
}

/** Remembers the newest checkpoint that was really restored or saved. */
function trackLastCheckpoint(store: CheckpointStore) {
  let last: CheckpointHead | null = null;
  return {
    last: () => last,
    store: {
      async load(key) {
        const loaded = await store.load(key);
        last = loaded?.checkpoint ?? null;
        return loaded;
      },
      async save(sealed) {
        await store.save(sealed);
        last = sealed.head;
      },
    } satisfies CheckpointStore,
  };
}
