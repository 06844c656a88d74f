import { mkdir, rename, rm, stat } from "node:fs/promises";

import type { OutputFile, Sink, SinkContext, SinkPosition, SinkWriter } from "../pipeline/types.js";
import { fileSha256 } from "./file-sha256.js";
import { IoError } from "./io-error.js";
import { exists, partPaths, restorePartial } from "./part-file.js";
import { resolvePath } from "./resolve-path.js";
import { declaredColumns, type ColumnSpec, type SqliteColumnType } from "./sqlite-columns.js";
import { SqlitePart } from "./sqlite-part.js";
import { publishSqliteTable } from "./sqlite-publish.js";

/** Options of {@link sqliteTable}. */
export interface SqliteTableOptions {
  /** Target database file, relative to the pipeline's base directory. */
  path: string;
  /** Table to (re)create in the target database. */
  table: string;
  /** Primary key column(s); records with the same key are upserted. */
  key: string | string[];
  /** Column types; default inferred from the first record (see inferColumns). */
  columns?: Record<string, SqliteColumnType>;
}

/**
 * Writes the stage's records into an SQLite table. Each shard upserts into
 * its own staging database under the stage's data directory
 * (`part-00000-of-00004.sqlite`), one transaction per write, so replaying a
 * batch after a crash never duplicates a key. When every shard finished,
 * publish() replaces the target table with the union of the staging tables
 * in one swap: re-running a stage replaces its output, never appends.
 *
 * @example sqliteTable({ path: "out/flights.db", table: "delays", key: ["origin", "day"] })
 */
export function sqliteTable(options: SqliteTableOptions): Sink {
  const key = Array.isArray(options.key) ? options.key : [options.key];
  const declared = options.columns ? declaredColumns(options.columns) : null;
  return {
    kind: "sqliteTable",
    description: `sqlite ${options.path} table ${options.table}`,
    open: (ctx, committed) => openSqliteWriter(options.table, key, declared, ctx, committed),
    async publish(ctx, parts) {
      const target = { file: resolvePath(ctx.baseDir, options.path), table: options.table, key, declared };
      return [await publishSqliteTable(target, parts.flat().map((part) => part.path))];
    },
  };
}

async function openSqliteWriter(
  table: string,
  key: string[],
  declared: ColumnSpec[] | null,
  ctx: SinkContext,
  committed: SinkPosition | null,
): Promise<SinkWriter> {
  const paths = partPaths(ctx.dataDir, ctx.shard, "sqlite");
  await mkdir(ctx.dataDir, { recursive: true });
  if (committed === null) {
    await removeDatabase(paths.partial);
  } else {
    // Upserts make replaying after the last commit harmless: keep the rows.
    await restorePartial(paths);
    if (Number(committed.rows) > 0 && !(await exists(paths.partial))) {
      throw new IoError(`sqliteTable ${table}: cannot resume, staging database ${paths.partial} is gone; rerun the stage with --fresh`, paths.partial);
    }
  }
  const part = new SqlitePart(paths.partial, table, key, declared);

  return {
    async write(records) {
      part.write(records);
    },
    async commit() {
      return { rows: part.count() };
    },
    async finish(): Promise<OutputFile[]> {
      const rows = part.count();
      part.close();
      await rename(paths.partial, paths.final);
      const { size } = await stat(paths.final);
      return [{ path: paths.final, rows, bytes: size, sha256: await fileSha256(paths.final) }];
    },
    async close() {
      part.close();
    },
  };
}

/** Deletes a database file and the journal files SQLite keeps beside it. */
async function removeDatabase(file: string): Promise<void> {
  for (const suffix of ["", "-journal", "-wal", "-shm"]) await rm(file + suffix, { force: true });
}
