// definePipeline: the one place a pipeline definition is checked. Every
// problem is reported with its path (stages[1].shards), never just the first.
import { z } from "zod";
import { fieldsPresent } from "../validate/fields-present.js";
import type { Check } from "../validate/types.js";
import type { Row, Sink, Source } from "./types.js";
import { DefinitionError } from "./errors.js";
import { orderStages } from "./dag.js";

/** What a stage's setup, transform and aggregate functions are given. */
export interface StageContext<State = unknown> {
  pipeline: string;
  stage: string;
  shard: { index: number; count: number };
  attempt: number;
  /** Whatever `setup` returned (undefined without setup). */
  state: State;
  /** Reads a whole source into memory: for small lookup tables only. */
  readAll(source: Source): Promise<Row[]>;
}

/** What a transform may return for one record. */
export type TransformResult = Row | Row[] | null | undefined;

/**
 * Folds records into groups, one state per group key. The state must be
 * plain JSON: it is saved in every checkpoint so a resumed run continues
 * the same totals. Stages with an aggregate run as one shard.
 */
export interface AggregateDefinition<Acc = unknown> {
  groupBy(record: Row): string;
  initial(): Acc;
  add(acc: Acc, record: Row): Acc;
  /** Turns a finished group into the output record. */
  finish(key: string, acc: Acc): Row;
}

const isFunction = (value: unknown) => typeof value === "function";
const fn = <F>(what: string) =>
  z.custom<F>(isFunction, { message: `must be a function (${what})` });

const sourceSchema = z.custom<Source>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    isFunction((value as Source).read),
  { message: "must be a source, e.g. parquet(...), csv(...), dataset(...)" },
);

const sinkSchema = z.custom<Sink>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    isFunction((value as Sink).open) &&
    isFunction((value as Sink).publish),
  { message: "must be a sink, e.g. ndjsonDataset(), sqliteTable(...)" },
);

const checkSchema = z.custom<Check>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as Check).name === "string" &&
    isFunction((value as Check).evaluate),
  { message: "must be a check, e.g. rowCount(...), notNull(...)" },
);

const recordSchemaSchema = z.custom<z.ZodType>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    isFunction((value as z.ZodType).safeParse),
  { message: "must be a zod schema, e.g. z.object({...})" },
);

/** Retries of a failed shard attempt or batch: exponential backoff with jitter. */
export const retrySchema = z.strictObject({
  /** Attempts in all, the first included. Default 3. */
  attempts: z.int().min(1).max(20).default(3),
  /** Delay before the first retry, in ms. Default 1,000. */
  minDelayMs: z.int().min(0).default(1_000),
  /** Cap on any single delay, in ms. Default 30,000. */
  maxDelayMs: z.int().min(0).default(30_000),
  /** Growth of the delay per attempt. Default 2. */
  factor: z.number().min(1).default(2),
  /** Randomise each delay (0.5–1.5×) so shards do not retry in step. */
  jitter: z.boolean().default(true),
});

/** When checkpoints are written: whichever comes first. */
export const checkpointSchema = z.strictObject({
  /** Rows between checkpoints. Default 100,000. */
  everyRows: z.int().min(1).default(100_000),
  /** Seconds between checkpoints. Default 30. */
  everySeconds: z.number().positive().default(30),
});

/** Records the record schema rejects go to quarantine; this many may. */
export const invalidSchema = z.strictObject({
  /** Largest allowed fraction of invalid records (0–1). Default 0. */
  maxFraction: z.number().min(0).max(1).default(0),
});

const STAGE_ID = /^[a-z][a-z0-9-]{0,62}$/;

