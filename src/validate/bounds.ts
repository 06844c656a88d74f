// Closed numeric intervals [min, max] with either end optional, as range,
// mean and quantile checks use them.
import { CheckDefinitionError } from "./check-options.js";

/** Inclusive bounds; an end left out is open. */
export interface Bounds {
  min?: number;
  max?: number;
}

/** Rejects bounds that are not finite numbers or where min > max. */
export function requireBounds(
  bounds: Bounds,
  name: string,
): void {
  for (const key of ["min", "max"] as const) {
    const value = bounds[key];
    if (value !== undefined && !Number.isFinite(value)) {
      throw new CheckDefinitionError(name, `${key} must be a finite number, not ${String(value)}`);
    }
  }
  if (bounds.min !== undefined && bounds.max !== undefined && bounds.min > bounds.max) {
    throw new CheckDefinitionError(name, `min ${bounds.min} is greater than max ${bounds.max}`);
  }
}

/** The expected bounds as a report shows them: only the ends that are set. */
export function boundsExpected(bounds: Bounds): Bounds {
  const expected: Bounds = {};
  if (bounds.min !== undefined) expected.min = bounds.min;
  if (bounds.max !== undefined) expected.max = bounds.max;
  return expected;
}

/** True when `value` lies within the closed interval [min, max] (open ends allowed). */
export function withinBounds(value: number, bounds: Bounds): boolean {
  if (bounds.min !== undefined && value < bounds.min) return false;
  if (bounds.max !== undefined && value > bounds.max) return false;
  return true;
}

/** The smaller of two optional numbers (null means "none seen yet"). */
export function smaller(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** The larger of two optional numbers (null means "none seen yet"). */
export function larger(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
