// Where a pipeline's state lives under the state directory (default
// `.bulkhead/`). One function, so every part agrees on the layout.
import path from "node:path";

export interface PipelinePaths {
  pipelineDir: string;
  /** Points at the run to resume, while one is unfinished. */
  currentRun: string;
  /** Counts of the last successful run, for relative row-count checks. */
  lastSuccess: string;
  /** Outcome of the latest run, to send "recovered" after a failure. */
  lastOutcome: string;
  lock: string;
  /** Every alert as one JSON line. */
  alertLog: string;
  runsDir: string;
  runDir(runId: string): string;
  runRecord(runId: string): string;
  stageDataDir(runId: string, stage: string): string;
  reportsDir(runId: string): string;
}

/** The state layout of one pipeline under `stateDir`. */
export function pipelinePaths(stateDir: string, pipeline: string): PipelinePaths {
  const pipelineDir = path.join(path.resolve(stateDir), "pipelines", pipeline);
  const runsDir = path.join(pipelineDir, "runs");
  const runDir = (runId: string) => path.join(runsDir, runId);
  return {
    pipelineDir,
    currentRun: path.join(pipelineDir, "current-run.json"),
    lastSuccess: path.join(pipelineDir, "last-success.json"),
    lastOutcome: path.join(pipelineDir, "last-outcome.json"),
    lock: path.join(pipelineDir, "lock.json"),
    alertLog: path.join(pipelineDir, "alerts.jsonl"),
    runsDir,
    runDir,
    runRecord: (runId) => path.join(runDir(runId), "run.json"),
    stageDataDir: (runId, stage) => path.join(runDir(runId), "stages", stage, "data"),
    reportsDir: (runId) => path.join(runDir(runId), "reports"),
  };
}

/** A sortable run id: UTC time plus a random suffix. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const suffix = Math.random().toString(16).slice(2, 6).padEnd(4, "0");
  return `${stamp}-${suffix}`;
}
