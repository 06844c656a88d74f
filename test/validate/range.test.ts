import { describe, expect, it } from "vitest";
import type { Row } from "../../src/pipeline/types.js";
import { range } from "../../src/validate/index.js";
import { resultOf, runGate, seeded } from "./helpers.js";

/** 20,000 delays inside [-120, 1440] with 11 planted outliers. */
function delays(): number[] {
  const random = seeded(3);
  const values = Array.from({ length: 20_000 }, () => Math.floor(random() * 1_561) - 120);
  const outliers = [-1116, 1688, 1688, 1500, -121, 1441, 2000, -300, 1500, 1500, -500];
  outliers.forEach((value, i) => (values[i * 1_777] = value));
  return values;
}

describe("range", () => {
  it("reports values outside the bounds with min, max and the most extreme examples", () => {
    const values = delays();
    const shards = [[values.slice(0, 6_000).map((delay) => ({ delay }))], [values.slice(6_000).map((delay) => ({ delay }))]];
    const result = runGate([range("delay", { min: -120, max: 1_440 })], shards).checks[0];

    const outside = values.filter((v) => v < -120 || v > 1_440);
    const min = Math.min(...values);
    const max = Math.max(...values);
    const counts = new Map<number, number>();
    for (const v of outside) counts.set(v, (counts.get(v) ?? 0) + 1);
    const distance = (v: number) => (v < -120 ? -120 - v : v - 1_440);
    const examples = [...counts]
      .sort(([a], [b]) => distance(b) - distance(a) || a - b)
      .slice(0, 5)
      .map(([value, count]) => ({ value, count }));

    expect(result.passed).toBe(false);
    expect(result.observed).toEqual({ values: 20_000, outside: outside.length, nonNumeric: 0, min, max });
    expect(result.expected).toEqual({ min: -120, max: 1_440 });
    expect(result.examples).toEqual(examples);
    expect(result.message).toBe(
      `delay within [-120, 1440]: ${outside.length.toLocaleString("en-US")} of 20,000 values outside (min ${min}, max ${max})`,
    );
    expect(result.message).toBe("delay within [-120, 1440]: 11 of 20,000 values outside (min -1116, max 2000)");
  });

  it("passes when every value is inside, bounds included", () => {
    const result = resultOf(range("delay", { min: -120, max: 1_440 }), [{ delay: -120 }, { delay: 1_440 }, { delay: 0 }, { delay: null }, {}]);
    expect(result).toEqual({
      name: "delay within [-120, 1440]",
      severity: "fail",
      passed: true,
      observed: { values: 3, outside: 0, nonNumeric: 0, min: -120, max: 1_440 },
      expected: { min: -120, max: 1_440 },
      message: "delay within [-120, 1440]: all 3 values inside (min -120, max 1440)",
    });
  });

  it("counts values that are not numbers as violations, with a note", () => {
    const records: Row[] = [{ delay: 5 }, { delay: "12,50" }, { delay: Number.NaN }, { delay: true }, { delay: "12,50" }, { delay: 7 }];
    const result = resultOf(range("delay", { max: 10 }), records);
    expect(result.passed).toBe(false);
    expect(result.observed).toEqual({ values: 2, outside: 0, nonNumeric: 4, min: 5, max: 7 });
    expect(result.examples).toEqual([
      { value: "12,50", count: 2, note: "not a number" },
      { value: "NaN", count: 1, note: "not a number" },
      { value: true, count: 1, note: "not a number" },
    ]);
    expect(result.message).toBe('delay at most 10: 0 of 2 values outside (min 5, max 7); 4 values are not numbers (e.g. "12,50")');
  });

  it("passes an empty stage and says there was nothing to check", () => {
    const result = resultOf(range("delay", { min: 0 }), []);
    expect(result.passed).toBe(true);
    expect(result.observed).toEqual({ values: 0, outside: 0, nonNumeric: 0, min: null, max: null });
    expect(result.message).toBe("delay at least 0: no values to check");
  });

  it("rejects missing or inverted bounds", () => {
    expect(() => range("delay", {})).toThrow("check delay any value: set min, max or both");
    expect(() => range("delay", { min: 3, max: 1 })).toThrow("check delay within [3, 1]: min 3 is greater than max 1");
    expect(() => range("delay", { min: Number.NaN })).toThrow("check delay at least NaN: min must be a finite number, not NaN");
  });
});
