import type { Row } from "../pipeline/types.js";

/** Turns records into the text of a dataset part, batch by batch. */
export interface RecordEncoder {
  /**
   * The text for `records`, each ending in "\n" (CSV: the header first, on
   * the part's first non-empty write). `firstRow` is the 0-based index of
   * records[0] in the part, for error messages.
   */
  encode(records: Row[], firstRow: number): string;
  /**
   * Optional: the text of each record without its "\n", for formats
   * whose part is just one line per record (NDJSON). Sinks prefer it: no
   * batch-sized string is built.
   */
  lines?(records: Row[], firstRow: number): string[];
  /** JSON the encoder needs back on resume (CSV: the columns it wrote). */
  state(): Record<string, unknown>;
}

/** A file format a dataset sink can write and a dataset source can read. */
export interface RecordFormat {
  readonly name: "ndjson" | "csv";
  /** File extension of the parts, without the dot. */
  readonly extension: string;
  /**
   * An encoder for one part. `saved` is the committed position (which holds
   * what state() returned) on resume, or null for a fresh part.
   */
  encoder(saved: Record<string, unknown> | null): RecordEncoder;
}
