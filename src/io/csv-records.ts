import { createReadStream } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

import { CsvError, Parser } from "csv-parse";

import { IoError } from "./io-error.js";
import { NewlineCounter } from "./newline-counter.js";

/** How to tokenise a CSV file. */
export interface CsvDialect {
  /** Field separator; default ",". */
  delimiter: string;
  /** Quote character; default '"'. */
  quote: string;
  /** Text encoding; must be ASCII-compatible for line numbers to be right. */
  encoding: BufferEncoding;
  /** Bytes per read from the file; default 65,536. */
  highWaterMark?: number;
}

/** Where to start parsing: a record boundary and its line number. */
export interface CsvStart {
  byte: number;
  line: number;
}

/** One CSV record as fields, with where it sits in the file. */
export interface CsvRecord {
  fields: string[];
  /** 1-based line on which the record starts. */
  line: number;
  /** Byte offset just after the record (and its line break). */
  endByte: number;
  /** 1-based line number at endByte, where the next record may start. */
  nextLine: number;
}

/**
 * Streams the records of a CSV file from a record boundary, as arrays of
 * strings. Blank lines are skipped, quoted fields may hold delimiters and
 * line breaks, "\r\n" and "\n" both end records, and a UTF-8 BOM at byte 0
 * is dropped. Rows with a different number of fields are returned as they
 * are (the caller rejects them). A quoting error stops the read with an
 * IoError naming the file and line: after a broken quote no later record
 * boundary can be trusted.
 */
export async function* readCsvRecords(
  file: string,
  dialect: CsvDialect,
  start: CsvStart = { byte: 0, line: 1 },
): AsyncGenerator<CsvRecord> {
  const counter = new NewlineCounter();
  const lineAt = (byte: number) => start.line + counter.newlinesBefore(byte - start.byte);
  const parser = new OffsetParser({
    bom: start.byte === 0,
    delimiter: dialect.delimiter,
    quote: dialect.quote,
    encoding: dialect.encoding,
    relax_column_count: true,
    skip_empty_lines: true,
    // Only these end records. Left to detect the line end, csv-parse takes
    // a bare "\r" seen first for it, and then keeps every "\n" in values
    // and numbers lines 0.
    record_delimiter: ["\r\n", "\n"],
  });
  const tee = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counter.add(chunk);
      done(null, chunk);
    },
  });
  const input = createReadStream(file, { start: start.byte, highWaterMark: dialect.highWaterMark });
  const flowing = pipeline(input, tee, parser).catch(() => {
    // The same error surfaces from the iteration below.
  });

  try {
    for await (const { record, bytes } of parser as AsyncIterable<ParsedRecord>) {
      const endByte = start.byte + bytes;
      const endLine = lineAt(Math.max(endByte - 1, start.byte));
      const line = endLine - countBreaks(record);
      yield { fields: record, line, endByte, nextLine: lineAt(endByte) };
    }
  } catch (error) {
    throw toIoError(error, file, start, lineAt);
  } finally {
    parser.destroy();
    await flowing;
  }
}

/** The first record of a CSV file (its header), or null for an empty file. */
export async function readCsvHeader(file: string, dialect: CsvDialect): Promise<string[] | null> {
  for await (const record of readCsvRecords(file, dialect)) return record.fields;
  return null;
}

interface ParsedRecord {
  record: string[];
  /** Bytes parsed up to the end of the record, its line break included. */
  bytes: number;
}

/**
 * A csv-parse Parser that tags each record with `info.bytes`. The parser
 * calls push() synchronously the moment a record is complete, when
 * info.bytes is exactly that record's end. (csv-parse's own `info: true`
 * option copies the whole info object per record: twice as slow.)
 */
class OffsetParser extends Parser {
  override push(record: unknown): boolean {
    return super.push(record === null ? null : { record, bytes: this.info.bytes });
  }
}

/** Line breaks inside quoted fields: the record spans that many more lines. */
function countBreaks(fields: string[]): number {
  let breaks = 0;
  for (const field of fields) {
    let at = field.indexOf("\n");
    while (at >= 0) {
      breaks++;
      at = field.indexOf("\n", at + 1);
    }
  }
  return breaks;
}

function toIoError(error: unknown, file: string, start: CsvStart, lineAt: (byte: number) => number): unknown {
  if (error instanceof IoError) return error;
  if (error instanceof CsvError) {
    const bytes = (error as CsvError & { bytes?: number }).bytes;
    const where = typeof bytes === "number" ? `line ${lineAt(start.byte + bytes)}` : `after byte ${start.byte}`;
    return new IoError(`csv ${file}, ${where}: ${error.message}; fix the quoting in the file`, file, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new IoError(`csv ${file}: cannot read the file (${message}); check the path`, file, { cause: error });
}
