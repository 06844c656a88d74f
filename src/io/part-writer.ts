import { mkdir, open, rename, stat, truncate, type FileHandle } from "node:fs/promises";
import path from "node:path";

import { IoError } from "./io-error.js";
import { restorePartial } from "./part-file.js";
import { type RunningSha256, inlineSha256, sha256AfterPrefix } from "./running-sha256.js";

/** Buffered text is written to the file once it passes this size. */
const FLUSH_BYTES = 1024 * 1024;

/** Where a part's file lives: final name, and name while being written. */
export interface PartPaths {
  final: string;
  partial: string;
}

/** What finish() reports about the completed file. */
export interface FinishedPart {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * Appends text to a part file that is named `<part>.partial` until finish()
 * renames it, so a reader never sees half a part. Text is buffered and
 * written in ~1 MiB chunks; sync() makes it durable.
 *
 * Writing overlaps the caller's work: a chunk is written while the next one
 * fills (append waits only for the chunk before), and after each write the
 * file is datasynced in the background, so the fsync of a commit finds
 * little left to do instead of stalling the shard on all of it.
 */
export class PartWriter {
  /** Text appended since the last flush, as UTF-8. */
  private buffer = Buffer.allocUnsafe(FLUSH_BYTES);
  private used = 0;
  private closed = false;
  /** Bytes handed to the file so far (written, or queued in `writes`). */
  private written: number;
  /** The queued writes, each after the one before; rejected after a failure. */
  private writes: Promise<void> = Promise.resolve();
  /** A datasync running in the background, if any. */
  private background: Promise<void> | null = null;
  /** What a background datasync failed with, reported by the next sync(). */
  private backgroundError: unknown = null;

  /**
   * @param hash SHA-256 of the file's first `written` bytes, continued with
   * every byte queued, so finish() need not read the part back.
   */
  private constructor(
    private readonly paths: PartPaths,
    private readonly handle: FileHandle,
    written: number,
    private readonly hash: RunningSha256,
  ) {
    this.written = written;
  }

  /**
   * Opens the part: empty when `committedBytes` is null, otherwise cut back
   * to the committed length so that nothing written after the last commit
   * survives.
   */
  static async open(paths: PartPaths, committedBytes: number | null): Promise<PartWriter> {
    await mkdir(path.dirname(paths.partial), { recursive: true });
    if (!committedBytes) return new PartWriter(paths, await open(paths.partial, "w"), 0, inlineSha256());

    await restorePartial(paths);
    const size = await sizeOf(paths.partial);
    if (size < committedBytes) {
      throw new IoError(
        `part ${paths.partial}: has ${size} bytes but the checkpoint committed ${committedBytes}; the part was changed outside Bulkhead, rerun the stage with --fresh`,
        paths.partial,
      );
    }
    await truncate(paths.partial, committedBytes);
    const handle = await open(paths.partial, "r+");
    try {
      return new PartWriter(paths, handle, committedBytes, sha256AfterPrefix(paths.partial, committedBytes));
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Queues text to append; writes out when ~1 MiB is waiting. */
  async append(text: string): Promise<void> {
    if (text.length === 0) return;
    const before = this.makeRoom(text);
    if (before === null) this.used += this.buffer.write(text, this.used);
    else {
      if (Buffer.byteLength(text) > this.buffer.length) this.enqueue(Buffer.from(text, "utf8"));
      else this.used += this.buffer.write(text, this.used);
      await before;
    }
  }

  /**
   * Queues each text followed by "\n". Copying line by line keeps the
   * caller's strings short-lived: no batch-sized string is ever built.
   */
  async appendLines(lines: readonly string[]): Promise<void> {
    let before: Promise<void> | null = null;
    for (const line of lines) {
      if (line.length * 3 + 1 > this.buffer.length - this.used) {
        // Chained writes: waiting for the latest covers every earlier one.
        before = this.makeRoom(line, 1) ?? before;
        if (Buffer.byteLength(line) + 1 > this.buffer.length - this.used) {
          this.enqueue(Buffer.from(`${line}\n`, "utf8"));
          continue;
        }
      }
      this.used += this.buffer.write(line, this.used);
      this.buffer[this.used++] = 0x0a;
    }
    if (before !== null) await before;
  }

  /**
   * Starts making everything appended so far durable: `bytes` is the
   * file's length as of the call, `durable` resolves once those bytes are
   * synced (appends may go on meanwhile).
   */
  syncAsOfNow(): { bytes: number; durable: Promise<void> } {
    this.flush();
    return { bytes: this.written, durable: this.syncQueued() };
  }

  /** Writes and fsyncs everything appended before the call; returns the file's length at the call. */
  async sync(): Promise<number> {
    const { bytes, durable } = this.syncAsOfNow();
    await durable;
    return bytes;
  }

  /** Waits for the queued writes and background datasyncs, then fsyncs. */
  private async syncQueued(): Promise<void> {
    await this.writes;
    await this.background;
    if (this.backgroundError !== null) throw this.backgroundError;
    await this.handle.sync();
  }

  /** Syncs, closes and renames the part to its final name. */
  async finish(): Promise<FinishedPart> {
    const bytes = await this.sync();
    // Every byte is queued by now; the digest needs the hasher still open.
    const sha256 = await this.hash.digest();
    await this.close();
    await rename(this.paths.partial, this.paths.final);
    await syncDirectory(path.dirname(this.paths.final));
    return { path: this.paths.final, bytes, sha256 };
  }

  /** Closes the file without finishing; unsynced text may be lost. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.hash.close();
    await this.writes.catch(() => undefined);
    await this.background;
    await this.handle.close();
  }

  /**
   * Flushes when `text` (plus `extra` bytes) might not fit in the buffer;
   * returns the write queued before, for the caller to wait on, or null.
   */
  private makeRoom(text: string, extra = 0): Promise<void> | null {
    const room = this.buffer.length - this.used;
    if (text.length * 3 + extra <= room) return null;
    if (Buffer.byteLength(text) + extra <= room) return null;
    const before = this.writes;
    this.flush();
    return before;
  }

  /** Queues the buffered text as one write at the end of the file. */
  private flush(): void {
    if (this.used === 0) return;
    const bytes = this.buffer.subarray(0, this.used);
    this.buffer = Buffer.allocUnsafe(FLUSH_BYTES);
    this.used = 0;
    this.enqueue(bytes);
  }

  /** Queues `bytes` as a write at the end of the file. */
  private enqueue(bytes: Buffer): void {
    const offset = this.written;
    this.written += bytes.length;
    this.hash.update(bytes);
    this.writes = this.writes.then(() => this.writeAt(bytes, offset));
    // Whoever awaits `writes` next sees a failure; this only keeps it from
    // counting as unhandled in between.
    this.writes.catch(() => undefined);
  }

  private async writeAt(bytes: Buffer, offset: number): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, offset + done);
      done += bytesWritten;
    }
    this.syncInBackground();
  }

  private syncInBackground(): void {
    if (this.background || this.closed) return;
    this.background = this.handle
      .datasync()
      .catch((error: unknown) => {
        this.backgroundError ??= error;
      })
      .finally(() => {
        this.background = null;
      });
  }
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    throw new IoError(`part ${file}: cannot resume, the part file is gone (${(error as Error).message}); rerun the stage with --fresh`, file, { cause: error });
  }
}

/** fsync a directory so a rename in it survives a power loss (best effort). */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename stands.
  }
}
