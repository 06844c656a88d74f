import { describe, expect, it } from "vitest";
import type { Row } from "../../src/pipeline/types.js";
import { quantile } from "../../src/validate/index.js";
import { resultOf, runGate, seeded, splitAt } from "./helpers.js";

/** Nearest rank: the smallest value with at least a fraction q of all values at or below it. */
function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}

/** Tolerance stated in quantile-digest.ts: the estimate's rank is within 1% of q. */
function withinRankTolerance(values: number[], q: number, estimate: number): boolean {
  return exactQuantile(values, Math.max(0, q - 0.01)) <= estimate && estimate <= exactQuantile(values, Math.min(1, q + 0.01));
}

describe("quantile", () => {
  it("is exact (nearest rank) below 8,192 values", () => {
    const random = seeded(1);
    const values = Array.from({ length: 5_000 }, () => Math.round(random() ** 4 * 900 - 60));
    const records: Row[] = values.map((delay) => ({ delay }));
    const p99 = exactQuantile(values, 0.99);
    const result = runGate([quantile("delay", 0.99, { max: 300 })], [[records.slice(0, 2_000)], [records.slice(2_000)]]).checks[0];
    expect(result.observed).toEqual({ quantile: p99, values: 5_000, approximate: false, nonNumeric: 0 });
    expect(result.expected).toEqual({ q: 0.99, max: 300 });
    expect(result.passed).toBe(p99 <= 300);
    expect(result.message).toBe(`delay p99 at most 300: p99 is ${p99} over 5,000 values (exact)${p99 <= 300 ? "" : ", expected at most 300"}`);
  });

  it("fails when the quantile is above max", () => {
    const records: Row[] = [1, 2, 3, 4, 500].map((delay) => ({ delay }));
    const result = resultOf(quantile("delay", 0.9, { max: 300, severity: "warn" }), records);
    expect(result).toEqual({
      name: "delay p90 at most 300",
      severity: "warn",
      passed: false,
      observed: { quantile: 500, values: 5, approximate: false, nonNumeric: 0 },
      expected: { q: 0.9, max: 300 },
      message: "delay p90 at most 300: p90 is 500 over 5 values (exact), expected at most 300",
    });
  });

  it("estimates within 1% in rank over 200,000 values split into shards, marked approximate", () => {
    const random = seeded(2);
    const values = Array.from({ length: 200_000 }, () => -Math.log(1 - random()) * 40 - 20);
    const records: Row[] = values.map((delay) => ({ delay }));
    const shards = splitAt(records, [70_001, 70_002, 150_000]).map((part) => splitAt(part, [5_000, 12_345]));
    for (const q of [0.01, 0.5, 0.9, 0.99]) {
      const split = runGate([quantile("delay", q, { max: 1e9 })], shards).checks[0];
      const onePass = resultOf(quantile("delay", q, { max: 1e9 }), records);
      for (const result of [split, onePass]) {
        const observed = result.observed as { quantile: number; values: number; approximate: boolean };
        expect(observed.values).toBe(200_000);
        expect(observed.approximate).toBe(true);
        expect(withinRankTolerance(values, q, observed.quantile)).toBe(true);
      }
      expect(split.message).toMatch(/over 200,000 values \(t-digest estimate\)$/);
    }
  });

  it("estimates within 1% in rank over 300,000 whole numbers with heavy repeats (like delays in minutes)", () => {
    const random = seeded(3);
    // Mostly small delays, a long right tail, a few early departures.
    const values = Array.from({ length: 300_000 }, () => Math.round(-Math.log(1 - random()) * 25 - 8));
    const records: Row[] = values.map((delay) => ({ delay }));
    const shards = splitAt(records, [100_000, 222_222]).map((part) => splitAt(part, [50_000]));
    for (const q of [0.05, 0.5, 0.99, 0.999]) {
      const observed = runGate([quantile("delay", q, { max: 1e9 })], shards).checks[0].observed as { quantile: number; values: number };
      expect(observed.values).toBe(300_000);
      expect(withinRankTolerance(values, q, observed.quantile)).toBe(true);
    }
  });

  it("gives the same estimate for the same records however they are batched", () => {
    const random = seeded(4);
    const records: Row[] = Array.from({ length: 50_000 }, () => ({ delay: random() * 100 }));
    const check = quantile("delay", 0.99, { max: 1e9 });
    const a = runGate([check], [[records]]).checks[0];
    const b = runGate([check], [splitAt(records, [1, 999, 8_192, 30_000])]).checks[0];
    expect(b).toEqual(a);
  });

  it("fails when there are no numbers", () => {
    const result = resultOf(quantile("delay", 0.5, { min: 0 }), [{ delay: "late" }]);
    expect(result.passed).toBe(false);
    expect(result.message).toBe("delay p50 at least 0: no numeric values; 1 value is not a number and was skipped");
  });

  it("rejects q outside [0, 1]", () => {
    expect(() => quantile("delay", 99, { max: 1 })).toThrow("check delay p9900 at most 1: q must be between 0 and 1, not 99");
  });
});
