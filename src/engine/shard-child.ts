// The child-process side of runShardInChild: one shard attempt, then exit.
// If the parent dies (even by SIGKILL) the IPC channel closes and the
// shard stops at its next batch boundary after a checkpoint.
import { makeFileCheckpointStore } from "../checkpoint/file-store.js";
import { loadPipeline } from "../pipeline/load.js";
import { InterruptedError, NonRetryableError, StageError, describeCause, toError } from "../pipeline/errors.js";
import type { Logger } from "../pipeline/types.js";
import { boundHeapGrowth } from "./heap-growth.js";
import { pipelinePaths } from "./paths.js";
import { runShard } from "./run-shard.js";
import { loadDatasets } from "./run-stage.js";
import type { ShardJob, ShardMessage } from "./shard-process.js";

// V8's own heap growth unless the user set one (see heap-growth.ts). The
// CLI refuses a malformed value before any shard starts; here it is ignored.
boundHeapGrowth(process.env, 0);

const send = (message: ShardMessage) => process.send?.(message);
const stop = new AbortController();

const logger: Logger = {
  debug: (message) => send({ type: "log", level: "debug", message }),
  info: (message) => send({ type: "log", level: "info", message }),
  warn: (message) => send({ type: "log", level: "warn", message }),
  error: (message) => send({ type: "log", level: "error", message }),
};

// The parent forwards SIGINT/SIGTERM as a message; a terminal's Ctrl-C
// reaches the child directly too. Either way: checkpoint, then stop.
for (const name of ["SIGINT", "SIGTERM"] as const) {
  process.on(name, () => stop.abort(name));
}
process.on("disconnect", () => stop.abort("SIGTERM"));

process.on("message", (message: { type: string; job?: ShardJob; signal?: string }) => {
  if (message.type === "stop") stop.abort(message.signal ?? "SIGINT");
  if (message.type === "start" && message.job) void run(message.job);
});

async function run(job: ShardJob): Promise<void> {
  try {
    const pipeline = await loadPipeline(job.pipelineFile);
    const stage = pipeline.stages.find((s) => s.id === job.stageId);
    if (!stage) throw new Error(`stage ${job.stageId} not found in ${job.pipelineFile}`);
    const paths = pipelinePaths(job.stateDir, pipeline.name);
    let lastSent = 0;
    const result = await runShard({
      pipeline,
      stage,
      shard: job.shard,
      runId: job.runId,
      attempt: job.attempt,
      dataDir: paths.stageDataDir(job.runId, stage.id),
      baseDir: job.baseDir,
      store: makeFileCheckpointStore(paths.runsDir),
      logger,
      resolveDataset: await loadDatasets(paths, job.runId, stage.needs),
      signal: stop.signal,
      onProgress: (progress) => {
        // Progress every batch would flood the channel; 4 a second is plenty.
        if (Date.now() - lastSent < 250) return;
        lastSent = Date.now();
        send({ type: "progress", progress });
      },
    });
    send({ type: "done", result });
  } catch (thrown) {
    if (thrown instanceof InterruptedError) send({ type: "interrupted", signal: thrown.signal });
    else {
      const error = toError(thrown);
      const cause = error.cause;
      send({
        type: "failed",
        message: error instanceof StageError && cause instanceof Error ? describeCause(cause) : describeCause(error),
        nonRetryable: error instanceof NonRetryableError || cause instanceof NonRetryableError,
        row: error instanceof StageError ? error.location.row : undefined,
      });
    }
  } finally {
    process.disconnect?.();
  }
}
