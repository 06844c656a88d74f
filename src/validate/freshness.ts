// freshness: a date/time field is recent enough and/or inside a window.
//
// Values are ISO text, epoch milliseconds or Dates (see instant.ts); a value
// that is none of these counts as a violation ("not a date"). Null and
// missing values are skipped: pair with notNull(). Times are compared in
// milliseconds, UTC.
import { larger, smaller } from "./bounds.js";
import { type CheckOptions, CheckDefinitionError, readSeverity, requireField } from "./check-options.js";
import { makeResult } from "./check-result.js";
import { formatCount, formatCountOf, formatInstant, formatNumber } from "./format.js";
import { readInstant } from "./instant.js";
import { requireState } from "./missing-state.js";
import type { Check, GateContext } from "./types.js";
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

/** A date/time option: a Date, epoch ms, or ISO text (UTC when it has no offset). */
export type InstantInput = Date | number | string;

/** Options of freshness(); set at least one of them. */
export interface FreshnessOptions extends CheckOptions {
  /** The newest value may be at most this many hours older than ctx.now. */
  maxAgeHours?: number;
  /** No value may be after this instant (inclusive bound). */
  notAfter?: InstantInput;
  /** No value may be before this instant (inclusive bound). */
  notBefore?: InstantInput;
  /** Every value must lie in [from, to): `from` inclusive, `to` exclusive. */
  window?: { from: InstantInput; to: InstantInput };
}

/** Folded state of freshness(); instants are epoch ms. */
export interface FreshnessState {
  /** Values read as instants. */
  values: number;
  /** Non-null values that are not dates. */
  unreadable: number;
  oldest: number | null;
  newest: number | null;
  /** Values before the lower bound (notBefore, window.from). */
  early: number;
  /** Values after the upper bound (notAfter, or at/after window.to). */
  late: number;
  /** The earliest distinct early values, earliest first, with counts. */
  earliest: ValueCounts<number>;
  /** The latest distinct late values, latest first, with counts. */
  latest: ValueCounts<number>;
  /** The smallest unreadable values by JSON text, with counts. */
  unreadableExamples: ValueCounts<string>;
}

/** The bounds in epoch ms, open ends as ±Infinity. */
interface Limits {
  /** Earliest allowed instant (inclusive). */
  from: number;
  /** First instant that is too late (window.to). */
  toExclusive: number;
  /** Latest allowed instant (notAfter, inclusive). */
  toInclusive: number;
  maxAgeHours?: number;
}

/** Fails when the newest value of `field` is older than maxAgeHours before ctx.now, or values fall outside notBefore/notAfter/window. */
export function freshness(field: string, options: FreshnessOptions): Check<FreshnessState> {
  const provisional = options.name ?? `${field} freshness`;
  const limits = readLimits(options, provisional);
  const name = options.name ?? `${field} ${describeLimits(options, limits)}`;
  requireField(field, name);
  const severity = readSeverity(options, name);
  const hasBounds = options.notAfter !== undefined || options.notBefore !== undefined || options.window !== undefined;

  return {
    name,
    severity,
    fields: [field],
    initial: () => ({
      values: 0, unreadable: 0, oldest: null, newest: null, early: 0, late: 0,
      earliest: [], latest: [], unreadableExamples: [],
    }),
    add(state, records) {
      // Sorted data repeats timestamps; reuse the last parse when the value repeats.
      let previous: unknown;
      let previousAt = Number.NaN;
      for (let i = 0; i < records.length; i++) {
        const value = records[i][field];
        if (value === null || value === undefined) continue;
        const at = value === previous ? previousAt : readInstant(value);
        previous = value;
        previousAt = at;
        if (Number.isNaN(at)) {
          state.unreadable += 1;
          offerValue(state.unreadableExamples, exampleText(value), textOrder);
          continue;
        }
        state.values += 1;
        if (state.oldest === null || at < state.oldest) state.oldest = at;
        if (state.newest === null || at > state.newest) state.newest = at;
        if (at < limits.from) {
          state.early += 1;
          offerValue(state.earliest, at, lowestFirst);
        } else if (at >= limits.toExclusive || at > limits.toInclusive) {
          state.late += 1;
          offerValue(state.latest, at, highestFirst);
        }
      }
      return state;
    },
    merge: (a, b) => ({
      values: a.values + b.values,
      unreadable: a.unreadable + b.unreadable,
      oldest: smaller(a.oldest, b.oldest),
      newest: larger(a.newest, b.newest),
      early: a.early + b.early,
      late: a.late + b.late,
      earliest: mergeValueCounts(a.earliest, b.earliest, lowestFirst),
      latest: mergeValueCounts(a.latest, b.latest, highestFirst),
      unreadableExamples: mergeValueCounts(a.unreadableExamples, b.unreadableExamples, textOrder),
    }),
    evaluate(state, ctx) {
      const s = requireState(state, name);
      const verdict = judge(s, limits, hasBounds, ctx);
      const observed = {
        values: s.values,
        outside: s.early + s.late,
        unreadable: s.unreadable,
        oldest: s.oldest === null ? null : new Date(s.oldest).toISOString(),
        newest: s.newest === null ? null : new Date(s.newest).toISOString(),
        ...(verdict.ageHours === undefined ? {} : { newestAgeHours: verdict.ageHours }),
      };
      const examples = [...mostExtreme(s, limits), ...unreadableExamples(s)];
      return makeResult({ name, severity }, verdict.passed, observed, expectedOf(options), `${name}: ${verdict.parts.join("; ")}`, examples);
    },
  };
}

