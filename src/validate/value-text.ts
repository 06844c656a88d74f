// Turning field values into text: keys for uniqueness, and examples that
// survive a JSON round trip and read back as the value they stand for.

/**
 * A value as key text for `unique`: strings as they are, numbers, booleans
 * and bigints by String(), dates as ISO, anything else as JSON. So 1 and "1"
 * are the same key (keys compare as text).
 */
export function keyText(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    default:
      if (value instanceof Date) return value.toISOString();
      return jsonText(value);
  }
}

/**
 * A value as JSON text that exampleValue() reads back; values JSON cannot
 * hold (NaN, Infinity, bigint) become their String() form.
 */
export function exampleText(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "bigint") return String(value);
  return jsonText(value);
}

/** Reads back a text made by exampleText(); text that is not JSON stays text. */
export function exampleValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A value as it appears in a message: strings quoted, numbers plain. */
export function quoteValue(value: unknown): string {
  if (typeof value === "number") return String(value);
  return exampleText(value);
}

function jsonText(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "bigint" ? String(v) : v,
  );
  return text ?? String(value);
}
