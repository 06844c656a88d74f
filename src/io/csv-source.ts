import type { Cursor, IoContext, Row, Source, SourceBatch, SourceReject } from "../pipeline/types.js";
import { batchSizeOf } from "./batch-size.js";
import { checkCsvColumns, zipRecord } from "./csv-header.js";
import { readCsvHeader, readCsvRecords, type CsvDialect, type CsvRecord } from "./csv-records.js";
import { shortenRaw } from "./json-record.js";
import { fileVersion } from "./file-version.js";
import { resolvePath } from "./resolve-path.js";

/** Options of {@link csv}. */
export interface CsvOptions {
  /** File to read, relative to the pipeline's base directory. */
  path: string;
  /** Field separator; default ",". */
  delimiter?: string;
  /** Quote character; default '"'. */
  quote?: string;
  /** Text encoding; default "utf8". A UTF-8 BOM is always dropped. */
  encoding?: "utf8" | "latin1" | "ascii";
  /**
   * true (default): the first line is the header. An array: the column
   * names, and the file has no header line.
   */
  columns?: true | string[];
  /** Bytes per read from the file; default 65,536. Mostly for tests. */
  highWaterMark?: number;
}

/**
 * The cursor of a CSV shard. `byte` is where the record after the last one
 * consumed starts, so a resume seeks there instead of re-parsing the file.
 */
export interface CsvCursor extends Cursor {
  /** 0-based index (among all data records) of the next record. */
  sourceRow: number;
  byte: number;
  /** 1-based line number at `byte`. */
  line: number;
}

/**
 * Reads a CSV file (RFC 4180: quoted fields may hold delimiters, quotes and
 * line breaks; "\r\n" or "\n" line ends). Values are strings; cast them in
 * the stage's schema. Blank lines are skipped. A row whose field count
 * differs from the header becomes a reject ("line 3: expected 3 fields,
 * got 2") and reading goes on.
 *
 * Sharding is by row number: data record i goes to shard i % count. Byte
 * ranges are unsafe for CSV because a quoted field may contain line breaks,
 * so a byte offset cannot tell whether it sits inside a record; the price is
 * that every shard parses the whole file.
 *
 * @example csv({ path: "data/orders.csv", delimiter: ";" })
 */
export function csv(options: CsvOptions): Source {
  return {
    kind: "csv",
    description: `csv ${options.path}`,
    inputVersion: (ctx) => fileVersion(resolvePath(ctx.baseDir, options.path)),
    read: (ctx, cursor) => readCsv(options, ctx, cursor as CsvCursor | null),
  };
}

async function* readCsv(options: CsvOptions, ctx: IoContext, cursor: CsvCursor | null): AsyncGenerator<SourceBatch> {
  const file = resolvePath(ctx.baseDir, options.path);
  const dialect = dialectOf(options);
  const batchSize = batchSizeOf(ctx);
  const { index, count } = ctx.shard;

  const position: CsvCursor = cursor ? { ...cursor } : { row: 0, sourceRow: 0, byte: 0, line: 1 };
  const hasHeader = options.columns === undefined || options.columns === true;
  let columns = Array.isArray(options.columns) ? checkCsvColumns(options.columns, file) : null;
  if (hasHeader && position.byte > 0) columns = await headerOf(file, dialect);

  // `position` moves only past this shard's records: it is the cursor.
  let nextSourceRow = position.sourceRow;
  let batch = new CsvBatch(position.sourceRow);
  for await (const record of readCsvRecords(file, dialect, { byte: position.byte, line: position.line })) {
    if (columns === null) {
      columns = checkCsvColumns(record.fields, file);
      moveAfter(position, record);
      continue;
    }
    const sourceRow = nextSourceRow++;
    if (sourceRow % count !== index) continue;

    batch.add(columns, record, sourceRow, dialect.delimiter);
    position.row++;
    position.sourceRow = sourceRow + 1;
    moveAfter(position, record);
    if (batch.size >= batchSize) {
      yield batch.finish(position);
      batch = new CsvBatch(position.sourceRow);
    }
  }
  if (batch.size > 0) yield batch.finish(position);
}

/** Collects one batch of records and rejects. */
class CsvBatch {
  private readonly records: Row[] = [];
  private readonly lines: number[] = [];
  private readonly rejects: SourceReject[] = [];

  constructor(private firstRow: number) {}

  get size(): number {
    return this.records.length + this.rejects.length;
  }

  add(columns: string[], record: CsvRecord, sourceRow: number, delimiter: string): void {
    if (this.size === 0) this.firstRow = sourceRow;
    if (record.fields.length !== columns.length) {
      this.rejects.push({
        line: record.line,
        row: sourceRow,
        reason: `line ${record.line}: expected ${columns.length} fields, got ${record.fields.length}`,
        raw: shortenRaw(record.fields.join(delimiter)),
      });
      return;
    }
    if (this.records.length === 0) this.firstRow = sourceRow;
    this.records.push(zipRecord(columns, record.fields));
    this.lines.push(record.line);
  }

  finish(position: CsvCursor): SourceBatch {
    return { records: this.records, lines: this.lines, rejects: this.rejects, firstRow: this.firstRow, cursor: { ...position } };
  }
}

function moveAfter(position: CsvCursor, record: CsvRecord): void {
  position.byte = record.endByte;
  position.line = record.nextLine;
}

async function headerOf(file: string, dialect: CsvDialect): Promise<string[]> {
  return checkCsvColumns((await readCsvHeader(file, dialect)) ?? [], file);
}

/** The tokenising options of a csv() source, with defaults filled in. */
export function dialectOf(options: Pick<CsvOptions, "delimiter" | "quote" | "encoding" | "highWaterMark">): CsvDialect {
  return {
    delimiter: options.delimiter ?? ",",
    quote: options.quote ?? '"',
    encoding: options.encoding ?? "utf8",
    highWaterMark: options.highWaterMark,
  };
}
