// A source that is a program in any language, talking a line protocol.
//
// The program is started once per shard attempt. It prints one JSON object
// per line on stdout (one record each) and, whenever it can resume from
// that point, a line `#bulkhead checkpoint <json>`: restarted with that JSON
// in BULKHEAD_CURSOR, it must print the records that came after the line.
// Bulkhead commits at its own batch boundaries, so on resume it restarts
// the program at the last checkpoint line before the committed position
// and skips the records it already has — which is why the output after a
// checkpoint line must be the same each time.
//
// Environment given to the program:
//   BULKHEAD_SHARD        "2/4" (1-based, as people read it)
//   BULKHEAD_SHARD_INDEX  1 (0-based) and BULKHEAD_SHARD_COUNT 4
//   BULKHEAD_CURSOR       the JSON of the last checkpoint line, or empty
// stderr goes to this process's stderr; a non-zero exit fails the shard
// attempt (and is retried like any failure).
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Cursor, IoContext, Row, Source, SourceBatch, SourceReject } from "../pipeline/types.js";
import { batchSizeOf } from "./batch-size.js";

/** The line that declares a resumable point. */
export const CHECKPOINT_PREFIX = "#bulkhead checkpoint ";

export interface CommandOptions {
  /** The program, e.g. "python3". */
  command: string;
  args?: string[];
  /** Extra environment variables for the program. */
  env?: Record<string, string>;
  /** Working directory; default the pipeline's base directory. */
  cwd?: string;
}

/** Cursor of a command shard: the program's own cursor and records read since. */
export interface CommandCursor extends Cursor {
  /** JSON of the last `#bulkhead checkpoint` line, or null before any. */
  user: unknown;
  /** Records printed after that line that are already committed. */
  sinceCheckpoint: number;
}

/**
 * Records from a program in any language (see the line protocol above).
 *
 * @example
 * command({ command: "python3", args: ["export_orders.py"] })
 */
export function command(options: CommandOptions): Source {
  const shown = `command ${[options.command, ...(options.args ?? [])].join(" ")}`;
  return {
    kind: "command",
    description: shown,
    read: (ctx, cursor) => readCommand(options, shown, ctx, cursor as CommandCursor | null),
  };
}

async function* readCommand(
  options: CommandOptions,
  shown: string,
  ctx: IoContext,
  cursor: CommandCursor | null,
): AsyncGenerator<SourceBatch> {
  const batchSize = batchSizeOf(ctx);
  const child = spawn(options.command, options.args ?? [], {
    cwd: options.cwd ?? ctx.baseDir,
    env: {
      ...process.env,
      ...options.env,
      BULKHEAD_SHARD: `${ctx.shard.index + 1}/${ctx.shard.count}`,
      BULKHEAD_SHARD_INDEX: String(ctx.shard.index),
      BULKHEAD_SHARD_COUNT: String(ctx.shard.count),
      BULKHEAD_CURSOR: cursor?.user == null ? "" : JSON.stringify(cursor.user),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderrTail: string[] = [];
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    process.stderr.write(chunk);
    stderrTail.push(...chunk.split("\n").filter(Boolean));
    stderrTail.splice(0, Math.max(0, stderrTail.length - 10));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on("error", (error) => reject(new Error(`${shown}: could not start the program: ${error.message}`)));
    child.on("close", (code, signal) => resolve({ code, signal }));
  });

  let row = cursor?.row ?? 0;
  let user: unknown = cursor?.user ?? null;
  let since = 0;
  // Line numbers count stdout lines of this start of the program.
  let line = 0;
  // Records the program prints again after a restart, already committed.
  let toSkip = cursor?.sinceCheckpoint ?? 0;
  let records: Row[] = [];
  let rejects: SourceReject[] = [];
  let firstRow = row;
  const cursorNow = (): CommandCursor => ({ row, user, sinceCheckpoint: since });

  try {
    for await (const text of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
      line++;
      if (text.startsWith(CHECKPOINT_PREFIX)) {
        user = parseCheckpointLine(text, shown);
        since = 0;
        continue;
      }
      if (text.trim() === "") continue;
      since++;
      if (toSkip > 0) {
        toSkip--;
        continue;
      }
      row++;
      const parsed = parseRecord(text);
      if (parsed) records.push(parsed);
      else rejects.push({ row: row - 1, line, reason: `stdout line ${line} is not a JSON object`, raw: text.slice(0, 1_000) });
      if (records.length + rejects.length >= batchSize) {
        yield { records, rejects, firstRow, cursor: cursorNow() };
        records = [];
        rejects = [];
        firstRow = row;
      }
    }
  } finally {
    if (child.exitCode === null) child.kill("SIGTERM");
  }

  const { code, signal } = await exited;
  if (code !== 0) {
    const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const tail = stderrTail.length > 0 ? `; last stderr lines:\n${stderrTail.join("\n")}` : "";
    throw new Error(`${shown} ${why}${tail}`);
  }
  if (toSkip > 0) {
    throw new Error(`${shown}: restarted from its checkpoint it printed ${toSkip} fewer records than before; its output after a checkpoint line must be the same each time`);
  }
  if (records.length + rejects.length > 0) yield { records, rejects, firstRow, cursor: cursorNow() };
}

function parseCheckpointLine(line: string, shown: string): unknown {
  const json = line.slice(CHECKPOINT_PREFIX.length);
  try {
    return JSON.parse(json);
  } catch {
    throw new Error(`${shown}: checkpoint line is not JSON: ${json.slice(0, 200)}`);
  }
}

function parseRecord(line: string): Row | null {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Row) : null;
  } catch {
    return null;
  }
}
