const NEWLINE = 0x0a;

/**
 * Counts "\n" bytes in a stream as it passes by, so a parser downstream can
 * turn byte offsets into line numbers. Queries must not go backwards; the
 * chunks before the last query are released.
 */
export class NewlineCounter {
  private readonly chunks: Buffer[] = [];
  /** Offset (from the stream start) of chunks[0][0]. */
  private chunksStart = 0;
  /** Bytes before this offset have been counted. */
  private countedTo = 0;
  private newlines = 0;

  /** Records the next chunk of the stream. */
  add(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  /** "\n" bytes in [0, offset) of the stream; offset must not decrease. */
  newlinesBefore(offset: number): number {
    while (this.countedTo < offset && this.chunks.length > 0) {
      const chunk = this.chunks[0];
      const chunkEnd = this.chunksStart + chunk.length;
      const stop = Math.min(offset, chunkEnd);
      this.newlines += countNewlines(chunk, this.countedTo - this.chunksStart, stop - this.chunksStart);
      this.countedTo = stop;
      if (stop === chunkEnd) {
        this.chunks.shift();
        this.chunksStart = chunkEnd;
      }
    }
    return this.newlines;
  }
}

function countNewlines(buffer: Buffer, start: number, end: number): number {
  let count = 0;
  let at = buffer.indexOf(NEWLINE, start);
  while (at >= 0 && at < end) {
    count++;
    at = buffer.indexOf(NEWLINE, at + 1);
  }
  return count;
}
