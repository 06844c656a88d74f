import { describe, expect, it } from "vitest";
import type { Row } from "../../src/pipeline/types.js";
import { allowedValues } from "../../src/validate/index.js";
import { resultOf, runGate, seeded } from "./helpers.js";

describe("allowedValues", () => {
  it("passes when every value is allowed", () => {
    const result = resultOf(allowedValues("carrier", ["AA", "UA"]), [{ carrier: "AA" }, { carrier: "UA" }, { carrier: null }, {}]);
    expect(result).toEqual({
      name: 'carrier in ["AA", "UA"]',
      severity: "fail",
      passed: true,
      observed: { values: 2, disallowed: 0 },
      expected: { values: ["AA", "UA"] },
      message: 'carrier in ["AA", "UA"]: all 2 values are allowed',
    });
  });

  it("counts disallowed values and shows the 5 most frequent with counts", () => {
    const values = ["AA", "XX", "XX", "XX", "", "", 1, "1", "1", "ZZ", "YY", "WW", "WW", "VV", "UA"];
    const records: Row[] = values.map((carrier) => ({ carrier }));
    const result = resultOf(allowedValues("carrier", ["AA", "UA", 1]), records);
    expect(result.passed).toBe(false);
    expect(result.observed).toEqual({ values: 15, disallowed: 12 });
    expect(result.examples).toEqual([
      { value: "XX", count: 3 },
      { value: "", count: 2 },
      { value: "1", count: 2 },
      { value: "WW", count: 2 },
      { value: "VV", count: 1 },
    ]);
    expect(result.message).toBe(
      'carrier in ["AA", "UA", 1]: 12 of 15 values are not allowed (e.g. "XX" ×3, "" ×2, "1" ×2, "WW" ×2, "VV" ×1)',
    );
  });

  it("keeps the total exact and the examples split-independent with thousands of distinct disallowed values", () => {
    const random = seeded(5);
    const codes = Array.from({ length: 30_000 }, () => `C${Math.floor(random() ** 2 * 3_000)}`);
    const records: Row[] = codes.map((carrier) => ({ carrier }));
    const check = allowedValues("carrier", ["C0"]);
    const onePass = runGate([check], [[records]]).checks[0];
    const split = runGate([check], [[records.slice(0, 10_000), records.slice(10_000, 10_500)], [records.slice(10_500)]]).checks[0];
    expect(split).toEqual(onePass);

    // Brute force of the documented rule: the most frequent of the 1,000 smallest JSON texts.
    const counts = new Map<string, number>();
    for (const code of codes) if (code !== "C0") counts.set(JSON.stringify(code), (counts.get(JSON.stringify(code)) ?? 0) + 1);
    const smallest = [...counts.keys()].sort().slice(0, 1_000);
    const top = smallest
      .map((text) => ({ value: JSON.parse(text) as string, count: counts.get(text)! }))
      .sort((a, b) => b.count - a.count || (JSON.stringify(a.value) < JSON.stringify(b.value) ? -1 : 1))
      .slice(0, 5);
    expect(onePass.observed).toEqual({ values: 30_000, disallowed: codes.filter((c) => c !== "C0").length });
    expect(onePass.examples).toEqual(top);
  });

  it("rejects an empty list", () => {
    expect(() => allowedValues("carrier", [])).toThrow("check carrier in []: list at least one allowed value");
  });
});
