// notNull: counts records whose field is null, missing (undefined) or the
// empty string "". Whitespace-only strings, 0, false and NaN are values.
import { type CheckOptions, readSeverity, requireField } from "./check-options.js";
import { makeResult } from "./check-result.js";
import { formatCount, formatCountOf } from "./format.js";
import { requireState } from "./missing-state.js";
import type { Check } from "./types.js";

/** Folded state of notNull(): records seen and how many had no value. */
export interface NotNullState {
  rows: number;
  nulls: number;
}

/** Fails when any record has `field` null, missing or "" (count only; row positions are not known to checks). */
export function notNull(field: string, options: CheckOptions = {}): Check<NotNullState> {
  const name = options.name ?? `${field} not null`;
  requireField(field, name);
  const severity = readSeverity(options, name);

  return {
    name,
    severity,
    fields: [field],
    initial: () => ({ rows: 0, nulls: 0 }),
    add(state, records) {
      let nulls = 0;
      for (let i = 0; i < records.length; i++) {
        const value = records[i][field];
        if (value === null || value === undefined || value === "") nulls += 1;
      }
      state.rows += records.length;
      state.nulls += nulls;
      return state;
    },
    merge: (a, b) => ({ rows: a.rows + b.rows, nulls: a.nulls + b.nulls }),
    evaluate(state, _ctx) {
      const { rows, nulls } = requireState(state, name);
      const passed = nulls === 0;
      const detail = passed
        ? `none of ${formatCountOf(rows, "row")} is null, missing or empty`
        : `${formatCount(nulls)} of ${formatCountOf(rows, "row")} ${nulls === 1 ? "is" : "are"} null, missing or empty`;
      return makeResult({ name, severity }, passed, { rows, nulls }, { nulls: 0 }, `${name}: ${detail}`);
    },
  };
}
