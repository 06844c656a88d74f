// Options for running the single shard of a one-stage pipeline in this
// process through runShard, with a checkpoint store the test supplies and
// no upstream datasets.
import path from "node:path";
import type { CheckpointStore } from "../../src/checkpoint/checkpoint.js";
import type { RunShardOptions, ShardProgress } from "../../src/engine/run-shard.js";
import type { Pipeline } from "../../src/pipeline/define.js";

export function loneShardOptions(
  pipeline: Pipeline,
  dir: string,
  store: CheckpointStore,
  onProgress?: (progress: ShardProgress) => void,
): RunShardOptions {
  return {
    pipeline,
    stage: pipeline.stages[0],
    shard: { index: 0, count: 1 },
    runId: pipeline.name,
    attempt: 1,
    dataDir: path.join(dir, "data"),
    baseDir: dir,
    store,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    resolveDataset: () => {
      throw new Error("no datasets");
    },
    onProgress,
  };
}
