import type { Row } from "../pipeline/types.js";
import { stringifyRecord } from "./ndjson-format.js";
import type { RecordEncoder, RecordFormat } from "./record-format.js";

/**
 * CSV parts (RFC 4180): a header line, then one line per record; "\n" line
 * ends; a field is quoted when it holds a comma, a quote or a line break.
 * Columns come from `columns` or else from the first record's keys. A
 * missing field is written empty; a field that is not a column is an error
 * rather than silently dropped. A part with no records is an empty file.
 */
export function csvFormat(columns?: string[]): RecordFormat {
  return {
    name: "csv",
    extension: "csv",
    encoder: (saved) => new CsvEncoder(columns, (saved?.columns as string[] | undefined) ?? null),
  };
}

class CsvEncoder implements RecordEncoder {
  private known: Set<string> | null = null;

  constructor(
    private readonly option: string[] | undefined,
    /** The columns of the header already written, or null before it. */
    private columns: string[] | null,
  ) {}

  encode(records: Row[], firstRow: number): string {
    if (records.length === 0) return "";
    let text = "";
    if (this.columns === null) {
      this.columns = this.option ?? Object.keys(records[0]);
      text += this.columns.map(quoteCsvField).join(",") + "\n";
    }
    const columns = this.columns;
    records.forEach((record, i) => {
      this.checkFields(record, firstRow + i);
      text += columns.map((name) => quoteCsvField(csvText(record[name]))).join(",") + "\n";
    });
    return text;
  }

  state(): Record<string, unknown> {
    return this.columns === null ? {} : { columns: this.columns };
  }

  private checkFields(record: Row, row: number): void {
    this.known ??= new Set(this.columns);
    for (const key in record) {
      if (!this.known.has(key)) {
        throw new Error(
          `csvDataset: record ${row} of this part has field "${key}", which is not a column (${this.columns!.join(", ")}); pass columns: [...] to csvDataset() listing every field`,
        );
      }
    }
  }
}

/** The text of a value in a CSV field; null and undefined are empty. */
export function csvText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return stringifyRecord(value as Row);
  return String(value);
}

/** Quotes a CSV field when RFC 4180 requires it (comma, quote, CR, LF). */
export function quoteCsvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
