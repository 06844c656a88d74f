import { describe, expect, it } from "vitest";
import { definePipeline } from "../../src/pipeline/define.js";
import type { Sink, Source } from "../../src/pipeline/types.js";
import { evaluateGate, makeStats, mean, range, rowCount } from "../../src/validate/index.js";
import type { Check } from "../../src/validate/types.js";

const source: Source = { kind: "test", description: "test", async *read() {} };
const sink: Sink = { kind: "test", description: "test", open: async () => { throw new Error("unused"); }, publish: async () => [] };

function gateOf(checks: Check[], records: Record<string, unknown>[]) {
  const pipeline = definePipeline({ name: "p", stages: [{ id: "s", source, output: sink, checks }] });
  const stage = pipeline.stages[0];
  const stats = makeStats(stage.checks);
  stats.add(records);
  return evaluateGate({
    pipeline: "p",
    stage: "s",
    runId: "r",
    checks: stage.checks,
    state: stats.state(),
    counts: { rowsIn: records.length, rowsOut: records.length, rowsInvalid: 0 },
    lastSuccess: null,
    now: new Date(),
  });
}

describe("checked fields exist", () => {
  it("fails the gate when a check reads a field no row has (a typo)", () => {
    const records = [{ amount: 5 }, { amount: 7 }];
    const report = gateOf([range("amout", { min: 0, max: 10 }), mean("amount", { min: 0 })], records);
    expect(report.passed).toBe(false);
    const check = report.checks.find((c) => c.name === "checked fields exist")!;
    expect(check).toMatchObject({ passed: false, observed: { missing: ["amout"] }, expected: { fields: ["amout", "amount"] } });
    expect(check.message).toBe("field `amout` (read by amout within [0, 10]) is in none of the 2 rows written; check its name");
  });

  it("passes when every checked field is in some row, even if null in others", () => {
    const report = gateOf([range("amount", { min: 0, max: 10 })], [{ amount: null }, { other: 1 }, { amount: 3 }]);
    expect(report.checks.find((c) => c.name === "checked fields exist")!.passed).toBe(true);
    expect(report.passed).toBe(true);
  });

  it("is not added when no check reads a field", () => {
    const pipeline = definePipeline({ name: "p", stages: [{ id: "s", source, output: sink, checks: [rowCount({ min: 1 })] }] });
    expect(pipeline.stages[0].checks.map((c) => c.name)).toEqual(["row count at least 1"]);
  });
});
