import { describe, expect, it } from "vitest";
import { invalidFraction } from "../../src/validate/index.js";
import { resultOf } from "./helpers.js";

describe("invalidFraction", () => {
  it("passes at or under the allowed fraction of rejected records", () => {
    const result = resultOf(invalidFraction({ max: 0.001 }), [], { counts: { rowsIn: 3_000_000, rowsOut: 2_997_000, rowsInvalid: 3_000 } });
    expect(result).toEqual({
      name: "invalid records at most 0.1%",
      severity: "fail",
      passed: true,
      observed: { invalid: 3_000, rows: 3_000_000, fraction: 0.001 },
      expected: { max: 0.001 },
      message: "invalid records at most 0.1%: 3,000 of 3,000,000 records invalid (0.1%)",
    });
  });

  it("fails above it", () => {
    const result = resultOf(invalidFraction({ max: 0.01 }), [], { counts: { rowsIn: 400, rowsOut: 380, rowsInvalid: 20 } });
    expect(result.passed).toBe(false);
    expect(result.observed).toEqual({ invalid: 20, rows: 400, fraction: 0.05 });
    expect(result.message).toBe("invalid records at most 1%: 20 of 400 records invalid (5%), more than the allowed 1%");
  });

  it("treats a stage that read nothing as fraction 0", () => {
    const result = resultOf(invalidFraction({ max: 0 }), [], { counts: { rowsIn: 0, rowsOut: 0, rowsInvalid: 0 } });
    expect(result.passed).toBe(true);
    expect(result.observed).toEqual({ invalid: 0, rows: 0, fraction: 0 });
  });

  it("rejects a max outside [0, 1]", () => {
    expect(() => invalidFraction({ max: 5 })).toThrow("check invalid records at most 500%: max must be a fraction between 0 and 1, not 5");
  });
});
