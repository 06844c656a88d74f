// Running a shard in a child process, so shards use every core. The child
// loads the same pipeline file and runs the same runShard; messages carry
// progress, log lines and the result back.
import { fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { InterruptedError, NonRetryableError, StageError } from "../pipeline/errors.js";
import { type ShardRef, formatShard } from "../pipeline/types.js";
import type { ShardResult } from "./run-shard.js";
import type { StageRunOptions } from "./run-stage.js";

/** What the parent sends to start a shard. */
export interface ShardJob {
  pipelineFile: string;
  stageId: string;
  shard: ShardRef;
  runId: string;
  attempt: number;
  stateDir: string;
  baseDir: string;
}

/** What a child sends back. */
export type ShardMessage =
  | { type: "progress"; progress: import("./run-shard.js").ShardProgress }
  | { type: "log"; level: "debug" | "info" | "warn" | "error"; message: string }
  | { type: "done"; result: ShardResult }
  | { type: "interrupted"; signal: NodeJS.Signals }
  | { type: "failed"; message: string; nonRetryable: boolean; row?: number };

function childEntry(): { file: string; execArgv: string[] } {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const typescript = import.meta.url.endsWith(".ts");
  return {
    file: path.join(here, typescript ? "shard-child.ts" : "shard-child.js"),
    // In development the source is TypeScript: let tsx load it.
    // Resolved here, not by name, so it works whatever the working directory.
    execArgv: typescript ? ["--import", import.meta.resolve("tsx")] : [],
  };
}

/** Runs one shard attempt in a child process; resolves with its result. */
export function runShardInChild(
  options: StageRunOptions & { shard: ShardRef; attempt: number },
): Promise<ShardResult> {
  const { stage, shard, attempt, signal, logger } = options;
  const entry = childEntry();
  const child = fork(entry.file, [], {
    execArgv: [...process.execArgv.filter((a) => !a.startsWith("--cpu-prof")), ...entry.execArgv],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const job: ShardJob = {
    pipelineFile: options.pipelineFile,
    stageId: stage.id,
    shard,
    runId: options.runId,
    attempt,
    stateDir: options.stateDir,
    baseDir: options.baseDir,
  };
  const location = { pipeline: options.pipeline.name, stage: stage.id, shard: formatShard(shard), attempt };

  return new Promise<ShardResult>((resolve, reject) => {
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      action();
    };
    const onAbort = () => child.connected && child.send({ type: "stop", signal: String(signal.reason ?? "SIGINT") });
    signal.addEventListener("abort", onAbort);

    child.on("message", (message: ShardMessage) => {
      switch (message.type) {
        case "progress":
          options.progress.update(message.progress);
          break;
        case "log":
          logger[message.level](message.message);
          break;
        case "done":
          settle(() => resolve(message.result));
          break;
        case "interrupted":
          settle(() => reject(new InterruptedError(message.signal)));
          break;
        case "failed": {
          const cause = message.nonRetryable ? new NonRetryableError(message.message) : new Error(message.message);
          settle(() => reject(new StageError({ ...location, row: message.row }, message.message, cause)));
          break;
        }
      }
    });
    child.on("exit", (code, childSignal) => {
      settle(() =>
        reject(new StageError(location, `shard process exited (${childSignal ?? `code ${code}`}) before reporting a result`)),
      );
    });
    child.send({ type: "start", job });
    if (signal.aborted) onAbort();
  });
}
