import { describe, expect, it } from "vitest";
import { custom, evaluateGate, makeStats, mergeStats, notNull, range, rowCount } from "../../src/validate/index.js";
import { NOW, runGate } from "./helpers.js";

describe("evaluateGate", () => {
  it("passes when only warnings fail, and names the pipeline, stage, run and time", () => {
    const checks = [rowCount({ min: 1 }), notNull("state", { severity: "warn" })];
    const report = runGate(checks, [[[{ state: null }, { state: "CA" }]]]);
    expect(report).toMatchObject({
      pipeline: "flights",
      stage: "transform",
      runId: "run-1",
      passed: true,
      counts: { rowsIn: 2, rowsOut: 2, rowsInvalid: 0 },
      evaluatedAt: "2024-05-01T12:00:00.000Z",
    });
    expect(report.checks.map((c) => [c.name, c.severity, c.passed])).toEqual([
      ["row count at least 1", "fail", true],
      ["state not null", "warn", false],
    ]);
  });

  it("fails when a check with severity fail fails", () => {
    const report = runGate([range("delay", { max: 10 }), notNull("delay", { severity: "warn" })], [[[{ delay: 11 }]]]);
    expect(report.passed).toBe(false);
  });

  it("fails a check closed when a shard's statistics never arrived", () => {
    const checks = [notNull("state"), rowCount({ min: 1 })];
    const shard = makeStats(checks);
    shard.add([{ state: "CA" }]);
    const state = mergeStats(checks, [shard.state(), null, shard.state()]);
    const report = evaluateGate({
      pipeline: "p", stage: "s", runId: "r", checks, state,
      counts: { rowsIn: 3, rowsOut: 3, rowsInvalid: 0 }, lastSuccess: null, now: NOW,
    });
    expect(report.passed).toBe(false);
    expect(report.checks[0]).toEqual({
      name: "state not null",
      severity: "fail",
      passed: false,
      observed: null,
      expected: null,
      message: "state not null: not evaluated, shard 2/3 sent no statistics; the check fails closed",
    });
    expect(report.checks[1].passed).toBe(true);
  });

  it("fails a check closed when its state is absent from the merged array", () => {
    const checks = [notNull("state")];
    const report = evaluateGate({
      pipeline: "p", stage: "s", runId: "r", checks, state: [],
      counts: { rowsIn: 0, rowsOut: 0, rowsInvalid: 0 }, lastSuccess: null, now: NOW,
    });
    expect(report.checks[0].message).toBe("state not null: not evaluated, no statistics were collected for it; the check fails closed");
  });

  it("fails a check closed when merging its shards throws", () => {
    const check = custom<{ n: number }>("fragile", {
      initial: () => ({ n: 0 }),
      add: (s, records) => ({ n: s.n + records.length }),
      merge: () => {
        throw new Error("cannot merge");
      },
      evaluate: () => true,
    });
    const report = runGate([check], [[[{}]], [[{}]]]);
    expect(report.checks[0].message).toBe(
      "fragile: not evaluated, merging the shards' statistics failed: cannot merge; the check fails closed",
    );
  });

  it("keeps a failed-closed warning a warning", () => {
    const check = custom("soft", { severity: "warn", evaluate: () => { throw "nope"; } });
    const report = runGate([check], [[[]]]);
    expect(report.passed).toBe(true);
    expect(report.checks[0]).toMatchObject({ severity: "warn", passed: false, message: "soft: the check threw an error: nope" });
  });
});
