import { describe, expect, it } from "vitest";
import type { Row } from "../../src/pipeline/types.js";
import { freshness } from "../../src/validate/index.js";
import { resultOf, runGate, seeded } from "./helpers.js";

const JAN = Date.UTC(2001, 0, 1);
const JUL = Date.UTC(2001, 6, 1);

describe("freshness", () => {
  it("catches 6 rows dated 2001-07-01T00:00Z on the boundary of a Jan–Jun 2001 window", () => {
    const random = seeded(8);
    const dates = Array.from({ length: 30_000 }, () => new Date(JAN + Math.floor(random() * (JUL - JAN))).toISOString());
    for (const i of [5, 900, 4_000, 12_000, 20_001, 29_999]) dates[i] = "2001-07-01T00:00:00Z";
    const records: Row[] = dates.map((date) => ({ date }));
    const check = freshness("date", { window: { from: "2001-01-01T00:00:00Z", to: "2001-07-01T00:00:00Z" } });
    const result = runGate([check], [[records.slice(0, 10_000)], [records.slice(10_000, 25_000), records.slice(25_000)]]).checks[0];

    const instants = dates.map((d) => Date.parse(d));
    const oldest = new Date(Math.min(...instants)).toISOString();
    expect(result.name).toBe("date within [2001-01-01, 2001-07-01)");
    expect(result.passed).toBe(false);
    expect(result.observed).toEqual({
      values: 30_000,
      outside: 6,
      unreadable: 0,
      oldest,
      newest: "2001-07-01T00:00:00.000Z",
    });
    expect(result.expected).toEqual({ window: { from: "2001-01-01T00:00:00.000Z", to: "2001-07-01T00:00:00.000Z" } });
    expect(result.examples).toEqual([{ value: "2001-07-01T00:00:00.000Z", count: 6 }]);
    const shortOldest = oldest.replace(/(:00)?\.000Z$/, "Z").replace(/T00:00Z$/, "");
    expect(result.message).toBe(`date within [2001-01-01, 2001-07-01): 6 of 30,000 values outside (oldest ${shortOldest}, newest 2001-07-01)`);
  });

  it("passes a window holding every value, from inclusive", () => {
    const records: Row[] = [{ date: "2001-01-01T00:00:00Z" }, { date: "2001-06-30T23:59:59.999Z" }];
    const result = resultOf(freshness("date", { window: { from: "2001-01-01", to: "2001-07-01" } }), records);
    expect(result.passed).toBe(true);
    expect(result.message).toBe("date within [2001-01-01, 2001-07-01): all 2 values inside (oldest 2001-01-01, newest 2001-06-30T23:59:59.999Z)");
  });

  it("judges the newest value's age against ctx.now in hours", () => {
    const now = new Date("2024-05-01T12:00:00Z");
    const records: Row[] = [{ at: "2024-04-30T00:00:00Z" }, { at: Date.parse("2024-04-30T18:00:00Z") }, { at: new Date("2024-04-29T00:00:00Z") }];
    const fresh = resultOf(freshness("at", { maxAgeHours: 24 }), records, { now });
    expect(fresh).toEqual({
      name: "at at most 24 hours old",
      severity: "fail",
      passed: true,
      observed: { values: 3, outside: 0, unreadable: 0, oldest: "2024-04-29T00:00:00.000Z", newest: "2024-04-30T18:00:00.000Z", newestAgeHours: 18 },
      expected: { maxAgeHours: 24 },
      message: "at at most 24 hours old: newest 2024-04-30T18:00Z is 18 hours old",
    });
    const stale = resultOf(freshness("at", { maxAgeHours: 12 }), records, { now });
    expect(stale.passed).toBe(false);
    expect(stale.message).toBe("at at most 12 hours old: newest 2024-04-30T18:00Z is 18 hours old, expected at most 12");
  });

  it("fails maxAgeHours when there are no dates", () => {
    const result = resultOf(freshness("at", { maxAgeHours: 1 }), [{ at: null }]);
    expect(result.passed).toBe(false);
    expect(result.observed).toMatchObject({ values: 0, newest: null, newestAgeHours: null });
    expect(result.message).toBe("at at most 1 hours old: no dates to judge freshness by");
  });

  it("applies notBefore and notAfter inclusively, reads offset-less times as UTC, and fails unreadable values", () => {
    const records: Row[] = [
      { at: "2001-03-01T00:00" }, // UTC, inside
      { at: "2001-02-01T00:00:00Z" }, // = notBefore, inside
      { at: "2001-01-31T23:59:59Z" }, // early
      { at: "2001-04-01T00:00:00+02:00" }, // 2001-03-31T22:00Z, inside
      { at: "2001-04-01T00:00:01Z" }, // late
      { at: "soon" },
      { at: 17 }, // epoch ms: 1970, early
    ];
    const check = freshness("at", { notBefore: "2001-02-01", notAfter: "2001-04-01T00:00:00Z", severity: "warn" });
    const result = resultOf(check, records);
    expect(result.name).toBe("at not before 2001-02-01, not after 2001-04-01");
    expect(result.passed).toBe(false);
    expect(result.observed).toEqual({
      values: 6, outside: 3, unreadable: 1,
      oldest: "1970-01-01T00:00:00.017Z", newest: "2001-04-01T00:00:01.000Z",
    });
    expect(result.examples).toEqual([
      { value: "1970-01-01T00:00:00.017Z", count: 1 },
      { value: "2001-01-31T23:59:59.000Z", count: 1 },
      { value: "2001-04-01T00:00:01.000Z", count: 1 },
      { value: "soon", count: 1, note: "not a date" },
    ]);
    expect(result.message).toBe(
      'at not before 2001-02-01, not after 2001-04-01: 3 of 6 values outside (oldest 1970-01-01T00:00:00.017Z, newest 2001-04-01T00:00:01Z); 1 value is not a date (e.g. "soon")',
    );
  });

  it("rejects a definition without conditions, or a bad date", () => {
    expect(() => freshness("at", {})).toThrow("check at freshness: set maxAgeHours, notAfter, notBefore or window");
    expect(() => freshness("at", { notAfter: "someday" })).toThrow('check at freshness: notAfter is not a date: "someday"');
    expect(() => freshness("at", { window: { from: "2001-07-01", to: "2001-01-01" } })).toThrow("window.from must be before window.to");
  });
});
