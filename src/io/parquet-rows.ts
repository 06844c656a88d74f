import { parquetRead, type ParquetParsers } from "hyparquet";
import { compressors } from "hyparquet-compressors";

import type { Row } from "../pipeline/types.js";
import { notReadable, type ParquetFile } from "./parquet-file.js";
import { toJsonSafe } from "./parquet-values.js";

/** The decoded values of one column over a range of rows. */
interface ColumnValues {
  name: string;
  /** Value of file row r is values[r - base]. */
  values: ArrayLike<unknown>;
  base: number;
}

/** What to decode: top-level columns in file order, and value parsers. */
export interface Decoding {
  /** Columns to read (hyparquet's option); undefined for all. */
  columns: string[] | undefined;
  /** The columns a row holds, in file order. */
  names: string[];
  parsers: Partial<ParquetParsers>;
}

/**
 * Rows [start, end) of one row group (whole-file numbering), decoded once
 * and kept as columns. Records are built from them batch by batch, so the
 * objects of a batch die young instead of a row group's worth of objects
 * living until its last batch is written.
 */
export class DecodedRows {
  private constructor(
    private readonly columns: ColumnValues[],
    readonly start: number,
    readonly end: number,
  ) {}

  /** Decodes the columns of rows [start, end), which lie in row group `group`. */
  static async decode(file: ParquetFile, decoding: Decoding, start: number, end: number, group: number): Promise<DecodedRows> {
    const chunks = new Map<string, Array<{ start: number; values: ArrayLike<unknown> }>>();
    for (const name of decoding.names) chunks.set(name, []);
    try {
      await parquetRead({
        file: file.buffer,
        metadata: file.metadata,
        columns: decoding.columns,
        parsers: decoding.parsers,
        rowStart: start,
        rowEnd: end,
        compressors,
        onChunk: ({ columnName, columnData, rowStart }) => {
          chunks.get(columnName)?.push({ start: rowStart, values: columnData });
        },
      });
    } catch (error) {
      throw notReadable(file.path, error, `, row group ${group}`);
    }
    const columns = decoding.names.map((name) => joinChunks(name, chunks.get(name)!, start));
    const short = columns.find((column) => column.base > start || column.base + column.values.length < end);
    if (short) {
      throw notReadable(file.path, new Error(`column ${short.name} decoded fewer rows than the row group holds`), `, row group ${group}`);
    }
    return new DecodedRows(columns, start, end);
  }

  /** Records of rows [from, to), with JSON-safe values (see parquet()). */
  records(from: number, to: number): Row[] {
    const { columns } = this;
    const rows: Row[] = new Array(to - from);
    for (let r = from; r < to; r++) {
      const row: Row = {};
      for (let c = 0; c < columns.length; c++) {
        const column = columns[c];
        const value = column.values[r - column.base];
        // Strings, numbers, booleans and null need nothing.
        row[column.name] = typeof value === "bigint" || (typeof value === "object" && value !== null) ? toJsonSafe(value) : value;
      }
      rows[r - from] = row;
    }
    return rows;
  }
}

/** One array for a column's chunks; typed arrays stay typed (no boxing). */
function joinChunks(name: string, chunks: Array<{ start: number; values: ArrayLike<unknown> }>, start: number): ColumnValues {
  if (chunks.length === 0) return { name, values: [], base: start };
  chunks.sort((a, b) => a.start - b.start);
  if (chunks.length === 1) return { name, values: chunks[0].values, base: chunks[0].start };

  const base = chunks[0].start;
  const length = chunks.reduce((sum, chunk) => sum + chunk.values.length, 0);
  const first = chunks[0].values;
  const sameTyped =
    ArrayBuffer.isView(first) && chunks.every((chunk) => chunk.values.constructor === first.constructor);
  if (sameTyped) {
    const Typed = first.constructor as new (length: number) => { set(values: ArrayLike<unknown>, offset: number): void } & ArrayLike<unknown>;
    const joined = new Typed(length);
    let offset = 0;
    for (const chunk of chunks) {
      joined.set(chunk.values, offset);
      offset += chunk.values.length;
    }
    return { name, values: joined, base };
  }
  const joined: unknown[] = new Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.values.length; i++) joined[offset++] = chunk.values[i];
  }
  return { name, values: joined, base };
}
