// The law every stateful check obeys: splitting the records into any shards
// and batches, saving each shard's state as JSON and merging gives the same
// result as one pass. Exact checks must be equal; the mean of fractional
// values may differ in the last digits (compensated sum).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Row } from "../../src/pipeline/types.js";
import {
  type Check,
  allowedValues,
  custom,
  freshness,
  mean,
  notNull,
  quantile,
  range,
  unique,
} from "../../src/validate/index.js";
import { NOW, runGate, shardState, splitAt } from "./helpers.js";

const JAN = Date.UTC(2001, 0, 1);
const JUL = Date.UTC(2001, 6, 1);
const DAY = 86_400_000;

const recordArb: fc.Arbitrary<Row> = fc.record(
  {
    id: fc.oneof(fc.integer({ min: 0, max: 40 }).map((n) => `F${n}`), fc.constant(null)),
    carrier: fc.constantFrom("AA", "UA", "DL", "XX", "YY", "", null, 1),
    delay: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: -400, max: 2_000 }) },
      { weight: 1, arbitrary: fc.constantFrom(null, "12,50", Number.NaN) },
    ),
    date: fc.oneof(
      fc.integer({ min: JAN - 5 * DAY, max: JUL + 5 * DAY }).map((ms) => new Date(ms).toISOString()),
      fc.integer({ min: JAN - 5 * DAY, max: JUL + 5 * DAY }),
      fc.constantFrom("2001-07-01T00:00:00Z", "not a date"),
    ),
    fare: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  },
  { requiredKeys: ["fare"] },
);

/** The checks under the law; the fractional mean is last (index FRACTIONAL_MEAN). */
function checks(): Check[] {
  return [
    notNull("carrier"),
    unique("id"),
    unique(["carrier", "id"]),
    allowedValues("carrier", ["AA", "UA", "DL"]),
    range("delay", { min: -120, max: 1_440 }),
    mean("delay", { min: -15, max: 60 }),
    quantile("delay", 0.9, { max: 300 }),
    quantile("delay", 0.5, { min: 0 }),
    freshness("date", { window: { from: JAN, to: JUL }, maxAgeHours: 24 * 365 * 30 }),
    custom<{ n: number }>("delay sum", {
      initial: () => ({ n: 0 }),
      add: (s, records) => {
        for (const r of records) if (typeof r.delay === "number" && Number.isFinite(r.delay)) s.n += r.delay;
        return s;
      },
      merge: (a, b) => ({ n: a.n + b.n }),
      evaluate: (s) => ({ passed: s!.n < 1e5, observed: s }),
    }),
    mean("fare", { min: -1e5, max: 1e5 }),
  ];
}
const FRACTIONAL_MEAN = 10;

const splitArb = fc.record({
  records: fc.array(recordArb, { maxLength: 250 }),
  shardCuts: fc.array(fc.nat({ max: 250 }), { maxLength: 5 }),
  batchCuts: fc.array(fc.nat({ max: 120 }), { maxLength: 4 }),
});

describe("merge law", () => {
  it("any split into shards and batches, through JSON, gives the one-pass result", () => {
    fc.assert(
      fc.property(splitArb, ({ records, shardCuts, batchCuts }) => {
        const onePass = runGate(checks(), [[records]], { roundTrip: false });
        const shards = splitAt(records, shardCuts).map((shard) => splitAt(shard, batchCuts));
        const split = runGate(checks(), shards);

        expect(split.passed).toBe(onePass.passed);
        split.checks.forEach((result, i) => {
          if (i !== FRACTIONAL_MEAN) {
            expect(result).toEqual(onePass.checks[i]);
            return;
          }
          const a = result.observed as { mean: number | null; values: number };
          const b = onePass.checks[i].observed as { mean: number | null; values: number };
          expect(a.values).toBe(b.values);
          if (a.mean === null || b.mean === null) expect(a.mean).toBe(b.mean);
          else expect(Math.abs(a.mean - b.mean)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b.mean)));
        });
      }),
      { numRuns: 300 },
    );
  });

  it("merge is associative: (a·b)·c and a·(b·c) judge alike", () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 120 }), fc.nat({ max: 120 }), fc.nat({ max: 120 }), (records, x, y) => {
        const [from, to] = [Math.min(x, y, records.length), Math.min(Math.max(x, y), records.length)];
        const [p, q, r] = [records.slice(0, from), records.slice(from, to), records.slice(to)];
        const list = checks();
        const [a, b, c] = [p, q, r].map((part) => shardState(list, [part]));
        const ctx = { stage: "s", counts: { rowsIn: 0, rowsOut: 0, rowsInvalid: 0 }, lastSuccess: null, now: NOW };
        list.forEach((check, i) => {
          if (i === FRACTIONAL_MEAN) return;
          const merge = check.merge!;
          const left = merge(merge(a[i], b[i]), c[i]);
          const right = merge(a[i], merge(b[i], c[i]));
          expect(check.evaluate(right, ctx)).toEqual(check.evaluate(left, ctx));
        });
      }),
      { numRuns: 200 },
    );
  });

  it("merge does not change its inputs", () => {
    const list = checks();
    const records: Row[] = [{ id: "F1", carrier: "XX", delay: 2_000, date: "soon", fare: 1 }, { id: "F1", carrier: "AA", delay: 3, date: JAN, fare: 2 }];
    const a = shardState(list, [records.slice(0, 1)], false);
    const b = shardState(list, [records.slice(1)], false);
    const before = JSON.stringify([a, b]);
    list.forEach((check, i) => check.merge!(a[i], b[i]));
    expect(JSON.stringify([a, b])).toBe(before);
  });
});
