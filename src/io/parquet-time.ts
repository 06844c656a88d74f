import type { ParquetParsers } from "hyparquet";

/**
 * hyparquet parsers that turn TIMESTAMP values into ISO-8601 strings
 * ("2001-01-01T00:01:00.000Z", millisecond precision) and DATE values into
 * "2001-01-01", without building Date objects. Each remembers its last
 * answer: timestamps in real files repeat and arrive sorted, and
 * toISOString is the most expensive step of reading such a file.
 */
export function isoTimeParsers(): Partial<ParquetParsers> {
  return {
    timestampFromMilliseconds: memoLast((millis: bigint) => isoTimestamp(Number(millis), millis)),
    timestampFromMicroseconds: memoLast((micros: bigint) => isoTimestamp(Number(micros / 1000n), micros)),
    timestampFromNanoseconds: memoLast((nanos: bigint) => isoTimestamp(Number(nanos / 1000000n), nanos)),
    dateFromDays: memoLast((days: number) => isoTimestamp(days * 86_400_000, days).slice(0, 10)),
  };
}

/** ISO string of a time in ms since the epoch; the raw value if out of range. */
function isoTimestamp(millis: number, raw: bigint | number): string {
  const date = new Date(millis);
  return Number.isNaN(date.getTime()) ? String(raw) : date.toISOString();
}

function memoLast<T>(convert: (value: T) => string): (value: T) => string {
  let lastValue: T | undefined;
  let lastResult = "";
  return (value) => {
    if (value !== lastValue || lastResult === "") {
      lastValue = value;
      lastResult = convert(value);
    }
    return lastResult;
  };
}
