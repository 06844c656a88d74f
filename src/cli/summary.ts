// The --json summary (DESIGN.md contract) made from a run record.
import type { RunRecord } from "../engine/run-record.js";

export interface RunSummary {
  pipeline: string;
  runId: string;
  status: RunRecord["status"];
  stages: {
    id: string;
    status: string;
    shards: number;
    rowsIn: number;
    rowsOut: number;
    rowsInvalid: number;
    resumedFrom: { row: number } | null;
    checks: { name: string; severity: "fail" | "warn"; passed: boolean; observed: unknown; expected: unknown }[];
    outputs: { path: string; rows: number; sha256: string }[];
  }[];
}

export function summarizeRun(record: RunRecord): RunSummary {
  return {
    pipeline: record.pipeline,
    runId: record.runId,
    status: record.status,
    stages: record.stages.map((stage) => ({
      id: stage.id,
      status: stage.status,
      shards: stage.shards,
      ...stage.counts,
      resumedFrom: stage.resumedFrom,
      checks: stage.checks.map(({ name, severity, passed, observed, expected }) => ({
        name,
        severity,
        passed,
        observed,
        expected,
      })),
      outputs: stage.outputs.map(({ path, rows, sha256 }) => ({ path, rows, sha256 })),
    })),
  };
}
