import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { fastAcceptOf } from "../../src/engine/fast-accept.js";

const flight = z.object({
  date: z.iso.datetime(),
  delay: z.int(),
  distance: z.int().positive(),
  origin: z.string().length(3),
  destination: z.string().length(3),
});

const mixed = z.object({
  name: z.string().min(1).max(5),
  code: z.string().regex(/^[A-Z]{2}\d?$/),
  score: z.number().min(-1).max(1),
  small: z.int32().nullable(),
  flag: z.boolean(),
});

describe("fast path of record validation", () => {
  test("passes a flight record zod accepts unchanged, and leaves every doubtful one to zod", () => {
    const accept = fastAcceptOf(flight)!;
    const ok = { date: "2001-01-01T00:01:00.000Z", delay: -3, distance: 215, origin: "ATL", destination: "SAV" };
    expect(accept(ok)).toBe(true);
    expect(accept({ ...ok, distance: 0 })).toBe(false);
    expect(accept({ ...ok, delay: 1.5 })).toBe(false);
    expect(accept({ ...ok, origin: "ATLX" })).toBe(false);
    expect(accept({ ...ok, date: "2001-01-01" })).toBe(false);
    expect(accept({ ...ok, extra: 1 })).toBe(false);
    const { date, ...rest } = ok;
    expect(accept({ ...rest, date })).toBe(false);
  });

  test("has no fast path for schemas with transforms, coercion or refinements", () => {
    expect(fastAcceptOf(z.object({ a: z.string().trim() }))).toBeNull();
    expect(fastAcceptOf(z.object({ a: z.coerce.number() }))).toBeNull();
    expect(fastAcceptOf(z.object({ a: z.number() }).refine(() => true))).toBeNull();
    expect(fastAcceptOf(z.object({ a: z.string().url() }))).toBeNull();
    expect(fastAcceptOf(z.object({ a: z.string().optional() }))).toBeNull();
  });

  test("accepts a record only when zod accepts it and returns an equal object", () => {
    const value = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom("AB", "AB1", "ab", "😀", "\uD800", "2001-01-01T00:00:00Z"),
      fc.double(),
      fc.integer(),
      fc.constantFrom(0.5, -1, 1, 2 ** 31, -(2 ** 31) - 1, Number.NaN, Infinity, null, undefined, true),
      fc.boolean(),
    );
    for (const schema of [flight, mixed]) {
      const keys = Object.keys(schema.shape);
      const accept = fastAcceptOf(schema)!;
      fc.assert(
        fc.property(fc.shuffledSubarray([...keys, "other"]), fc.array(value, { minLength: 6, maxLength: 6 }), (picked, values) => {
          const record: Record<string, unknown> = {};
          picked.forEach((key, i) => (record[key] = values[i]));
          if (!accept(record)) return;
          const parsed = schema.safeParse(record);
          expect(parsed.success).toBe(true);
          expect(Object.keys(parsed.data!)).toEqual(Object.keys(record));
          expect(parsed.data).toEqual(record);
        }),
        { numRuns: 3000 },
      );
      // And it is not vacuous: valid records built in shape order pass.
    }
    expect(fastAcceptOf(mixed)!({ name: "ab", code: "AB1", score: 0.5, small: null, flag: true })).toBe(true);
  });
});
