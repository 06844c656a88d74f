// Shared helpers of the reliability tests: the fixture pipeline, inputs with
// independently known output, and readers of what a run left behind.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { ROOT } from "../support/cli.js";

export const RELIABILITY = path.join(ROOT, "test/fixtures/reliability.ts");

/** `count` keyed rows, { id, value, note }, as NDJSON; returns the exact lines. */
export function writeKeyedRows(file: string, count: number): string[] {
  const lines = Array.from({ length: count }, (_, id) => JSON.stringify({ id, value: (id * 7919) % 1000, note: `row ${id}` }));
  writeFileSync(file, lines.map((line) => `${line}\n`).join(""));
  return lines;
}

export async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Directory of one shard's checkpoints of stage `stage` in the pipeline's only run. */
export function checkpointDirs(stateDir: string, pipeline: string, stage: string): string[] {
  const runs = path.join(stateDir, "pipelines", pipeline, "runs");
  let ids: string[] = [];
  try {
    ids = readdirSync(runs);
  } catch {
    return [];
  }
  return ids.flatMap((run) => {
    const dir = path.join(runs, run, "stages", stage, "checkpoints");
    try {
      return readdirSync(dir).map((shard) => path.join(dir, shard));
    } catch {
      return [];
    }
  });
}

/** Every checkpoint file's name and bytes, to prove a failure left them alone. */
export function snapshotCheckpoints(stateDir: string, pipeline: string, stage: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const dir of checkpointDirs(stateDir, pipeline, stage)) {
    for (const name of readdirSync(dir)) files[path.join(dir, name)] = readFileSync(path.join(dir, name), "utf8");
  }
  return files;
}

/** Highest cursor row among the readable checkpoints of a stage. */
export function checkpointedRow(stateDir: string, pipeline: string, stage: string): number {
  let best = 0;
  for (const text of Object.values(snapshotCheckpoints(stateDir, pipeline, stage))) {
    try {
      best = Math.max(best, (JSON.parse(text) as { checkpoint: { cursor: { row: number } | null } }).checkpoint.cursor?.row ?? 0);
    } catch {
      // being written
    }
  }
  return best;
}

/** The lines of a run's dataset outputs (from --json), in part order. */
export function outputLines(summary: { stages: { outputs: { path: string }[] }[] }): string[] {
  return summary.stages[0].outputs.flatMap((o) => readFileSync(o.path, "utf8").split("\n").filter(Boolean));
}

/** Rows and distinct ids of table `rows`, and its content in key order. */
export function sqliteRows(file: string) {
  const db = new Database(file, { readonly: true });
  const counts = db.prepare("SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM rows").get();
  const content = db.prepare("SELECT id, value, note FROM rows ORDER BY id").all();
  db.close();
  return { counts, content };
}

import { makeProgress } from "../../src/engine/progress.js";
import { type RunOutcome, runPipeline } from "../../src/engine/run-pipeline.js";
import type { Pipeline } from "../../src/pipeline/define.js";
import type { Logger } from "../../src/pipeline/types.js";

/** A logger that keeps every line as "level message". */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: () => undefined,
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
}

/** Runs a pipeline in this process (shards one after another, no children). */
export async function runHere(
  pipeline: Pipeline,
  options: { stateDir: string; baseDir: string; signal?: AbortSignal; logger?: Logger; fresh?: boolean },
): Promise<RunOutcome> {
  const logger = options.logger ?? captureLogger();
  return runPipeline({
    pipeline,
    pipelineFile: "in-process.ts",
    stateDir: options.stateDir,
    baseDir: options.baseDir,
    fresh: options.fresh,
    logger,
    progress: makeProgress({ tty: false, logger, intervalMs: 3_600_000 }),
    alerts: [],
    signal: options.signal ?? new AbortController().signal,
    parallel: false,
  });
}
