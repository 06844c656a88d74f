import type { Row, SourceReject } from "../pipeline/types.js";
import { parseJsonRecord, shortenRaw } from "./json-record.js";
import type { LineReader, TextLine } from "./line-reader.js";

/** Where a line-oriented reader stands; the JSON part of its cursor. */
export interface LinePosition {
  /** Records (good or rejected) this shard has consumed. */
  row: number;
  /** 0-based index in the whole source of the next record. */
  sourceRow: number;
  /** Byte offset where the next line starts. */
  byte: number;
  /** 1-based line number of the next line. */
  line: number;
}

/** The records of one batch read from JSON lines. */
export interface JsonLinesBatch {
  records: Row[];
  lines: number[];
  rejects: SourceReject[];
  firstRow: number;
  /** True once the reader hit a line the shard does not own, or the end. */
  done: boolean;
}

/**
 * Reads up to `size` records (good or rejected) from `reader`, skipping
 * blank lines, and advances `position` past them. Stops early at the first
 * line `owns` refuses. `label` prefixes reject reasons (e.g. a part name).
 */
export async function readJsonLinesBatch(
  reader: LineReader,
  size: number,
  position: LinePosition,
  owns: (line: TextLine, sourceRow: number) => boolean,
  label = "",
): Promise<JsonLinesBatch> {
  const batch: JsonLinesBatch = { records: [], lines: [], rejects: [], firstRow: position.sourceRow, done: false };
  let consumed = 0;
  while (consumed < size) {
    const line = await reader.next();
    if (line === null || !owns(line, position.sourceRow)) {
      batch.done = true;
      break;
    }
    position.byte = line.nextByte;
    position.line = line.line + 1;
    if (line.blank) continue;

    addLine(batch, line, position.sourceRow, label);
    position.sourceRow++;
    position.row++;
    consumed++;
  }
  return batch;
}

function addLine(batch: JsonLinesBatch, line: TextLine, sourceRow: number, label: string): void {
  const parsed = parseJsonRecord(line.text);
  if ("record" in parsed) {
    if (batch.records.length === 0) batch.firstRow = sourceRow;
    batch.records.push(parsed.record);
    batch.lines.push(line.line);
  } else {
    batch.rejects.push({
      line: line.line,
      row: sourceRow,
      reason: `${label}line ${line.line}: ${parsed.reason}`,
      raw: shortenRaw(line.text),
    });
  }
}
