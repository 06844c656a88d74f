import { open, type FileHandle } from "node:fs/promises";

const NEWLINE = 0x0a;
const CHUNK_BYTES = 256 * 1024;

/** One line of a text file. */
export interface TextLine {
  /** Byte offset of the line's first byte in the file. */
  byte: number;
  /** Byte offset just after the line's "\n" (where the next line starts). */
  nextByte: number;
  /** 1-based line number in the file. */
  line: number;
  /** True when the line holds only spaces, tabs and "\r". */
  blank: boolean;
  /** The line as UTF-8 without its "\n" or "\r\n" ("" when not decoded). */
  text: string;
}

/**
 * Reads a file line by line from any byte offset, in 256 KiB chunks, so
 * memory stays flat however large the file is. Lines end at "\n"; a final
 * line without one is still a line.
 */
export class LineReader {
  private buffer = Buffer.alloc(0);
  /** File offset of buffer[0]. */
  private bufferStart: number;
  /** Index in buffer of the next unread byte. */
  private position = 0;
  private endOfFile = false;

  private constructor(
    private readonly handle: FileHandle,
    startByte: number,
    private nextLine: number,
  ) {
    this.bufferStart = startByte;
  }

  /** Opens `file` positioned at `startByte`, which begins line `startLine`. */
  static async open(file: string, startByte = 0, startLine = 1): Promise<LineReader> {
    return new LineReader(await open(file, "r"), startByte, startLine);
  }

  /** The next line, or null after the last one. `decode: false` skips text. */
  async next(decode = true): Promise<TextLine | null> {
    let newline = this.buffer.indexOf(NEWLINE, this.position);
    while (newline < 0 && !this.endOfFile) {
      await this.fill();
      newline = this.buffer.indexOf(NEWLINE, this.position);
    }
    const contentEnd = newline < 0 ? this.buffer.length : newline;
    if (newline < 0 && contentEnd === this.position) return null;

    const start = this.position;
    const afterBreak = newline < 0 ? contentEnd : newline + 1;
    const line: TextLine = {
      byte: this.bufferStart + start,
      nextByte: this.bufferStart + afterBreak,
      line: this.nextLine++,
      blank: isBlank(this.buffer, start, contentEnd),
      text: decode ? decodeLine(this.buffer, start, contentEnd) : "",
    };
    this.position = afterBreak;
    return line;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /** Drops consumed bytes and appends the next chunk of the file. */
  private async fill(): Promise<void> {
    const rest = this.buffer.subarray(this.position);
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    const fileOffset = this.bufferStart + this.buffer.length;
    const { bytesRead } = await this.handle.read(chunk, 0, CHUNK_BYTES, fileOffset);
    if (bytesRead === 0) this.endOfFile = true;
    this.bufferStart += this.position;
    this.buffer = Buffer.concat([rest, chunk.subarray(0, bytesRead)]);
    this.position = 0;
  }
}

function isBlank(buffer: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = buffer[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
}

function decodeLine(buffer: Buffer, start: number, end: number): string {
  const withoutCr = end > start && buffer[end - 1] === 0x0d ? end - 1 : end;
  return buffer.toString("utf8", start, withoutCr);
}
