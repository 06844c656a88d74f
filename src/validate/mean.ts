// mean: the average of a numeric field lies within [min, max].
//
// The sum is compensated (Neumaier), so a different split into shards and
// batches changes the mean by at most a few units in the last place. Values
// that are not finite numbers are skipped and counted in the observed
// `nonNumeric`; use range() to fail on them. Null and missing are skipped.
import { type Bounds, boundsExpected, requireBounds, withinBounds } from "./bounds.js";
import { type CheckOptions, CheckDefinitionError, readSeverity, requireField } from "./check-options.js";
import { makeResult } from "./check-result.js";
import { describeSkipped, formatBounds, formatCount, formatNumber } from "./format.js";
import { requireState } from "./missing-state.js";
import type { Check } from "./types.js";

/** Options of mean(): inclusive bounds on the mean, at least one. */
export interface MeanOptions extends CheckOptions, Bounds {}

/** Folded state of mean(): a compensated sum of the finite numbers seen. */
export interface MeanState {
  values: number;
  sum: number;
  /** Rounding error of `sum`, added back at the end (Neumaier summation). */
  compensation: number;
  nonNumeric: number;
}

/** Fails when the mean of the finite numbers in `field` is outside [min, max] (inclusive), or there are none. */
export function mean(field: string, options: MeanOptions): Check<MeanState> {
  const bounds: Bounds = { min: options.min, max: options.max };
  const name = options.name ?? `${field} mean ${formatBounds(bounds.min, bounds.max)}`;
  requireField(field, name);
  requireBounds(bounds, name);
  if (bounds.min === undefined && bounds.max === undefined) throw new CheckDefinitionError(name, "set min, max or both");
  const severity = readSeverity(options, name);

  return {
    name,
    severity,
    fields: [field],
    initial: () => ({ values: 0, sum: 0, compensation: 0, nonNumeric: 0 }),
    add(state, records) {
      let { values, sum, compensation, nonNumeric } = state;
      for (let i = 0; i < records.length; i++) {
        const value = records[i][field];
        if (value === null || value === undefined) continue;
        if (typeof value !== "number" || !Number.isFinite(value)) {
          nonNumeric += 1;
          continue;
        }
        const total = sum + value;
        compensation += Math.abs(sum) >= Math.abs(value) ? sum - total + value : value - total + sum;
        sum = total;
        values += 1;
      }
      return Object.assign(state, { values, sum, compensation, nonNumeric });
    },
    merge(a, b) {
      const sum = a.sum + b.sum;
      const error = Math.abs(a.sum) >= Math.abs(b.sum) ? a.sum - sum + b.sum : b.sum - sum + a.sum;
      return {
        values: a.values + b.values,
        sum,
        compensation: a.compensation + b.compensation + error,
        nonNumeric: a.nonNumeric + b.nonNumeric,
      };
    },
    evaluate(state, _ctx) {
      const s = requireState(state, name);
      const skipped = s.nonNumeric > 0 ? `; ${describeSkipped(s.nonNumeric)}` : "";
      if (s.values === 0) {
        const observed = { mean: null, values: 0, nonNumeric: s.nonNumeric };
        return makeResult({ name, severity }, false, observed, boundsExpected(bounds), `${name}: no numeric values to average${skipped}`);
      }
      const average = (s.sum + s.compensation) / s.values;
      const passed = withinBounds(average, bounds);
      const wanted = passed ? "" : `, expected ${formatBounds(bounds.min, bounds.max)}`;
      const message = `${name}: mean ${formatNumber(average)} over ${formatCount(s.values)} values${wanted}${skipped}`;
      const observed = { mean: average, values: s.values, nonNumeric: s.nonNumeric };
      return makeResult({ name, severity }, passed, observed, boundsExpected(bounds), message);
    },
  };
}
