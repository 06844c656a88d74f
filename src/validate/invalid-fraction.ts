// invalidFraction: the share of records a stage rejected (schema failures
// and unparseable source records). Needs only the counts, so no state.
import { CheckDefinitionError, type CheckOptions, readSeverity } from "./check-options.js";
import { makeResult } from "./check-result.js";
import { formatCount, formatPercent } from "./format.js";
import type { Check } from "./types.js";

/** Options of invalidFraction(). */
export interface InvalidFractionOptions extends CheckOptions {
  /** Largest allowed rowsInvalid ÷ rowsIn, a fraction in [0, 1] (0.01 = 1%). */
  max: number;
}

/** Checks ctx.counts.rowsInvalid ÷ ctx.counts.rowsIn ≤ max; a stage that read nothing has fraction 0. */
export function invalidFraction(options: InvalidFractionOptions): Check<null> {
  const { max } = options;
  const name = options.name ?? `invalid records at most ${formatPercent(max)}`;
  if (typeof max !== "number" || !(max >= 0 && max <= 1)) {
    throw new CheckDefinitionError(name, `max must be a fraction between 0 and 1, not ${String(max)}`);
  }
  const severity = readSeverity(options, name);

  return {
    name,
    severity,
    evaluate(_state, ctx) {
      const { rowsIn, rowsInvalid } = ctx.counts;
      const fraction = rowsIn === 0 ? 0 : rowsInvalid / rowsIn;
      const passed = fraction <= max;
      const wanted = passed ? "" : `, more than the allowed ${formatPercent(max)}`;
      const message = `${name}: ${formatCount(rowsInvalid)} of ${formatCount(rowsIn)} records invalid (${formatPercent(fraction)})${wanted}`;
      return makeResult({ name, severity }, passed, { invalid: rowsInvalid, rows: rowsIn, fraction }, { max }, message);
    },
  };
}
