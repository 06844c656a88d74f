import { describe, expect, it } from "vitest";
import type { Row } from "../../src/pipeline/types.js";
import { mean } from "../../src/validate/index.js";
import { resultOf, runGate, seeded } from "./helpers.js";

describe("mean", () => {
  it("passes when the mean lies within the bounds", () => {
    const result = resultOf(mean("delay", { min: -15, max: 60 }), [{ delay: 10 }, { delay: 20 }, { delay: 33 }, { delay: null }]);
    expect(result).toEqual({
      name: "delay mean within [-15, 60]",
      severity: "fail",
      passed: true,
      observed: { mean: 21, values: 3, nonNumeric: 0 },
      expected: { min: -15, max: 60 },
      message: "delay mean within [-15, 60]: mean 21 over 3 values",
    });
  });

  it("fails outside and notes skipped non-numbers", () => {
    const result = resultOf(mean("delay", { max: 5 }), [{ delay: 4 }, { delay: 9 }, { delay: "x" }]);
    expect(result.passed).toBe(false);
    expect(result.observed).toEqual({ mean: 6.5, values: 2, nonNumeric: 1 });
    expect(result.message).toBe("delay mean at most 5: mean 6.5 over 2 values, expected at most 5; 1 value is not a number and was skipped");
  });

  it("fails when there is nothing to average", () => {
    const result = resultOf(mean("delay", { max: 5 }), [{ delay: null }]);
    expect(result.passed).toBe(false);
    expect(result.observed).toEqual({ mean: null, values: 0, nonNumeric: 0 });
    expect(result.message).toBe("delay mean at most 5: no numeric values to average");
  });

  it("gives the brute-force mean of 100,000 fractional values split over shards", () => {
    const random = seeded(9);
    const values = Array.from({ length: 100_000 }, () => (random() - 0.3) * 1e6 + 0.1);
    const records: Row[] = values.map((fare) => ({ fare }));
    const exact = values.reduce((sum, v) => sum + v, 0) / values.length;
    const shards = [[records.slice(0, 33_333)], [records.slice(33_333, 33_400), records.slice(33_400)]];
    const observed = runGate([mean("fare", { min: 0 })], shards).checks[0].observed as { mean: number };
    expect(Math.abs(observed.mean - exact)).toBeLessThan(Math.abs(exact) * 1e-12);
  });
});
