import type { Row } from "../pipeline/types.js";

/** A parsed NDJSON line: a record, or why the line is not one. */
export type JsonLineResult = { record: Row } | { reason: string };

/** Parses one NDJSON line; only a JSON object counts as a record. */
export function parseJsonRecord(text: string): JsonLineResult {
  let value: unknown;
  try {
    // A UTF-8 BOM can only open line 1; JSON.parse would refuse it.
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return { reason: `invalid JSON (${(error as Error).message})` };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { reason: `not a JSON object (got ${describeJsonType(value)})` };
  }
  return { record: value as Row };
}

function describeJsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

/** Shortens raw text kept in a reject to at most 1,000 characters. */
export function shortenRaw(text: string): string {
  return text.length <= 1000 ? text : text.slice(0, 999) + "…";
}
