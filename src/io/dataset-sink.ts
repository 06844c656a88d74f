import { readdir, rm } from "node:fs/promises";
import path from "node:path";

import type { OutputFile, Sink, SinkContext, SinkPosition, SinkWriter } from "../pipeline/types.js";
import { csvFormat } from "./csv-format.js";
import { writeDatasetManifest } from "./dataset-manifest.js";
import { ndjsonFormat } from "./ndjson-format.js";
import { partPaths } from "./part-file.js";
import { PartWriter } from "./part-writer.js";
import type { RecordFormat } from "./record-format.js";

/** Options of {@link csvDataset}. */
export interface CsvDatasetOptions {
  /** Columns, in order; default the keys of the first record of each part. */
  columns?: string[];
}

/**
 * Writes the stage's records as an NDJSON dataset: one part per shard
 * (`part-00000-of-00004.ndjson`) plus a `manifest.json`, in the stage's
 * data directory. Downstream stages read it with `dataset(stageId)`.
 */
export function ndjsonDataset(): Sink {
  return makeDatasetSink(ndjsonFormat);
}

/**
 * Writes the stage's records as a CSV dataset (RFC 4180, header line, "\n"
 * line ends): one part per shard plus a `manifest.json`. Values are
 * written as text, so downstream `dataset()` reads them back as strings.
 */
export function csvDataset(options: CsvDatasetOptions = {}): Sink {
  return makeDatasetSink(csvFormat(options.columns));
}

/** The position a dataset writer commits: the part's length and rows. */
interface DatasetPosition extends SinkPosition {
  bytes: number;
  rows: number;
}

/** A sink writing one part file per shard in `format`, then a manifest. */
export function makeDatasetSink(format: RecordFormat): Sink {
  return {
    kind: `${format.name}Dataset`,
    description: `${format.name} dataset`,
    datasetFormat: format.name,
    open: (ctx, committed) => openDatasetWriter(format, ctx, committed as DatasetPosition | null),
    async publish(ctx, parts) {
      const files = parts.flat();
      await writeDatasetManifest(ctx.dataDir, { stage: ctx.stageId, format: format.name, parts: files });
      await removeStaleParts(ctx.dataDir, files, format.extension);
      return files;
    },
  };
}

async function openDatasetWriter(format: RecordFormat, ctx: SinkContext, committed: DatasetPosition | null): Promise<SinkWriter> {
  const paths = partPaths(ctx.dataDir, ctx.shard, format.extension);
  const part = await PartWriter.open(paths, committed ? committed.bytes : null);
  const encoder = format.encoder(committed);
  let rows = committed ? committed.rows : 0;

  const commitAsOfNow = () => {
    const { bytes, durable } = part.syncAsOfNow();
    const position: DatasetPosition = { bytes, rows, ...encoder.state() };
    return { position, durable };
  };

  return {
    async write(records) {
      if (encoder.lines) await part.appendLines(encoder.lines(records, rows));
      else await part.append(encoder.encode(records, rows));
      rows += records.length;
    },
    async commit() {
      const { position, durable } = commitAsOfNow();
      await durable;
      return position;
    },
    commitAsOfNow,
    async finish(): Promise<OutputFile[]> {
      const { path: file, bytes, sha256 } = await part.finish();
      return [{ path: file, rows, bytes, sha256 }];
    },
    close: () => part.close(),
  };
}

/**
 * Deletes part files of an earlier run that are not in this output (e.g.
 * from a run with more shards), so the folder holds exactly the dataset.
 */
async function removeStaleParts(dataDir: string, files: OutputFile[], extension: string): Promise<void> {
  const current = new Set(files.map((file) => path.resolve(file.path)));
  const pattern = new RegExp(`^part-\\d{5}-of-\\d{5}\\.${extension}$`);
  for (const name of await readdir(dataDir)) {
    const file = path.resolve(dataDir, name);
    if (pattern.test(name) && !current.has(file)) await rm(file, { force: true });
  }
}
