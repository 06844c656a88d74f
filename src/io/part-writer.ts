import { mkdir, open, rename, stat, truncate, type FileHandle } from "node:fs/promises";
import path from "node:path";

import { fileSha256 } from "./file-sha256.js";
import { IoError } from "./io-error.js";
import { restorePartial } from "./part-file.js";

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
 */
export class PartWriter {
  private pending: string[] = [];
  private pendingLength = 0;
  private closed = false;
  /** Bytes written to the file so far (not counting `pending`). */
  private written: number;

  private constructor(
    private readonly paths: PartPaths,
    private readonly handle: FileHandle,
    written: number,
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
    if (!committedBytes) return new PartWriter(paths, await open(paths.partial, "w"), 0);

    await restorePartial(paths);
    const size = await sizeOf(paths.partial);
    if (size < committedBytes) {
      throw new IoError(
        `part ${paths.partial}: has ${size} bytes but the checkpoint committed ${committedBytes}; the part was changed outside Bulkhead, rerun the stage with --fresh`,
        paths.partial,
      );
    }
    await truncate(paths.partial, committedBytes);
    return new PartWriter(paths, await open(paths.partial, "r+"), committedBytes);
  }

  /** Queues text to append; writes out when more than ~1 MiB is waiting. */
  async append(text: string): Promise<void> {
    if (text.length === 0) return;
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= FLUSH_BYTES) await this.flush();
  }

  /** Writes and fsyncs everything appended; returns the file's length. */
  async sync(): Promise<number> {
    await this.flush();
    await this.handle.sync();
    return this.written;
  }

  /** Syncs, closes and renames the part to its final name. */
  async finish(): Promise<FinishedPart> {
    const bytes = await this.sync();
    await this.close();
    await rename(this.paths.partial, this.paths.final);
    await syncDirectory(path.dirname(this.paths.final));
    return { path: this.paths.final, bytes, sha256: await fileSha256(this.paths.final) };
  }

  /** Closes the file without finishing; unsynced text may be lost. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const bytes = Buffer.from(this.pending.join(""), "utf8");
    this.pending = [];
    this.pendingLength = 0;
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, this.written + done);
      done += bytesWritten;
    }
    this.written += bytes.length;
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
