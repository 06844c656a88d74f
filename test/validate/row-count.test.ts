import { describe, expect, it } from "vitest";
import { CheckDefinitionError, rowCount } from "../../src/validate/index.js";
import { resultOf } from "./helpers.js";

const counts = (rowsOut: number) => ({ rowsIn: rowsOut, rowsOut, rowsInvalid: 0 });

describe("rowCount", () => {
  it("passes when the rows written lie within [min, max]", () => {
    const result = resultOf(rowCount({ min: 1, max: 5_000 }), [], { counts: counts(3_000) });
    expect(result).toEqual({
      name: "row count within [1, 5,000]",
      severity: "fail",
      passed: true,
      observed: { rows: 3_000 },
      expected: { min: 1, max: 5_000 },
      message: "row count within [1, 5,000]: 3,000 rows",
    });
  });

  it("fails below min and says what was expected", () => {
    const result = resultOf(rowCount({ min: 2_900_000 }), [], { counts: counts(12) });
    expect(result.passed).toBe(false);
    expect(result.observed).toEqual({ rows: 12 });
    expect(result.expected).toEqual({ min: 2_900_000 });
    expect(result.message).toBe("row count at least 2,900,000: 12 rows, expected at least 2,900,000");
  });

  it("fails above max", () => {
    const result = resultOf(rowCount({ max: 10 }), [], { counts: counts(11) });
    expect(result.passed).toBe(false);
    expect(result.message).toBe("row count at most 10: 11 rows, expected at most 10");
  });

  it("passes the relative part when there is no earlier successful run", () => {
    const check = rowCount({ relativeToLastSuccess: { minRatio: 0.9, maxRatio: 1.1 } });
    const result = resultOf(check, [], { counts: counts(5), lastSuccess: null });
    expect(result.passed).toBe(true);
    expect(result.observed).toEqual({ rows: 5, lastSuccessRows: null, ratio: null, note: "no earlier successful run" });
    expect(result.expected).toEqual({ minRatio: 0.9, maxRatio: 1.1 });
    expect(result.message).toBe(
      "row count within [90%, 110%] of the last successful run: 5 rows; no earlier successful run to compare with",
    );
  });

  it("fails when the rows fell below minRatio of the last successful run", () => {
    const check = rowCount({ min: 1, relativeToLastSuccess: { minRatio: 0.5, maxRatio: 2 } });
    const result = resultOf(check, [], { counts: counts(1_200_000), lastSuccess: counts(3_000_000) });
    expect(result.passed).toBe(false);
    expect(result.observed).toEqual({ rows: 1_200_000, lastSuccessRows: 3_000_000, ratio: 0.4 });
    expect(result.expected).toEqual({ min: 1, minRatio: 0.5, maxRatio: 2 });
    expect(result.message).toBe(
      "row count at least 1, within [50%, 200%] of the last successful run: 1,200,000 rows; 40% of the 3,000,000 rows of the last successful run, expected within [50%, 200%]",
    );
  });

  it("passes within the ratio bounds", () => {
    const check = rowCount({ relativeToLastSuccess: { minRatio: 0.9, maxRatio: 1.1 } });
    const result = resultOf(check, [], { counts: counts(3_030_000), lastSuccess: counts(3_000_000) });
    expect(result.passed).toBe(true);
    expect(result.observed).toEqual({ rows: 3_030_000, lastSuccessRows: 3_000_000, ratio: 1.01 });
  });

  it("treats growth from a last run of 0 rows as an infinite ratio", () => {
    const check = rowCount({ relativeToLastSuccess: { maxRatio: 2 } });
    const result = resultOf(check, [], { counts: counts(7), lastSuccess: counts(0) });
    expect(result.passed).toBe(false);
    expect(result.observed).toEqual({ rows: 7, lastSuccessRows: 0, ratio: null, note: "the last successful run wrote 0 rows" });
    expect(result.message).toBe(
      "row count at most 200% of the last successful run: 7 rows; the last successful run wrote 0 rows, expected at most 200%",
    );
  });

  it("takes a name and a warn severity", () => {
    const result = resultOf(rowCount({ min: 1, name: "some rows", severity: "warn" }), [], { counts: counts(0) });
    expect(result).toMatchObject({ name: "some rows", severity: "warn", passed: false });
  });

  it("rejects a definition without bounds, or with min above max", () => {
    expect(() => rowCount({})).toThrow(new CheckDefinitionError("row count", "set min, max or relativeToLastSuccess"));
    expect(() => rowCount({ min: 5, max: 1 })).toThrow("check row count within [5, 1]: min 5 is greater than max 1");
    expect(() => rowCount({ min: 1, severity: "error" as "fail" })).toThrow(
      'check row count at least 1: severity must be "fail" or "warn", not "error"',
    );
  });
});