export const stageSchema = z
  .strictObject({
    id: z.string().regex(STAGE_ID, {
      message:
        "must be lowercase letters, digits and dashes, starting with a letter (it names jobs and files)",
    }),
    description: z.string().optional(),
    needs: z.array(z.string()).default([]),
    source: sourceSchema,
    /** zod schema each record must satisfy; failures go to quarantine. */
    schema: recordSchemaSchema.optional(),
    invalid: invalidSchema.default({ maxFraction: 0 }),
    setup: fn<(ctx: StageContext) => unknown>("setup(ctx) => state").optional(),
    transform: fn<(record: Row, ctx: StageContext) => TransformResult | Promise<TransformResult>>(
      "transform(record, ctx) => record | record[] | null",
    ).optional(),
    transformBatch: fn<(records: Row[], ctx: StageContext) => Row[] | Promise<Row[]>>(
      "transformBatch(records, ctx) => records",
    ).optional(),
    aggregate: z
      .strictObject({
        groupBy: fn<(record: Row) => string>("groupBy(record) => key"),
        // The accumulator's type is the user's choice, so it is `any` here;
        // defineStage's AggregateDefinition<Acc> keeps it typed for them.
        initial: fn<() => any>("initial() => acc"),
        add: fn<(acc: any, record: Row) => any>("add(acc, record) => acc"),
        finish: fn<(key: string, acc: any) => Row>("finish(key, acc) => record"),
      })
      .optional(),
    output: sinkSchema,
    /** Parallel slices of the source. Default 1. */
    shards: z.int().min(1).max(1_000).default(1),
    /** Records per batch. Default 10,000. */
    batchSize: z.int().min(1).max(1_000_000).default(10_000),
    retry: retrySchema.default(retrySchema.parse({})),
    /** Attempts of a single batch's transform and write before the shard fails. */
    batchAttempts: z.int().min(1).max(20).default(1),
    checkpoint: checkpointSchema.default(checkpointSchema.parse({})),
    checks: z.array(checkSchema).default([]),
    /** Longest a stage job may run, in minutes. Default 60. */
    timeoutMinutes: z.int().min(1).max(10_080).default(60),
  })
  .superRefine((stage, ctx) => {
    if (stage.transform && stage.transformBatch) {
      ctx.addIssue({
        code: "custom",
        path: ["transformBatch"],
        message: "give transform or transformBatch, not both",
      });
    }
    if (stage.aggregate && stage.shards !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["shards"],
        message: `a stage with an aggregate runs as one shard, got ${stage.shards}`,
      });
    }
  });

export const pipelineSchema = z
  .strictObject({
    name: z.string().regex(STAGE_ID, {
      message:
        "must be lowercase letters, digits and dashes, starting with a letter (it names workflows, issues and files)",
    }),
    description: z.string().optional(),
    /** Cron schedule for GitHub Actions (UTC), e.g. "0 6 * * 1". */
    schedule: z
      .string()
      .regex(/^\S+( \S+){4}$/, { message: "must be a five-field cron expression" })
      .optional(),
    /** Runner label for GitHub Actions jobs. Default "ubuntu-latest". */
    runsOn: z.string().default("ubuntu-latest"),
    /** Runners are GitHub-hosted (6-hour job limit). Default true. */
    hostedRunners: z.boolean().default(true),
    stages: z.array(stageSchema).min(1),
  });

/** A stage as written by the user, before defaults are filled in. */
export type StageInput = z.input<typeof stageSchema>;
/** A checked stage with every default filled in. */
export type Stage = z.output<typeof stageSchema>;
/** A pipeline as written by the user. */
export type PipelineInput = z.input<typeof pipelineSchema>;
/** A checked pipeline with every default filled in. */
export type Pipeline = z.output<typeof pipelineSchema>;

/**
 * Checks a pipeline definition and fills in defaults. Throws a
 * DefinitionError listing every problem by path.
 */
export function definePipeline(input: PipelineInput): Pipeline {
  const result = pipelineSchema.safeParse(input);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => ({
        path: formatPath(issue.path),
        message: issue.message,
      }));
  // The graph is checked on the raw input too, so a cycle is reported
  // alongside a bad field rather than only after it is fixed.
  const stages = Array.isArray(input?.stages) ? input.stages : [];
  for (const problem of orderStages(stages).problems) {
    problems.push({ path: formatPath(problem.path), message: problem.message });
  }
  if (problems.length > 0 || !result.success) throw new DefinitionError(problems);
  for (const stage of result.data.stages) addFieldsPresentCheck(stage);
  return result.data;
}

/** Adds the check that every field other checks read exists (see fields-present.ts). */
function addFieldsPresentCheck(stage: Stage): void {
  const fieldsOf = new Map<string, string[]>();
  for (const check of stage.checks) {
    for (const field of check.fields ?? []) fieldsOf.set(field, [...(fieldsOf.get(field) ?? []), check.name]);
  }
  if (fieldsOf.size > 0) stage.checks.push(fieldsPresent(fieldsOf));
}

/**
 * Declares one stage with its record type flowing from `schema` into
 * `transform`, for editor help. It returns its input unchanged.
 */
export function defineStage<S extends z.ZodType = z.ZodType<Row>, State = unknown>(
  stage: Omit<StageInput, "schema" | "setup" | "transform" | "transformBatch"> & {
    schema?: S;
    setup?: (ctx: StageContext<undefined>) => State | Promise<State>;
    transform?: (
      record: z.output<S> & Row,
      ctx: StageContext<State>,
    ) => TransformResult | Promise<TransformResult>;
    transformBatch?: (
      records: (z.output<S> & Row)[],
      ctx: StageContext<State>,
    ) => Row[] | Promise<Row[]>;
  },
): StageInput {
  return stage as StageInput;
}

/** Formats a zod path as `stages[1].retry.attempts`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text ? `.${String(part)}` : String(part);
  }
  return text || "(pipeline)";
}
