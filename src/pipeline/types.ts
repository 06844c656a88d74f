// The contracts between the engine and its parts: sources, sinks, checks,
// checkpoint stores, alert channels and the logger. Each part lives in its
// own folder (io, validate, checkpoint, alert) and implements one of these.

/** One record flowing through a stage: a plain JSON-like object. */
export type Row = Record<string, unknown>;

/** Which slice of a stage's source a shard reads. `index` is 0-based. */
export interface ShardRef {
  index: number;
  count: number;
}

/** Formats a shard as people read it: "1/2" for the first of two. */
export function formatShard(shard: ShardRef): string {
  return `${shard.index + 1}/${shard.count}`;
}

/**
 * Where a shard's reader stands, saved in every checkpoint. `row` counts the
 * records (good or rejected) this shard has consumed from its slice; sources
 * add what they need to seek back quickly (byte offset, row group, last key).
 * Must survive JSON round-trips.
 */
export interface Cursor {
  row: number;
  [key: string]: unknown;
}

/** A record a source could not turn into a Row (bad CSV line, broken JSON). */
export interface SourceReject {
  /** 1-based line in the file, when the source is line-oriented. */
  line?: number;
  /** 0-based row index in the source. */
  row?: number;
  reason: string;
  /** The raw text, shortened to at most 1,000 characters. */
  raw?: string;
}

/** One batch read from a source. */
export interface SourceBatch {
  records: Row[];
  /** 0-based index in the whole source of records[0] (for quarantine positions). */
  firstRow: number;
  /** 1-based file line of each record, when the source is line-oriented. */
  lines?: number[];
  /** Records of this batch that could not be parsed. */
  rejects?: SourceReject[];
  /** The cursor after this batch: resuming from it reads the next batch. */
  cursor: Cursor;
}

/** What a source or sink needs to know about the shard and the run. */
export interface IoContext {
  shard: ShardRef;
  /** Preferred number of records per batch. */
  batchSize: number;
  /** Directory that relative paths in the definition resolve against. */
  baseDir: string;
  /** The published output of an upstream stage (for `dataset()` sources). */
  resolveDataset(stageId: string): DatasetManifest;
  signal?: AbortSignal;
}

/** A place records come from. Implementations live in src/io/. */
export interface Source {
  readonly kind: string;
  /** Short human description, e.g. "parquet data/flights.parquet". */
  readonly description: string;
  /**
   * A short text that changes when the data changes (a file's size and
   * modification time, an upstream dataset's checksums). A checkpoint made
   * from other data is not resumed. Optional: without it, resumes trust
   * the input to be the same.
   */
  inputVersion?(ctx: IoContext): Promise<string>;
  /** Records this shard will read in total, when cheap to know (progress %). */
  countRows?(ctx: IoContext): Promise<number | undefined>;
  /**
   * Reads this shard's slice, starting after `cursor` (or at the start).
   * Shards must split the source deterministically so that N shards read
   * every record exactly once.
   */
  read(ctx: IoContext, cursor: Cursor | null): AsyncIterable<SourceBatch>;
}

/** One file a stage produced, as listed by `bulkhead outputs` and `--json`. */
export interface OutputFile {
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** The published output of a dataset stage: its parts in shard order. */
export interface DatasetManifest {
  stage: string;
  format: "ndjson" | "csv";
  parts: OutputFile[];
}

/** Opaque JSON a sink writer returns from commit() and gets back on resume. */
export type SinkPosition = Record<string, unknown>;

export interface SinkContext extends IoContext {
  stageId: string;
  /** Directory owned by this stage; each shard writes only its own files. */
  dataDir: string;
}

/** Writes one shard's records. Every file it writes lives under dataDir. */
export interface SinkWriter {
  /** Buffers or writes records; may be called many times between commits. */
  write(records: Row[]): Promise<void>;
  /** Makes everything written so far durable and returns its position. */
  commit(): Promise<SinkPosition>;
  /**
   * Optional: like commit(), but returns the position at once and makes it
   * durable in the background. `position` is a new object the writer never
   * changes; `durable` resolves once exactly that much is on disk, and
   * rejects if it cannot be. write() may be called meanwhile. Lets a
   * periodic checkpoint be taken now and stored once its data is durable.
   */
  commitAsOfNow?(): { position: SinkPosition; durable: Promise<void> };
  /** Completes this shard's part (rename into place) and describes it. */
  finish(): Promise<OutputFile[]>;
  /** Releases handles without finishing; the part stays resumable. */
  close(): Promise<void>;
}

/** A place records go to. Implementations live in src/io/. */
export interface Sink {
  readonly kind: string;
  readonly description: string;
  /**
   * Opens this shard's writer. With `committed` set (a resume), the writer
   * first cuts its part back to that position so nothing is written twice;
   * with null it starts the part empty, replacing any earlier attempt.
   */
  open(ctx: SinkContext, committed: SinkPosition | null): Promise<SinkWriter>;
  /**
   * Runs once after every shard of the stage finished: makes the stage's
   * output visible as one unit (a dataset manifest, a table swap) and
   * returns the files that make it up.
   */
  publish(
    ctx: Omit<SinkContext, "shard">,
    parts: OutputFile[][],
  ): Promise<OutputFile[]>;
  /** For dataset sinks: the format downstream `dataset()` sources read. */
  readonly datasetFormat?: "ndjson" | "csv";
}

/** Leveled logging, injected so tests can capture it. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
