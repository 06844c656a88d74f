// The one error class of src/io: every failure to read or write a file says
// which source or sink, which file, and what to do, and keeps the original
// error as `cause`.

/** A source or sink could not do its work; `path` is the file involved. */
export class IoError extends Error {
  readonly path: string;

  constructor(message: string, path: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IoError";
    this.path = path;
  }
}

/** The message of anything thrown, for embedding in another message. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
