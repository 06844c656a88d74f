// Per-batch record work: checking records against the stage's schema and
// running the user's transform (per record or per batch).
import type { z } from "zod";
import type { Stage, StageContext, TransformResult } from "../pipeline/define.js";
import type { Row, SourceBatch } from "../pipeline/types.js";
import { fastAcceptOf } from "./fast-accept.js";
import type { QuarantineEntry } from "./quarantine.js";

/**
 * Splits a batch into records that satisfy `schema` (parsed, so defaults
 * and coercions apply) and quarantine entries saying why the others failed.
 * Records a precompiled check proves zod would return unchanged are passed
 * through without the per-record parse (see fast-accept.ts).
 */
export function validateRecords(
  schema: z.ZodType | undefined,
  batch: SourceBatch,
): { valid: Row[]; invalid: QuarantineEntry[] } {
  if (!schema) return { valid: batch.records, invalid: [] };
  const accept = fastAcceptOf(schema);
  const valid: Row[] = [];
  const invalid: QuarantineEntry[] = [];
  const { records, lines, firstRow } = batch;
  for (let i = 0; i < records.length; i++) {
    // The fast path passes a record through only where zod's output would
    // equal it; zod judges everything else, invalid records included.
    if (accept?.(records[i])) {
      valid.push(records[i]);
      continue;
    }
    const result = schema.safeParse(records[i]);
    if (result.success) {
      valid.push(result.data as Row);
      continue;
    }
    invalid.push({
      row: firstRow + i,
      line: lines?.[i],
      reason: describeIssues(result.error.issues),
      record: records[i],
    });
  }
  return { valid, invalid };
}

/** "field `delay`: expected number, received string; field `origin`: …" */
function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const field = issue.path.length > 0 ? `field \`${issue.path.join(".")}\`` : "record";
      return `${field}: ${issue.message}`;
    })
    .join("; ");
}

/** Runs the stage's transform over valid records; no transform passes them on. */
export async function applyTransform(
  stage: Stage,
  records: Row[],
  context: StageContext,
): Promise<Row[]> {
  if (stage.transformBatch) {
    const transformBatch = stage.transformBatch as (r: Row[], c: StageContext) => Row[] | Promise<Row[]>;
    return await transformBatch(records, context);
  }
  if (!stage.transform) return records;
  const transform = stage.transform as (r: Row, c: StageContext) => TransformResult | Promise<TransformResult>;
  const output: Row[] = [];
  for (const record of records) {
    let result = transform(record, context);
    // Only await real promises: most transforms are synchronous, and an
    // await per record would cost more than the transform itself.
    if (result instanceof Promise) result = await result;
    if (result == null) continue;
    if (Array.isArray(result)) output.push(...result);
    else output.push(result);
  }
  return output;
}
