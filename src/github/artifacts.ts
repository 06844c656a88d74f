// Stage data between jobs, through @actions/artifact. Every shard attempt
// uploads under its own name, so nothing is ever overwritten; a reader
// takes, for each shard, the newest attempt up to its own.
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { DefaultArtifactClient } from "@actions/artifact";
import { z } from "zod";
import type { ShardResult } from "../engine/run-shard.js";
import { shardDataDir } from "../engine/run-shard.js";
import type { OutputFile, ShardRef } from "../pipeline/types.js";

/** The shard's output: its part, quarantine and result.json. */
export function shardArtifactName(pipeline: string, stage: string, shard: ShardRef, attempt: number): string {
  return `bulkhead-${pipeline}-${stage}-s${shard.index + 1}of${shard.count}-a${attempt}`;
}

/** What a failed or cancelled shard leaves for the alert job. */
export function failureArtifactName(pipeline: string, stage: string, shard: ShardRef, attempt: number): string {
  return `bulkhead-${pipeline}-failure-${stage}-s${shard.index + 1}of${shard.count}-a${attempt}`;
}

/** The gate's report (and a published table, for SQLite sinks). */
export function gateArtifactName(pipeline: string, stage: string, attempt: number): string {
  return `bulkhead-${pipeline}-gate-${stage}-a${attempt}`;
}

const RESULT_FILE = "result.json";

const outputSchema = z.object({ file: z.string(), rows: z.int(), bytes: z.int(), sha256: z.string() });
const resultSchema = z.object({
  shard: z.object({ index: z.int(), count: z.int() }),
  counts: z.object({ rowsIn: z.int(), rowsOut: z.int(), rowsInvalid: z.int() }),
  stats: z.array(z.unknown()),
  resumedFrom: z.object({ row: z.int() }).nullable(),
  attempt: z.int(),
  outputs: z.array(outputSchema),
});

/** A failure record: what the alert job needs to tell people. */
export const failureRecordSchema = z.object({
  pipeline: z.string(),
  stage: z.string(),
  shard: z.string(),
  attempt: z.int(),
  /** "failed", "cancelled" or "timed out". */
  reason: z.enum(["failed", "cancelled", "timed out"]),
  error: z.string(),
  checkpoint: z.object({ row: z.int(), cursor: z.unknown(), savedAt: z.string() }).nullable(),
  elapsedSeconds: z.number(),
  timeoutMinutes: z.int(),
});
export type FailureRecord = z.infer<typeof failureRecordSchema>;

function client() {
  return new DefaultArtifactClient();
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Uploads a finished shard's directory with its result. */
export async function uploadShardOutput(options: {
  pipeline: string;
  stage: string;
  stageDataDir: string;
  result: ShardResult;
  attempt: number;
}): Promise<string> {
  const { result } = options;
  const dir = shardDataDir(options.stageDataDir, result.shard);
  await mkdir(dir, { recursive: true });
  const record: z.infer<typeof resultSchema> = {
    shard: result.shard,
    counts: result.counts,
    stats: result.stats,
    resumedFrom: result.resumedFrom,
    attempt: options.attempt,
    outputs: result.outputs.map((o) => ({ ...o, file: path.relative(dir, o.path) })),
  };
  await writeFile(path.join(dir, RESULT_FILE), JSON.stringify(record));
  const name = shardArtifactName(options.pipeline, options.stage, result.shard, options.attempt);
  await client().uploadArtifact(name, await listFiles(dir), dir);
  return name;
}

/** Uploads a failure record for the alert job. */
export async function uploadFailureRecord(record: FailureRecord, shard: ShardRef, workDir: string): Promise<void> {
  const dir = path.join(workDir, "failure", `${record.stage}-${shard.index + 1}of${shard.count}`);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, "failure.json");
  await writeFile(file, JSON.stringify(record, null, 2));
  await client().uploadArtifact(failureArtifactName(record.pipeline, record.stage, shard, record.attempt), [file], dir);
}

/** Uploads the gate's files under one name. */
export async function uploadGateArtifact(name: string, files: string[], root: string): Promise<number | undefined> {
  const response = await client().uploadArtifact(name, files, root);
  return response.id;
}

export interface DownloadedShard {
  shard: ShardRef;
  result: ShardResult;
  artifact: string;
}

/**
 * Downloads every shard output of `stage` into its data directory, taking
 * for each shard the newest attempt not after `attempt`. Returns the shards
 * found; missing ones are listed in `missing` so a gate can fail closed.
 */
export async function downloadStageOutputs(options: {
  pipeline: string;
  stage: string;
  shards: number;
  attempt: number;
  stageDataDir: string;
}): Promise<{ found: DownloadedShard[]; missing: ShardRef[] }> {
  const artifacts = (await client().listArtifacts()).artifacts;
  const found: DownloadedShard[] = [];
  const missing: ShardRef[] = [];
  for (let index = 0; index < options.shards; index++) {
    const shard = { index, count: options.shards };
    const artifact = newestAttempt(artifacts, (a) => shardArtifactName(options.pipeline, options.stage, shard, a), options.attempt);
    if (!artifact) {
      missing.push(shard);
      continue;
    }
    const dir = shardDataDir(options.stageDataDir, shard);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await client().downloadArtifact(artifact.id, { path: dir });
    const record = resultSchema.parse(JSON.parse(await readFile(path.join(dir, RESULT_FILE), "utf8")));
    const outputs: OutputFile[] = record.outputs.map(({ file, ...rest }) => ({ ...rest, path: path.join(dir, file) }));
    found.push({
      shard,
      artifact: artifact.name,
      result: { shard, counts: record.counts, stats: record.stats, resumedFrom: record.resumedFrom, outputs, alreadyDone: true },
    });
  }
  return { found, missing };
}

/** Downloads every failure record of this attempt. */
export async function downloadFailureRecords(options: {
  pipeline: string;
  attempt: number;
  workDir: string;
}): Promise<FailureRecord[]> {
  const pattern = new RegExp(`^bulkhead-${escapeRegExp(options.pipeline)}-failure-.+-a${options.attempt}$`);
  const artifacts = (await client().listArtifacts()).artifacts.filter((a) => pattern.test(a.name));
  const records: FailureRecord[] = [];
  for (const artifact of artifacts.sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = path.join(options.workDir, "failures", artifact.name);
    await mkdir(dir, { recursive: true });
    await client().downloadArtifact(artifact.id, { path: dir });
    records.push(failureRecordSchema.parse(JSON.parse(await readFile(path.join(dir, "failure.json"), "utf8"))));
  }
  return records;
}

/** Finds the gate artifact of the newest attempt not after `attempt`. */
export async function findGateArtifact(pipeline: string, stage: string, attempt: number) {
  const artifacts = (await client().listArtifacts()).artifacts;
  return newestAttempt(artifacts, (a) => gateArtifactName(pipeline, stage, a), attempt);
}

export async function downloadArtifactTo(id: number, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await client().downloadArtifact(id, { path: dir });
}

function newestAttempt<T extends { name: string }>(artifacts: T[], nameFor: (attempt: number) => string, attempt: number): T | undefined {
  for (let a = attempt; a >= 1; a--) {
    const artifact = artifacts.find((x) => x.name === nameFor(a));
    if (artifact) return artifact;
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
