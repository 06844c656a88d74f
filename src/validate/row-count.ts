// rowCount: how many records a stage wrote, absolutely and compared with the
// last successful run. Needs only the counts, so it keeps no state.
import { type Bounds, boundsExpected, requireBounds, withinBounds } from "./bounds.js";
import { type CheckOptions, CheckDefinitionError, readSeverity } from "./check-options.js";
import { makeResult } from "./check-result.js";
import { formatBounds, formatCount, formatPercent } from "./format.js";
import type { Check, GateContext } from "./types.js";

/** Options of rowCount(); every bound is inclusive and optional. */
export interface RowCountOptions extends CheckOptions {
  /** Fewest rows the stage may write (all shards). */
  min?: number;
  /** Most rows the stage may write (all shards). */
  max?: number;
  /** Bounds on rows written ÷ rows written by the last successful run (1 = same). */
  relativeToLastSuccess?: { minRatio?: number; maxRatio?: number };
}

/** Observed values of rowCount(). */
interface RowCountObserved {
  rows: number;
  lastSuccessRows?: number | null;
  /** Rows ÷ last successful rows; null when that run wrote none. */
  ratio?: number | null;
  note?: string;
}

/** Checks the stage's output row count (ctx.counts.rowsOut), absolutely and/or relative to the last successful run. */
export function rowCount(options: RowCountOptions): Check<null> {
  const absolute: Bounds = { min: options.min, max: options.max };
  const relative = options.relativeToLastSuccess;
  const ratio: Bounds = { min: relative?.minRatio, max: relative?.maxRatio };
  const name = options.name ?? defaultName(absolute, relative ? ratio : undefined);
  requireBounds(absolute, name);
  requireBounds(ratio, name);
  if (options.min === undefined && options.max === undefined && !relative) {
    throw new CheckDefinitionError(name, "set min, max or relativeToLastSuccess");
  }
  const severity = readSeverity(options, name);

  return {
    name,
    severity,
    evaluate(_state, ctx) {
      const rows = ctx.counts.rowsOut;
      const absolutePassed = withinBounds(rows, absolute);
      const parts = [`${formatCount(rows)} rows`];
      if (!absolutePassed) parts[0] += `, expected ${formatBounds(absolute.min, absolute.max, formatCount)}`;
      const observed: RowCountObserved = { rows };
      let relativePassed = true;
      if (relative) {
        const outcome = compareWithLastSuccess(rows, ratio, ctx);
        relativePassed = outcome.passed;
        Object.assign(observed, outcome.observed);
        parts.push(outcome.text);
      }
      const expected = { ...boundsExpected(absolute), ...ratioExpected(ratio) };
      const passed = absolutePassed && relativePassed;
      return makeResult({ name, severity }, passed, observed, expected, `${name}: ${parts.join("; ")}`);
    },
  };
}

/** The relative half of rowCount: passes when there is nothing to compare with. */
function compareWithLastSuccess(
  rows: number,
  bounds: Bounds,
  ctx: GateContext,
): { passed: boolean; observed: RowCountObserved; text: string } {
  if (ctx.lastSuccess === null) {
    const note = "no earlier successful run";
    return { passed: true, observed: { rows, lastSuccessRows: null, ratio: null, note }, text: `${note} to compare with` };
  }
  const last = ctx.lastSuccess.rowsOut;
  const ratio = last === 0 ? (rows === 0 ? 1 : Number.POSITIVE_INFINITY) : rows / last;
  const passed = withinBounds(ratio, bounds);
  const wanted = passed ? "" : `, expected ${formatBounds(bounds.min, bounds.max, formatPercent)}`;
  if (!Number.isFinite(ratio)) {
    const note = "the last successful run wrote 0 rows";
    return { passed, observed: { rows, lastSuccessRows: 0, ratio: null, note }, text: `${note}${wanted}` };
  }
  const text = `${formatPercent(ratio)} of the ${formatCount(last)} rows of the last successful run${wanted}`;
  return { passed, observed: { rows, lastSuccessRows: last, ratio }, text };
}

function ratioExpected(bounds: Bounds): { minRatio?: number; maxRatio?: number } {
  const expected: { minRatio?: number; maxRatio?: number } = {};
  if (bounds.min !== undefined) expected.minRatio = bounds.min;
  if (bounds.max !== undefined) expected.maxRatio = bounds.max;
  return expected;
}

function defaultName(absolute: Bounds, ratio: Bounds | undefined): string {
  const parts: string[] = [];
  if (absolute.min !== undefined || absolute.max !== undefined) {
    parts.push(formatBounds(absolute.min, absolute.max, formatCount));
  }
  if (ratio) {
    parts.push(`${formatBounds(ratio.min, ratio.max, formatPercent)} of the last successful run`);
  }
  return parts.length === 0 ? "row count" : `row count ${parts.join(", ")}`;
}
