// Sources and sinks: every way records enter and leave a stage.

export { csv, type CsvCursor, type CsvOptions } from "./csv-source.js";
export { ndjson, type NdjsonCursor, type NdjsonOptions } from "./ndjson-source.js";
export { parquet, type ParquetCursor, type ParquetOptions } from "./parquet-source.js";
export { dataset, type DatasetCursor } from "./dataset-source.js";
export { sqlite, type SqliteCursor, type SqliteOptions } from "./sqlite-source.js";
export {
  generator,
  type GeneratedRecord,
  type GeneratorContext,
  type GeneratorCursor,
  type RecordGenerator,
} from "./generator-source.js";
export { command, CHECKPOINT_PREFIX, type CommandCursor, type CommandOptions } from "./command-source.js";

export { csvDataset, ndjsonDataset, makeDatasetSink, type CsvDatasetOptions } from "./dataset-sink.js";
export { sqliteTable, type SqliteTableOptions } from "./sqlite-sink.js";
export type { SqliteColumnType } from "./sqlite-columns.js";
export type { RecordEncoder, RecordFormat } from "./record-format.js";

export { MANIFEST_FILE, readDatasetManifest, writeDatasetManifest } from "./dataset-manifest.js";
export { IoError } from "./io-error.js";
