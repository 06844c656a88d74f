import { describe, expect, it } from "vitest";
import type { Row } from "../../src/pipeline/types.js";
import { custom } from "../../src/validate/index.js";
import { resultOf, runGate } from "./helpers.js";

describe("custom", () => {
  it("turns a boolean verdict over the counts into a result", () => {
    const check = custom("wrote rows", { evaluate: (_state, ctx) => ctx.counts.rowsOut > 0 });
    expect(resultOf(check, [], { counts: { rowsIn: 1, rowsOut: 1, rowsInvalid: 0 } })).toEqual({
      name: "wrote rows",
      severity: "fail",
      passed: true,
      observed: null,
      expected: null,
      message: "wrote rows: passed",
    });
    expect(resultOf(check, [], { counts: { rowsIn: 0, rowsOut: 0, rowsInvalid: 0 } }).message).toBe("wrote rows: failed");
  });

  it("folds records with its own state and merges shards", () => {
    const check = custom<{ late: number }>("few late flights", {
      severity: "warn",
      initial: () => ({ late: 0 }),
      add: (state, records) => {
        for (const r of records) if ((r.delay as number) > 60) state.late += 1;
        return state;
      },
      merge: (a, b) => ({ late: a.late + b.late }),
      evaluate: (state) => ({
        passed: state!.late <= 1,
        observed: { late: state!.late },
        expected: { late: "≤ 1" },
        message: `few late flights: ${state!.late} late`,
        examples: [state!.late],
      }),
    });
    const rows = (delays: number[]): Row[] => delays.map((delay) => ({ delay }));
    const result = runGate([check], [[rows([61, 5])], [rows([0]), rows([90, 100])]]).checks[0];
    expect(result).toEqual({
      name: "few late flights",
      severity: "warn",
      passed: false,
      observed: { late: 3 },
      expected: { late: "≤ 1" },
      message: "few late flights: 3 late",
      examples: [3],
    });
  });

  it("fails closed with the error when evaluate throws", () => {
    const check = custom("explodes", {
      evaluate: () => {
        throw new Error("lookup table missing");
      },
    });
    const report = runGate([check], [[[{ a: 1 }]]]);
    expect(report.passed).toBe(false);
    expect(report.checks[0]).toEqual({
      name: "explodes",
      severity: "fail",
      passed: false,
      observed: null,
      expected: null,
      message: "explodes: the check threw an error: lookup table missing",
    });
  });

  it("fails closed when evaluate returns something that is not a verdict", () => {
    const check = custom("vague", { evaluate: () => "yes" as unknown as boolean });
    expect(resultOf(check, []).message).toBe('vague: the check threw an error: evaluate must return a boolean or { passed: boolean, … }, not "yes"');
  });

  it("requires initial and merge alongside add", () => {
    expect(() => custom("half", { add: (s) => s, evaluate: () => true })).toThrow(
      "check half: a check with add also needs initial and merge",
    );
  });
});
