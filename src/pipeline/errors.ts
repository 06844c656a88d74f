// The error family. Each carries the facts a caller decides on (stage,
// shard, row, attempt), so nobody has to parse a message.

/** One problem in a pipeline definition, by path (`stages[1].shards`). */
export interface DefinitionProblem {
  path: string;
  message: string;
}

/** The definition is invalid; the CLI exits 64. */
export class DefinitionError extends Error {
  readonly problems: DefinitionProblem[];

  constructor(problems: DefinitionProblem[], file?: string) {
    const where = file ? `${file}: ` : "";
    const lines = problems.map((p) => `  - ${p.path}: ${p.message}`);
    super(`${where}invalid pipeline definition:\n${lines.join("\n")}`);
    this.name = "DefinitionError";
    this.problems = problems;
  }
}

/** Bad command-line usage; the CLI exits 64. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Thrown by user code (or wrapping an error) to say retrying cannot help,
 * e.g. a malformed file. The shard fails at once.
 */
export class NonRetryableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "NonRetryableError";
  }
}

/** Where in a run a failure happened. */
export interface StageLocation {
  pipeline: string;
  stage: string;
  shard: string;
  attempt: number;
  /** Source row (shard-relative) the failed batch started at. */
  row?: number;
}

/** A stage shard failed; carries where, and the original error as cause. */
export class StageError extends Error {
  readonly location: StageLocation;

  constructor(location: StageLocation, message: string, cause?: unknown) {
    const at = location.row === undefined ? "" : `, row ${location.row.toLocaleString("en-US")}`;
    super(
      `stage ${location.stage}, shard ${location.shard}${at}: ${message}`,
      { cause },
    );
    this.name = "StageError";
    this.location = location;
  }
}

/** The run was interrupted by a signal after its checkpoint was saved. */
export class InterruptedError extends Error {
  readonly signal: NodeJS.Signals;

  constructor(signal: NodeJS.Signals) {
    super(`interrupted by ${signal}; checkpoint saved, run again to resume`);
    this.name = "InterruptedError";
    this.signal = signal;
  }
}

/**
 * The message of a shard's failure, with what to do when the cause is a
 * full disk or quota (ENOSPC, EDQUOT): the checkpoints are intact, so
 * freeing space and running again resumes.
 */
export function describeCause(cause: Error): string {
  const code = (cause as NodeJS.ErrnoException).code;
  if (code !== "ENOSPC" && code !== "EDQUOT") return cause.message;
  return `${cause.message} (the disk is full; free space, then run again to resume from the last checkpoint)`;
}

/** Turns whatever was thrown into an Error without losing it. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === "string" ? thrown : JSON.stringify(thrown));
}
