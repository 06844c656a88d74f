import { describe, expect, it } from "vitest";
import type { Row } from "../../src/pipeline/types.js";
import { unique } from "../../src/validate/index.js";
import { resultOf, runGate, seeded } from "./helpers.js";

/** Brute force: extra rows per key, and the 5 smallest duplicated keys with occurrences. */
function bruteForce(keys: string[]) {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  const duplicated = [...counts].filter(([, n]) => n > 1).sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    observed: { rows: keys.length, distinct: counts.size, duplicates: keys.length - counts.size },
    examples: duplicated.slice(0, 5).map(([value, count]) => ({ value, count })),
  };
}

describe("unique", () => {
  it("passes when every key is distinct", () => {
    const result = resultOf(unique("iata"), [{ iata: "SFO" }, { iata: "LAX" }, { iata: "JFK" }]);
    expect(result).toEqual({
      name: "iata unique",
      severity: "fail",
      passed: true,
      observed: { rows: 3, distinct: 3, duplicates: 0 },
      expected: { duplicates: 0 },
      message: "iata unique: all 3 keys are distinct",
    });
  });

  it("catches a duplicate whose two rows lie in different shards", () => {
    const shards = [[[{ iata: "SFO" }, { iata: "LAX" }]], [[{ iata: "JFK" }]], [[{ iata: "ORD" }, { iata: "SFO" }]]];
    const result = runGate([unique("iata")], shards).checks[0];
    expect(result.passed).toBe(false);
    expect(result.observed).toEqual({ rows: 5, distinct: 4, duplicates: 1 });
    expect(result.examples).toEqual([{ value: "SFO", count: 2 }]);
    expect(result.message).toBe('iata unique: 1 duplicate row among 5 (e.g. "SFO" ×2)');
  });

  it("skips records whose key is null or missing, and compares values as text", () => {
    const records: Row[] = [{ id: 1 }, { id: "1" }, { id: null }, {}, { id: null }, { id: 2 }];
    const result = resultOf(unique("id"), records);
    expect(result.observed).toEqual({ rows: 3, distinct: 2, duplicates: 1 });
    expect(result.examples).toEqual([{ value: "1", count: 2 }]);
  });

  it("checks a composite key as a JSON array of the fields' texts", () => {
    const records: Row[] = [
      { carrier: "AA", flight: 1, date: "2001-01-01" },
      { carrier: "AA", flight: 1, date: "2001-01-02" },
      { carrier: "AA", flight: 1, date: "2001-01-01" },
      { carrier: "UA", flight: null, date: "2001-01-01" },
    ];
    const result = resultOf(unique(["carrier", "flight", "date"]), records);
    expect(result.name).toBe("(carrier, flight, date) unique");
    expect(result.observed).toEqual({ rows: 3, distinct: 2, duplicates: 1 });
    expect(result.examples).toEqual([{ value: '["AA","1","2001-01-01"]', count: 2 }]);
    expect(result.message).toBe('(carrier, flight, date) unique: 1 duplicate row among 3 (e.g. ["AA","1","2001-01-01"] ×2)');
  });

  it("finds every duplicate in 200,000 keys spread over shards, batches and compactions", () => {
    const random = seeded(11);
    const keys = Array.from({ length: 200_000 }, (_, i) => (random() < 0.001 ? `K${Math.floor(random() * 1_000)}` : `K${i}`));
    const records: Row[] = keys.map((key) => ({ key }));
    const shards = [0, 1, 2].map((s) => {
      const part = records.filter((_, i) => i % 3 === s);
      const batches: Row[][] = [];
      for (let i = 0; i < part.length; i += 7_919) batches.push(part.slice(i, i + 7_919));
      return batches;
    });
    const result = runGate([unique("key")], shards).checks[0];
    const expected = bruteForce(keys);
    expect(result.observed).toEqual(expected.observed);
    expect(result.examples).toEqual(expected.examples);
    expect(result.passed).toBe(false);
  });

  it("rejects an empty key list", () => {
    expect(() => unique([])).toThrow("check () unique: name at least one key field");
  });
});
