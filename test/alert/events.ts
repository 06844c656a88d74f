// Alert events shared by the alert tests.
import type { AlertEvent } from "../../src/alert/types.js";
import type { CheckResult, GateReport } from "../../src/validate/types.js";

/** A database password the tests try to leak. */
export const DB_PASSWORD = "Tr0ub4dor&3-horse";

/** A shard failure with every fact DESIGN.md asks for. */
export function failureEvent(overrides: Partial<AlertEvent> = {}): AlertEvent {
  return {
    kind: "failure",
    pipeline: "flight-delays",
    runId: "9876543210-1",
    stage: "enrich",
    shard: "2/4",
    attempt: 1,
    error: [
      `ConnectionError: could not connect to postgres://etl:${DB_PASSWORD}@db.internal:5432/flights`,
      "    at connect (src/io/postgres.ts:42:11)",
      "    at enrich (pipelines/flight-delays.ts:88:5)",
    ].join("\n"),
    checkpoint: {
      row: 1_200_000,
      cursor: { row: 1_200_000, byteOffset: 73_400_320 },
      savedAt: "2026-12-04T10:00:00Z",
    },
    runUrl: "https://github.com/acme/data/actions/runs/9876543210",
    reportUrl: "https://github.com/acme/data/actions/runs/9876543210/artifacts/1",
    nextStep: "Re-run failed jobs",
    at: "2026-12-04T10:05:00Z",
    ...overrides,
  };
}

/** A check result; `passed` false unless said otherwise. */
export function check(name: string, overrides: Partial<CheckResult> = {}): CheckResult {
  return {
    name,
    severity: "fail",
    passed: false,
    observed: { min: -1116, max: 1688 },
    expected: { min: -120, max: 1440 },
    message: `${name} is out of range; fix the source or widen the check`,
    ...overrides,
  };
}

/** A gate report for stage `stage` with the given checks. */
export function gateReport(stage: string, checks: CheckResult[]): GateReport {
  return {
    pipeline: "flight-delays",
    stage,
    runId: "9876543210-1",
    passed: checks.every((c) => c.passed || c.severity === "warn"),
    counts: { rowsIn: 1_000, rowsOut: 990, rowsInvalid: 10 },
    checks,
    evaluatedAt: "2026-12-04T10:04:00Z",
  };
}

/** A failed gate after stage `stage`. */
export function gateEvent(stage: string, checks: CheckResult[]): AlertEvent {
  return {
    kind: "gate",
    pipeline: "flight-delays",
    runId: "9876543210-1",
    stage,
    gate: gateReport(stage, checks),
    runUrl: "https://github.com/acme/data/actions/runs/9876543210",
    nextStep: "Fix the data or the checks, then re-run the workflow",
    at: "2026-12-04T10:05:00Z",
  };
}
