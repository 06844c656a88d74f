// How numbers, dates and bounds appear in check names and messages.

/** A whole count with thousands separators: 2999994 → "2,999,994". */
export function formatCount(count: number): string {
  if (!Number.isSafeInteger(count)) return String(count);
  const sign = count < 0 ? "-" : "";
  const digits = String(Math.abs(count));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A measured value as written in code, at most 6 significant digits: -1116, 12.3457. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

/** A fraction as a percentage with up to 3 significant digits: 0.00041 → "0.041%". */
export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}

/**
 * An instant (epoch ms, UTC) as short ISO text: "2001-07-01" at midnight,
 * else "2001-07-01T12:30Z" or with seconds/milliseconds when they are set.
 */
export function formatInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  if (iso.endsWith("T00:00:00.000Z")) return iso.slice(0, 10);
  if (iso.endsWith(":00.000Z")) return `${iso.slice(0, 16)}Z`;
  if (iso.endsWith(".000Z")) return `${iso.slice(0, 19)}Z`;
  return iso;
}

/**
 * Describes a closed interval: "within [-120, 1440]", "at least 1",
 * "at most 0.5"; "any value" when neither end is set.
 */
export function formatBounds(
  min: number | undefined,
  max: number | undefined,
  format: (value: number) => string = formatNumber,
): string {
  if (min !== undefined && max !== undefined) {
    return `within [${format(min)}, ${format(max)}]`;
  }
  if (min !== undefined) return `at least ${format(min)}`;
  if (max !== undefined) return `at most ${format(max)}`;
  return "any value";
}

/** A count with its noun, singular for 1: "1 value", "2,000 values". */
export function formatCountOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : plural}`;
}

/** The note for skipped non-numeric values: "1 value is not a number and was skipped". */
export function describeSkipped(count: number): string {
  const what = count === 1 ? "is not a number and was skipped" : "are not numbers and were skipped";
  return `${formatCountOf(count, "value")} ${what}`;
}