/** Judges each configured condition and describes it in one message part. */
function judge(
  s: FreshnessState,
  limits: Limits,
  hasBounds: boolean,
  ctx: GateContext,
): { passed: boolean; parts: string[]; ageHours?: number | null } {
  const parts: string[] = [];
  let passed = s.unreadable === 0;
  let ageHours: number | null | undefined;
  if (hasBounds && s.values > 0) {
    const outside = s.early + s.late;
    const extent = `(oldest ${formatInstant(s.oldest!)}, newest ${formatInstant(s.newest!)})`;
    parts.push(outside === 0 ? `all ${formatCount(s.values)} values inside ${extent}` : `${formatCount(outside)} of ${formatCount(s.values)} values outside ${extent}`);
    passed &&= outside === 0;
  }
  if (limits.maxAgeHours !== undefined) {
    if (s.newest === null) {
      ageHours = null;
      passed = false;
      parts.push("no dates to judge freshness by");
    } else {
      ageHours = (ctx.now.getTime() - s.newest) / 3_600_000;
      const fresh = ageHours <= limits.maxAgeHours;
      passed &&= fresh;
      const wanted = fresh ? "" : `, expected at most ${formatNumber(limits.maxAgeHours)}`;
      parts.push(`newest ${formatInstant(s.newest)} is ${formatNumber(ageHours)} hours old${wanted}`);
    }
  }
  if (s.unreadable > 0) {
    const what = s.unreadable === 1 ? "is not a date" : "are not dates";
    parts.push(`${formatCountOf(s.unreadable, "value")} ${what} (e.g. ${s.unreadableExamples[0][0]})`);
  }
  if (parts.length === 0) parts.push("no values to check");
  return { passed, parts, ageHours };
}

/** Up to 5 values farthest outside the bounds, farthest first, as ISO text. */
function mostExtreme(s: FreshnessState, limits: Limits): Array<{ value: string; count: number }> {
  const upper = Math.min(limits.toExclusive, limits.toInclusive);
  const candidates = [
    ...s.earliest.map(([at, count]) => ({ at, count, distance: limits.from - at })),
    ...s.latest.map(([at, count]) => ({ at, count, distance: at - upper })),
  ];
  candidates.sort((x, y) => y.distance - x.distance || x.at - y.at);
  return candidates.slice(0, EXAMPLE_LIMIT).map(({ at, count }) => ({ value: new Date(at).toISOString(), count }));
}

function unreadableExamples(s: FreshnessState): Array<{ value: unknown; count: number; note: string }> {
  return s.unreadableExamples.map(([text, count]) => ({ value: exampleValue(text), count, note: "not a date" }));
}

/** Reads and checks the options into epoch-ms limits. */
function readLimits(options: FreshnessOptions, name: string): Limits {
  const { maxAgeHours, notAfter, notBefore, window } = options;
  if (maxAgeHours === undefined && notAfter === undefined && notBefore === undefined && window === undefined) {
    throw new CheckDefinitionError(name, "set maxAgeHours, notAfter, notBefore or window");
  }
  if (maxAgeHours !== undefined && !(Number.isFinite(maxAgeHours) && maxAgeHours >= 0)) {
    throw new CheckDefinitionError(name, `maxAgeHours must be a number of hours ≥ 0, not ${String(maxAgeHours)}`);
  }
  const from = Math.max(optionInstant(notBefore, "notBefore", name), optionInstant(window?.from, "window.from", name));
  const toExclusive = optionInstant(window?.to, "window.to", name, Number.POSITIVE_INFINITY);
  const toInclusive = optionInstant(notAfter, "notAfter", name, Number.POSITIVE_INFINITY);
  if (window && !(readInstant(window.from) < readInstant(window.to))) {
    throw new CheckDefinitionError(name, "window.from must be before window.to");
  }
  return { from, toExclusive, toInclusive, maxAgeHours };
}

function optionInstant(
  value: InstantInput | undefined,
  option: string,
  name: string,
  unset = Number.NEGATIVE_INFINITY,
): number {
  if (value === undefined) return unset;
  const at = readInstant(value);
  if (Number.isNaN(at)) throw new CheckDefinitionError(name, `${option} is not a date: ${JSON.stringify(value)}`);
  return at;
}

/** The default name's conditions, e.g. "within [2001-01-01, 2001-07-01)". */
function describeLimits(options: FreshnessOptions, limits: Limits): string {
  const parts: string[] = [];
  if (options.maxAgeHours !== undefined) parts.push(`at most ${formatNumber(options.maxAgeHours)} hours old`);
  if (options.window) {
    parts.push(`within [${formatInstant(readInstant(options.window.from))}, ${formatInstant(readInstant(options.window.to))})`);
  }
  if (options.notBefore !== undefined) parts.push(`not before ${formatInstant(readInstant(options.notBefore))}`);
  if (options.notAfter !== undefined) parts.push(`not after ${formatInstant(limits.toInclusive)}`);
  return parts.join(", ");
}

function expectedOf(options: FreshnessOptions): Record<string, unknown> {
  const iso = (value: InstantInput) => new Date(readInstant(value)).toISOString();
  const expected: Record<string, unknown> = {};
  if (options.maxAgeHours !== undefined) expected.maxAgeHours = options.maxAgeHours;
  if (options.notBefore !== undefined) expected.notBefore = iso(options.notBefore);
  if (options.notAfter !== undefined) expected.notAfter = iso(options.notAfter);
  if (options.window) expected.window = { from: iso(options.window.from), to: iso(options.window.to) };
  return expected;
}
