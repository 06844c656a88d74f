import { IoError } from "./io-error.js";

/**
 * Checks CSV column names: a duplicated name would make one column silently
 * overwrite another in every record, so it is an error.
 */
export function checkCsvColumns(columns: string[], file: string): string[] {
  const seen = new Map<string, number>();
  columns.forEach((name, index) => {
    const first = seen.get(name);
    if (first !== undefined) {
      throw new IoError(
        `csv ${file}: duplicate column "${name}" in the header (columns ${first + 1} and ${index + 1}); rename one of them, or pass columns: [...] to name the columns yourself`,
        file,
      );
    }
    seen.set(name, index);
  });
  return columns;
}

/** Builds a record from a header and a row of fields of the same length. */
export function zipRecord(columns: string[], fields: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i < columns.length; i++) {
    // defineProperty, so a column named "__proto__" stays a plain field.
    if (columns[i] === "__proto__") {
      Object.defineProperty(record, "__proto__", { value: fields[i], enumerable: true, writable: true, configurable: true });
    } else {
      record[columns[i]] = fields[i];
    }
  }
  return record;
}
