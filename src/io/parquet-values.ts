import type { Row } from "../pipeline/types.js";

/**
 * Makes a decoded Parquet value JSON-safe, so a record reads the same after
 * an NDJSON round-trip: BigInt becomes a number when it is a safe integer
 * and a decimal string otherwise; a Date becomes its ISO-8601 string;
 * bytes become base64; lists and structs are converted inside.
 */
export function toJsonSafe(value: unknown): unknown {
  switch (typeof value) {
    case "bigint":
      return bigintToJson(value);
    case "object":
      if (value === null) return null;
      if (value instanceof Date) return value.toISOString();
      if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
      if (Array.isArray(value)) return value.map(toJsonSafe);
      return convertRow(value as Row);
    default:
      return value;
  }
}

/** Converts every value of a row in place and returns it. */
export function convertRow(row: Row): Row {
  for (const key in row) {
    const value = row[key];
    // Fast path: strings, numbers, booleans and null need nothing.
    if (typeof value === "bigint" || (typeof value === "object" && value !== null)) {
      row[key] = toJsonSafe(value);
    }
  }
  return row;
}

function bigintToJson(value: bigint): number | string {
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : value.toString();
}
