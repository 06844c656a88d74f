// quantile: a quantile (p50, p99, …) of a numeric field lies within
// [min, max]. Exact for fewer than 8,192 values, a t-digest estimate above
// (see quantile-digest.ts for the error). Values that are not finite
// numbers are skipped and counted as `nonNumeric`; null and missing too.
import { type Bounds, boundsExpected, requireBounds, withinBounds } from "./bounds.js";
import { type CheckOptions, CheckDefinitionError, readSeverity, requireField } from "./check-options.js";
import { makeResult } from "./check-result.js";
import { describeSkipped, formatBounds, formatCount, formatNumber } from "./format.js";
import { requireState } from "./missing-state.js";
import { type DigestState, addToDigest, digestQuantile, digestSize, emptyDigest, mergeDigests } from "./quantile-digest.js";
import type { Check } from "./types.js";

/** Options of quantile(): inclusive bounds on the quantile, at least one. */
export interface QuantileOptions extends CheckOptions, Bounds {}

/** Folded state of quantile(). */
export interface QuantileState {
  digest: DigestState;
  nonNumeric: number;
}

/** Fails when the q-quantile (0 ≤ q ≤ 1, e.g. 0.99) of `field` is outside [min, max], or there are no numbers; approximate above 8,192 values. */
export function quantile(field: string, q: number, options: QuantileOptions): Check<QuantileState> {
  const bounds: Bounds = { min: options.min, max: options.max };
  const label = `p${formatNumber(q * 100)}`;
  const name = options.name ?? `${field} ${label} ${formatBounds(bounds.min, bounds.max)}`;
  requireField(field, name);
  requireBounds(bounds, name);
  if (typeof q !== "number" || !(q >= 0 && q <= 1)) throw new CheckDefinitionError(name, `q must be between 0 and 1, not ${String(q)}`);
  if (bounds.min === undefined && bounds.max === undefined) throw new CheckDefinitionError(name, "set min, max or both");
  const severity = readSeverity(options, name);
  const expected = { q, ...boundsExpected(bounds) };

  return {
    name,
    severity,
    fields: [field],
    initial: () => ({ digest: emptyDigest(), nonNumeric: 0 }),
    add(state, records) {
      for (let i = 0; i < records.length; i++) {
        const value = records[i][field];
        if (value === null || value === undefined) continue;
        if (typeof value === "number" && Number.isFinite(value)) addToDigest(state.digest, value);
        else state.nonNumeric += 1;
      }
      return state;
    },
    merge: (a, b) => ({ digest: mergeDigests(a.digest, b.digest), nonNumeric: a.nonNumeric + b.nonNumeric }),
    evaluate(state, _ctx) {
      const s = requireState(state, name);
      const values = digestSize(s.digest);
      const skipped = s.nonNumeric > 0 ? `; ${describeSkipped(s.nonNumeric)}` : "";
      const { value, exact } = digestQuantile(s.digest, q);
      const observed = { quantile: value, values, approximate: !exact, nonNumeric: s.nonNumeric };
      if (value === null) {
        return makeResult({ name, severity }, false, observed, expected, `${name}: no numeric values${skipped}`);
      }
      const passed = withinBounds(value, bounds);
      const how = exact ? "exact" : "t-digest estimate";
      const wanted = passed ? "" : `, expected ${formatBounds(bounds.min, bounds.max)}`;
      const message = `${name}: ${label} is ${formatNumber(value)} over ${formatCount(values)} values (${how})${wanted}${skipped}`;
      return makeResult({ name, severity }, passed, observed, expected, message);
    },
  };
}
