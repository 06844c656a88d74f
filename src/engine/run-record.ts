// The record of one run (run.json): stage states, counts, outputs and check
// results. `bulkhead status` and the --json summary are read from it.
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "./atomic.js";

const countsSchema = z.object({
  rowsIn: z.int(),
  rowsOut: z.int(),
  rowsInvalid: z.int(),
});

const checkResultSchema = z.object({
  name: z.string(),
  severity: z.enum(["fail", "warn"]),
  passed: z.boolean(),
  observed: z.unknown(),
  expected: z.unknown(),
  message: z.string(),
  examples: z.array(z.unknown()).optional(),
});

const outputSchema = z.object({
  path: z.string(),
  rows: z.int(),
  bytes: z.int(),
  sha256: z.string(),
});

export const stageStatusSchema = z.enum([
  "pending",
  "running",
  "succeeded",
  "failed",
  "gated",
  "interrupted",
  "skipped",
]);
export type StageStatus = z.infer<typeof stageStatusSchema>;

export const stageRecordSchema = z.object({
  id: z.string(),
  status: stageStatusSchema,
  shards: z.int(),
  counts: countsSchema,
  /** Where resumed shards started: the smallest resume row, if any resumed. */
  resumedFrom: z.object({ row: z.int() }).nullable(),
  checks: z.array(checkResultSchema),
  outputs: z.array(outputSchema),
  quarantine: z.array(z.string()),
  report: z.object({ json: z.string(), markdown: z.string() }).nullable(),
  error: z.string().nullable(),
  startedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
});
export type StageRecord = z.infer<typeof stageRecordSchema>;

export const runStatusSchema = z.enum(["running", "succeeded", "failed", "gated", "interrupted"]);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const runRecordSchema = z.object({
  pipeline: z.string(),
  runId: z.string(),
  status: runStatusSchema,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  stages: z.array(stageRecordSchema),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

/** A stage that has not run yet. */
export function pendingStage(id: string, shards: number): StageRecord {
  return {
    id,
    status: "pending",
    shards,
    counts: { rowsIn: 0, rowsOut: 0, rowsInvalid: 0 },
    resumedFrom: null,
    checks: [],
    outputs: [],
    quarantine: [],
    report: null,
    error: null,
    startedAt: null,
    durationMs: null,
  };
}

export async function readRunRecord(file: string): Promise<RunRecord | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const parsed = runRecordSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file}: not a run record: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export async function writeRunRecord(file: string, record: RunRecord): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
}

/** Reads a small JSON file, or null when it does not exist. */
export async function readJsonFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}
