import { describe, expect, it } from "vitest";
import type { Row } from "../../src/pipeline/types.js";
import { notNull } from "../../src/validate/index.js";
import { resultOf, runGate, seeded } from "./helpers.js";

describe("notNull", () => {
  it("counts null, missing and empty-string values, but not blanks, 0, false or NaN", () => {
    const records: Row[] = [
      { state: "CA" }, { state: null }, {}, { state: "" }, { state: " " },
      { state: 0 }, { state: false }, { state: Number.NaN }, { state: undefined },
    ];
    const result = resultOf(notNull("state"), records);
    expect(result).toEqual({
      name: "state not null",
      severity: "fail",
      passed: false,
      observed: { rows: 9, nulls: 4 },
      expected: { nulls: 0 },
      message: "state not null: 4 of 9 rows are null, missing or empty",
    });
  });

  it("passes when every row has a value", () => {
    const result = resultOf(notNull("state", { severity: "warn" }), [{ state: "CA" }, { state: "NY" }]);
    expect(result.passed).toBe(true);
    expect(result.severity).toBe("warn");
    expect(result.message).toBe("state not null: none of 2 rows is null, missing or empty");
  });

  it("counts exactly over many shards and batches", () => {
    const random = seeded(7);
    const records: Row[] = Array.from({ length: 5_000 }, () => (random() < 0.1 ? { state: null } : { state: "TX" }));
    const expectedNulls = records.filter((r) => r.state === null).length;
    const shards = [[records.slice(0, 1_000), records.slice(1_000, 1_001)], [records.slice(1_001, 4_000)], [records.slice(4_000)]];
    const result = runGate([notNull("state")], shards).checks[0];
    expect(result.observed).toEqual({ rows: 5_000, nulls: expectedNulls });
  });
});
