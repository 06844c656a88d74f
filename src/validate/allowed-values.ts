// allowedValues: every value of a field must be one of a fixed list.
//
// Values compare with SameValueZero (as Set#has does): 1 and "1" differ, and
// objects never match. Null and missing values are skipped: pair with
// notNull(). Disallowed values are counted individually for the 1,000
// smallest distinct ones (by their JSON text); the examples are the 5 most
// frequent of those, so with more than 1,000 distinct disallowed values a
// frequent one can be missing from the examples. The total is always exact.
import { type CheckOptions, CheckDefinitionError, readSeverity, requireField } from "./check-options.js";
import { makeResult } from "./check-result.js";
import { formatCount, formatCountOf } from "./format.js";
import { requireState } from "./missing-state.js";
import type { Check } from "./types.js";
import { EXAMPLE_LIMIT } from "./value-counts.js";
import { exampleText, exampleValue, quoteValue } from "./value-text.js";

/** Folded state of allowedValues(). */
export interface AllowedValuesState {
  /** Non-null values seen. */
  values: number;
  /** Values not in the list. */
  disallowed: number;
  /** Disallowed values by JSON text: every such text not above `ceiling`, with its exact count. */
  counts: Record<string, number>;
  /** Entries in `counts`. */
  tracked: number;
  /** Texts above this are counted in `disallowed` only; null while every text is tracked. */
  ceiling: string | null;
}

/** Distinct disallowed values counted individually (the smallest by text). */
const TRACK_LIMIT = 1_000;

/** Fails when a non-null value of `field` is not one of `values` (compared with SameValueZero). */
export function allowedValues(
  field: string,
  values: readonly unknown[],
  options: CheckOptions = {},
): Check<AllowedValuesState> {
  const name = options.name ?? `${field} in ${describeList(values)}`;
  requireField(field, name);
  if (!Array.isArray(values) || values.length === 0) {
    throw new CheckDefinitionError(name, "list at least one allowed value");
  }
  const severity = readSeverity(options, name);
  const allowed = new Set<unknown>(values);

  return {
    name,
    severity,
    fields: [field],
    initial: () => ({ values: 0, disallowed: 0, counts: {}, tracked: 0, ceiling: null }),
    add(state, records) {
      for (let i = 0; i < records.length; i++) {
        const value = records[i][field];
        if (value === null || value === undefined) continue;
        state.values += 1;
        if (!allowed.has(value)) countDisallowed(state, exampleText(value));
      }
      return state;
    },
    merge: mergeStates,
    evaluate(state, _ctx) {
      const current = requireState(state, name);
      const { values: seen, disallowed } = current;
      const examples = mostFrequent(current).map(([text, count]) => ({ value: exampleValue(text), count }));
      const passed = disallowed === 0;
      const shown = examples.map((e) => `${quoteValue(e.value)} ×${formatCount(e.count)}`).join(", ");
      const message = passed
        ? `${name}: all ${formatCount(seen)} values are allowed`
        : `${name}: ${formatCount(disallowed)} of ${formatCountOf(seen, "value")} ${disallowed === 1 ? "is" : "are"} not allowed (e.g. ${shown})`;
      return makeResult({ name, severity }, passed, { values: seen, disallowed }, { values: [...values] }, message, examples);
    },
  };
}

function countDisallowed(state: AllowedValuesState, text: string): void {
  state.disallowed += 1;
  if (state.ceiling !== null && text > state.ceiling) return;
  if (Object.hasOwn(state.counts, text)) {
    state.counts[text] += 1;
    return;
  }
  state.counts[text] = 1;
  state.tracked += 1;
  if (state.tracked >= 2 * TRACK_LIMIT) keepSmallest(state);
}

/** Drops all but the TRACK_LIMIT smallest texts and lowers the ceiling to the largest kept. */
function keepSmallest(state: AllowedValuesState): void {
  const texts = Object.keys(state.counts).sort();
  if (texts.length <= TRACK_LIMIT) return;
  const kept: Record<string, number> = {};
  for (const text of texts.slice(0, TRACK_LIMIT)) kept[text] = state.counts[text];
  state.counts = kept;
  state.tracked = TRACK_LIMIT;
  state.ceiling = texts[TRACK_LIMIT - 1];
}

function mergeStates(a: AllowedValuesState, b: AllowedValuesState): AllowedValuesState {
  const ceiling = lowerCeiling(a.ceiling, b.ceiling);
  const counts: Record<string, number> = {};
  let tracked = 0;
  for (const side of [a.counts, b.counts]) {
    for (const [text, count] of Object.entries(side)) {
      if (ceiling !== null && text > ceiling) continue;
      if (!Object.hasOwn(counts, text)) tracked += 1;
      counts[text] = (counts[text] ?? 0) + count;
    }
  }
  const merged = { values: a.values + b.values, disallowed: a.disallowed + b.disallowed, counts, tracked, ceiling };
  if (tracked > TRACK_LIMIT) keepSmallest(merged);
  return merged;
}

function lowerCeiling(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

/** The most frequent of the TRACK_LIMIT smallest texts; ties go to the smaller text. */
function mostFrequent(state: AllowedValuesState): Array<[string, number]> {
  const texts = Object.keys(state.counts).sort().slice(0, TRACK_LIMIT);
  const entries = texts.map((text): [string, number] => [text, state.counts[text]]);
  entries.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
  return entries.slice(0, EXAMPLE_LIMIT);
}

/** The list as a name shows it: up to 5 values, then how many more. */
function describeList(values: readonly unknown[]): string {
  if (!Array.isArray(values)) return "[]";
  const shown = values.slice(0, 5).map(quoteValue);
  if (values.length > 5) shown.push(`… ${values.length - 5} more`);
  return `[${shown.join(", ")}]`;
}
