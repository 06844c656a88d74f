// Reading date/time values as instants (epoch milliseconds, UTC).

/**
 * Epoch ms of a date/time value, or NaN when it is not one. Accepts a Date,
 * a finite number (epoch ms), or text Date.parse reads; ISO date-times
 * without an offset ("2001-07-01T00:00") are read as UTC, not local time.
 */
export function readInstant(value: unknown): number {
  if (typeof value === "string") return Date.parse(hasTimeWithoutOffset(value) ? `${value}Z` : value);
  if (typeof value === "number") return Number.isFinite(value) ? value : Number.NaN;
  if (value instanceof Date) return value.getTime();
  return Number.NaN;
}

/** "2001-07-01T00:00" or "2001-07-01 00:00:00" with no Z or ±hh:mm after the time. */
function hasTimeWithoutOffset(text: string): boolean {
  if (text.length <= 10 || (text[10] !== "T" && text[10] !== " ")) return false;
  for (let i = 11; i < text.length; i++) {
    const c = text[i];
    if (c === "Z" || c === "z" || c === "+" || c === "-") return false;
  }
  return true;
}
