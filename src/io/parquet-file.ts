import { stat } from "node:fs/promises";

import { asyncBufferFromFile, parquetMetadataAsync, type AsyncBuffer, type FileMetaData } from "hyparquet";

import { IoError, describeError } from "./io-error.js";

/** An opened Parquet file: its bytes and its footer metadata. */
export interface ParquetFile {
  path: string;
  buffer: AsyncBuffer;
  metadata: FileMetaData;
  /** Total rows in the file. */
  rows: number;
  /** First row (0-based, whole file) of each row group, plus the total. */
  groupStarts: number[];
  /** Names of the top-level columns. */
  columns: string[];
}

/** Opens a Parquet file and reads its footer, naming the file on failure. */
export async function openParquetFile(file: string): Promise<ParquetFile> {
  try {
    await stat(file);
  } catch (error) {
    throw new IoError(`parquet ${file}: cannot read the file (${describeError(error)}); check the path`, file, { cause: error });
  }
  const buffer = await asyncBufferFromFile(file);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    throw notReadable(file, error);
  }
  return { path: file, buffer, metadata, rows: Number(metadata.num_rows), groupStarts: groupStartsOf(metadata), columns: topLevelColumns(metadata) };
}

/** The error for a file hyparquet cannot decode (truncated, not Parquet). */
export function notReadable(file: string, error: unknown, where = ""): IoError {
  return new IoError(
    `parquet ${file}${where}: not a readable Parquet file (${describeError(error)}); check that the file is complete and really Parquet`,
    file,
    { cause: error },
  );
}

function groupStartsOf(metadata: FileMetaData): number[] {
  const starts = [0];
  for (const group of metadata.row_groups) starts.push(starts[starts.length - 1] + Number(group.num_rows));
  return starts;
}

function topLevelColumns(metadata: FileMetaData): string[] {
  const [root, ...elements] = metadata.schema;
  const names: string[] = [];
  // Walk the flattened schema tree, keeping only the root's direct children.
  let index = 0;
  const skip = (): void => {
    const element = elements[index++];
    for (let i = 0; i < (element.num_children ?? 0); i++) skip();
  };
  for (let child = 0; child < (root?.num_children ?? 0); child++) {
    names.push(elements[index].name);
    skip();
  }
  return names;
}
