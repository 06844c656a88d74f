import { parquetRead, type ParquetParsers } from "hyparquet";
import { compressors } from "hyparquet-compressors";

import type { Row } from "../pipeline/types.js";
import { notReadable, type ParquetFile } from "./parquet-file.js";
import { convertRow, toJsonSafe } from "./parquet-values.js";

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
      for (const columns of readGroups(decoding)) {
        await parquetRead({
          file: file.buffer,
          metadata: file.metadata,
          columns,
          parsers: decoding.parsers,
          rowStart: start,
          rowEnd: end,
          compressors,
          onChunk: ({ columnName, columnData, rowStart }) => {
            chunks.get(columnName)?.push({ start: rowStart, values: withoutBigInts(columnData) });
          },
        });
      }
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
    const build = recordBuilder(columns.map((column) => column.name));
    const values = columns.map((column) => column.values);
    const bases = columns.map((column) => column.base);
    const rows: Row[] = new Array(to - from);
    for (let r = from; r < to; r++) rows[r - from] = build(values, bases, r, toJsonSafe);
    return rows;
  }
}

/** Makes row r into a record: values[c][r - bases[c]] for each column c. */
type RecordBuilder = (
  values: ArrayLike<unknown>[],
  bases: number[],
  r: number,
  toJsonSafe: (value: unknown) => unknown,
) => Row;

const builders = new Map<string, RecordBuilder>();

/**
 * A function that builds a record as one object literal naming every
 * column, compiled once per column list. Records built by assigning keys
 * one by one cost four times as much and keep their fifth and later fields
 * outside the object; a literal gives every record of the file one compact
 * shape, which the transform, the checks and JSON.stringify read faster.
 * Keys are written as JSON string literals, so no column name can inject
 * code; "__proto__" is written as a computed key so it stays a field.
 */
function recordBuilder(names: string[]): RecordBuilder {
  const cacheKey = JSON.stringify(names);
  let build = builders.get(cacheKey);
  if (build) return build;
  const fields = names.map((name, c) => {
    const key = name === "__proto__" ? `[${JSON.stringify(name)}]` : JSON.stringify(name);
    // Strings, numbers, booleans and null need nothing.
    return `${key}: (v = values[${c}][r - bases[${c}]], typeof v === "bigint" || (typeof v === "object" && v !== null) ? toJsonSafe(v) : v)`;
  });
  try {
    build = new Function("values", "bases", "r", "toJsonSafe", `let v; return { ${fields.join(", ")} };`) as RecordBuilder;
  } catch {
    // Code generation is switched off (--disallow-code-generation-from-strings): key by key.
    // fromEntries defines "__proto__" as a field, as the literal does.
    build = (values, bases, r) => convertRow(Object.fromEntries(names.map((name, c) => [name, values[c][r - bases[c]]])));
  }
  builders.set(cacheKey, build);
  return build;
}

/** Up to this many columns, a row group is decoded one column per read. */
const COLUMN_AT_A_TIME_LIMIT = 16;

/**
 * The column lists to decode a row group with. One column per read holds
 * one column's decoding buffers at a time instead of all of them, and on
 * flights-3m decoded the file in 1.55–1.97 s instead of 2.06–2.45 s; but
 * hyparquet plans the whole file on every read, so files with more columns,
 * or with repeated column names, take one read for all of them.
 */
function readGroups(decoding: Decoding): Array<string[] | undefined> {
  const names = [...new Set(decoding.names)];
  if (names.length !== decoding.names.length || names.length > COLUMN_AT_A_TIME_LIMIT) return [decoding.columns];
  return names.map((name) => [name]);
}

/**
 * A decoded chunk with its INT64 values (BigInt, one heap object each) as
 * numbers, converted as soon as hyparquet hands the chunk over: a Float64Array
 * when every value is a safe integer, else an array where null stays null and
 * integers beyond 2^53 become decimal strings, as records show them. Done per
 * record instead, a row group's BigInts were a third of the live heap.
 */
function withoutBigInts(values: ArrayLike<unknown>): ArrayLike<unknown> {
  const bigIntTyped = values instanceof BigInt64Array || values instanceof BigUint64Array;
  if (!bigIntTyped && !(Array.isArray(values) && values.some((value) => typeof value === "bigint"))) return values;
  const numbers = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const number = typeof value === "bigint" ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(number)) return Array.from(values, toJsonSafe);
    numbers[i] = number;
  }
  return numbers;
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
