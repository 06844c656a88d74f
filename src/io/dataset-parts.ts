import path from "node:path";

import type { Row, SourceReject } from "../pipeline/types.js";
import { checkCsvColumns, zipRecord } from "./csv-header.js";
import { readCsvHeader, readCsvRecords, type CsvDialect, type CsvRecord } from "./csv-records.js";
import { readJsonLinesBatch, type LinePosition } from "./json-lines-batch.js";
import { shortenRaw } from "./json-record.js";
import { LineReader } from "./line-reader.js";

/** The dialect of the CSV parts csvDataset() writes. */
const PART_DIALECT: CsvDialect = { delimiter: ",", quote: '"', encoding: "utf8" };

/** One batch read from a part, before the cursor is attached. */
export interface PartBatch {
  records: Row[];
  rejects: SourceReject[];
  firstRow: number;
}

/**
 * Reads the records of one part from `position` (byte/line in the part,
 * sourceRow across all parts) while sourceRow < `limit`, in batches of up
 * to `size`. `position` is advanced in place as records are consumed.
 */
export type PartReader = (file: string, position: LinePosition, limit: number, size: number) => AsyncGenerator<PartBatch>;

/** Reads a part written by ndjsonDataset(). */
export async function* readNdjsonPart(file: string, position: LinePosition, limit: number, size: number): AsyncGenerator<PartBatch> {
  const reader = await LineReader.open(file, position.byte, position.line);
  const label = `${path.basename(file)} `;
  try {
    for (;;) {
      const batch = await readJsonLinesBatch(reader, size, position, (_line, row) => row < limit, label);
      if (batch.records.length > 0 || batch.rejects.length > 0) yield batch;
      if (batch.done) return;
    }
  } finally {
    await reader.close();
  }
}

/** Reads a part written by csvDataset(): a header line, then records. */
export async function* readCsvPart(file: string, position: LinePosition, limit: number, size: number): AsyncGenerator<PartBatch> {
  let columns = position.byte > 0 ? await csvPartHeader(file) : null;
  let batch = emptyBatch(position.sourceRow);
  for await (const record of readCsvRecords(file, PART_DIALECT, { byte: position.byte, line: position.line })) {
    if (columns === null) {
      columns = checkCsvColumns(record.fields, file);
      moveAfter(position, record);
      continue;
    }
    if (position.sourceRow >= limit) break;

    addCsvRecord(batch, columns, record, position.sourceRow, file);
    position.row++;
    position.sourceRow++;
    moveAfter(position, record);
    if (batch.records.length + batch.rejects.length >= size) {
      yield batch;
      batch = emptyBatch(position.sourceRow);
    }
  }
  if (batch.records.length + batch.rejects.length > 0) yield batch;
}

/**
 * The byte and line where record `skip` (0-based, within the part) starts:
 * where a shard whose slice begins inside this part starts reading.
 */
export async function seekPartRecord(format: "ndjson" | "csv", file: string, skip: number): Promise<{ byte: number; line: number }> {
  if (skip === 0) return { byte: 0, line: 1 };
  return format === "csv" ? seekCsvRecord(file, skip) : seekNdjsonRecord(file, skip);
}

async function seekNdjsonRecord(file: string, skip: number): Promise<{ byte: number; line: number }> {
  const reader = await LineReader.open(file);
  let skipped = 0;
  let at = { byte: 0, line: 1 };
  try {
    while (skipped < skip) {
      const line = await reader.next(false);
      if (line === null) break;
      if (!line.blank) skipped++;
      at = { byte: line.nextByte, line: line.line + 1 };
    }
    return at;
  } finally {
    await reader.close();
  }
}

async function seekCsvRecord(file: string, skip: number): Promise<{ byte: number; line: number }> {
  // The header is record -1: skip it plus `skip` data records.
  let seen = -1;
  let at = { byte: 0, line: 1 };
  for await (const record of readCsvRecords(file, PART_DIALECT)) {
    at = { byte: record.endByte, line: record.nextLine };
    if (++seen === skip) break;
  }
  return at;
}

function addCsvRecord(batch: PartBatch, columns: string[], record: CsvRecord, sourceRow: number, file: string): void {
  if (record.fields.length === columns.length) {
    if (batch.records.length === 0) batch.firstRow = sourceRow;
    batch.records.push(zipRecord(columns, record.fields));
    return;
  }
  batch.rejects.push({
    line: record.line,
    row: sourceRow,
    reason: `${path.basename(file)} line ${record.line}: expected ${columns.length} fields, got ${record.fields.length}`,
    raw: shortenRaw(record.fields.join(",")),
  });
}

async function csvPartHeader(file: string): Promise<string[]> {
  return checkCsvColumns((await readCsvHeader(file, PART_DIALECT)) ?? [], file);
}

function moveAfter(position: LinePosition, record: CsvRecord): void {
  position.byte = record.endByte;
  position.line = record.nextLine;
}

function emptyBatch(firstRow: number): PartBatch {
  return { records: [], rejects: [], firstRow };
}
