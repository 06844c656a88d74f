// The quarantine: invalid records of one shard, one JSON line each with the
// reason and where the record was. Committed together with checkpoints, so
// a resumed shard cuts it back and never lists a record twice.
import { mkdir, open, type FileHandle } from "node:fs/promises";
import path from "node:path";

export interface QuarantineEntry {
  /** 0-based row in the source. */
  row?: number;
  /** 1-based line in the source file, for line-oriented sources. */
  line?: number;
  reason: string;
  record?: unknown;
  raw?: string;
}

export interface QuarantinePosition {
  bytes: number;
  rows: number;
}

/** Appends quarantine entries to one file, buffered between commits. */
export class QuarantineWriter {
  private pending: string[] = [];
  private position: QuarantinePosition;
  /** Written or cut back since the last fsync (the open truncates). */
  private unsynced = true;

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
    committed: QuarantinePosition,
  ) {
    this.position = { ...committed };
  }

  /** Opens the file cut back to `committed` (empty when starting over). */
  static async open(file: string, committed: QuarantinePosition): Promise<QuarantineWriter> {
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(file, "a+");
    await handle.truncate(committed.bytes);
    return new QuarantineWriter(file, handle, committed);
  }

  add(entry: QuarantineEntry): void {
    this.pending.push(`${JSON.stringify(entry)}\n`);
  }

  /** Rows added since the last commit plus those committed. */
  get rows(): number {
    return this.position.rows + this.pending.length;
  }

  /** Writes and syncs pending entries; returns the committed position. */
  async commit(): Promise<QuarantinePosition> {
    if (this.pending.length > 0) {
      const text = this.pending.join("");
      this.unsynced = true;
      await this.handle.write(text);
      this.position = {
        bytes: this.position.bytes + Buffer.byteLength(text),
        rows: this.position.rows + this.pending.length,
      };
      this.pending = [];
    }
    // Most shards quarantine nothing: no fsync per checkpoint for them.
    if (this.unsynced) {
      await this.handle.sync();
      this.unsynced = false;
    }
    return { ...this.position };
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
