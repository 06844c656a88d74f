// range: every numeric value of a field lies within [min, max].
//
// A value that is not a finite number (a string such as "12", NaN, a
// boolean) is a violation too, counted apart as "not a number": numbers
// read from text must be converted by the stage's schema first. Null and
// missing values are skipped: pair with notNull().
import { type Bounds, boundsExpected, larger, requireBounds, smaller } from "./bounds.js";
import { type CheckOptions, CheckDefinitionError, readSeverity, requireField } from "./check-options.js";
import { makeResult } from "./check-result.js";
import { formatBounds, formatCount, formatCountOf, formatNumber } from "./format.js";
import { requireState } from "./missing-state.js";
import type { Check } from "./types.js";
import {
  EXAMPLE_LIMIT,
  type ValueCounts,
  highestFirst,
  lowestFirst,
  mergeValueCounts,
  offerValue,
  textOrder,
} from "./value-counts.js";
import { exampleText, exampleValue } from "./value-text.js";

/** Options of range(): inclusive bounds, at least one. */
export interface RangeOptions extends CheckOptions, Bounds {}

/** Folded state of range(). */
export interface RangeState {
  /** Finite numbers seen. */
  values: number;
  /** Numbers below min or above max. */
  outside: number;
  /** Non-null values that are not finite numbers. */
  nonNumeric: number;
  /** Smallest and largest number seen; null before any. */
  min: number | null;
  max: number | null;
  /** The most extreme distinct values below min, lowest first, with counts. */
  lowest: ValueCounts<number>;
  /** The most extreme distinct values above max, highest first, with counts. */
  highest: ValueCounts<number>;
  /** The smallest non-numeric values by JSON text, with counts. */
  nonNumericExamples: ValueCounts<string>;
}

/** One example a range report shows. */
interface RangeExample {
  value: unknown;
  count: number;
  note?: "not a number";
}

/** Fails when a value of `field` is outside [min, max] (inclusive) or is not a finite number; examples are the most extreme values. */
export function range(field: string, options: RangeOptions): Check<RangeState> {
  const bounds: Bounds = { min: options.min, max: options.max };
  const name = options.name ?? `${field} ${formatBounds(bounds.min, bounds.max)}`;
  requireField(field, name);
  requireBounds(bounds, name);
  if (bounds.min === undefined && bounds.max === undefined) throw new CheckDefinitionError(name, "set min, max or both");
  const severity = readSeverity(options, name);
  const low = bounds.min ?? Number.NEGATIVE_INFINITY;
  const high = bounds.max ?? Number.POSITIVE_INFINITY;

  return {
    name,
    severity,
    fields: [field],
    initial: () => ({
      values: 0, outside: 0, nonNumeric: 0, min: null, max: null,
      lowest: [], highest: [], nonNumericExamples: [],
    }),
    add(state, records) {
      for (let i = 0; i < records.length; i++) {
        const value = records[i][field];
        if (value === null || value === undefined) continue;
        if (typeof value !== "number" || !Number.isFinite(value)) {
          state.nonNumeric += 1;
          offerValue(state.nonNumericExamples, exampleText(value), textOrder);
          continue;
        }
        state.values += 1;
        if (state.min === null || value < state.min) state.min = value;
        if (state.max === null || value > state.max) state.max = value;
        if (value < low) {
          state.outside += 1;
          offerValue(state.lowest, value, lowestFirst);
        } else if (value > high) {
          state.outside += 1;
          offerValue(state.highest, value, highestFirst);
        }
      }
      return state;
    },
    merge: (a, b) => ({
      values: a.values + b.values,
      outside: a.outside + b.outside,
      nonNumeric: a.nonNumeric + b.nonNumeric,
      min: smaller(a.min, b.min),
      max: larger(a.max, b.max),
      lowest: mergeValueCounts(a.lowest, b.lowest, lowestFirst),
      highest: mergeValueCounts(a.highest, b.highest, highestFirst),
      nonNumericExamples: mergeValueCounts(a.nonNumericExamples, b.nonNumericExamples, textOrder),
    }),
    evaluate(state, _ctx) {
      const s = requireState(state, name);
      const passed = s.outside === 0 && s.nonNumeric === 0;
      const observed = { values: s.values, outside: s.outside, nonNumeric: s.nonNumeric, min: s.min, max: s.max };
      const examples = [...mostExtreme(s, low, high), ...nonNumericExamples(s)];
      return makeResult({ name, severity }, passed, observed, boundsExpected(bounds), `${name}: ${describe(s, passed)}`, examples);
    },
  };
}

/** The message after the name, e.g. "11 of 2,999,994 values outside (min -1116, max 1688)". */
function describe(s: RangeState, passed: boolean): string {
  if (s.values === 0 && s.nonNumeric === 0) return "no values to check";
  const extent = s.values > 0 ? ` (min ${formatNumber(s.min!)}, max ${formatNumber(s.max!)})` : "";
  const counted = passed
    ? `all ${formatCount(s.values)} values inside${extent}`
    : `${formatCount(s.outside)} of ${formatCount(s.values)} values outside${extent}`;
  if (s.nonNumeric === 0) return counted;
  const first = s.nonNumericExamples[0][0];
  const what = s.nonNumeric === 1 ? "is not a number" : "are not numbers";
  return `${counted}; ${formatCountOf(s.nonNumeric, "value")} ${what} (e.g. ${first})`;
}

/** Up to 5 values farthest outside the bounds, farthest first. */
function mostExtreme(s: RangeState, low: number, high: number): RangeExample[] {
  const candidates = [
    ...s.lowest.map(([value, count]) => ({ value, count, distance: low - value })),
    ...s.highest.map(([value, count]) => ({ value, count, distance: value - high })),
  ];
  candidates.sort((x, y) => y.distance - x.distance || x.value - y.value);
  return candidates.slice(0, EXAMPLE_LIMIT).map(({ value, count }) => ({ value, count }));
}

function nonNumericExamples(s: RangeState): RangeExample[] {
  return s.nonNumericExamples.map(([text, count]) => ({ value: exampleValue(text), count, note: "not a number" as const }));
}

