import Database from "better-sqlite3";

import type { Cursor, IoContext, Row, Source, SourceBatch } from "../pipeline/types.js";
import { batchSizeOf } from "./batch-size.js";
import { IoError, describeError } from "./io-error.js";
import { resolvePath } from "./resolve-path.js";
import { quoteName } from "./sqlite-names.js";
import { shardOfKey } from "./stable-hash.js";

/** Options of {@link sqlite}. */
export interface SqliteOptions {
  /** Database file, relative to the pipeline's base directory. */
  path: string;
  /** A SELECT statement; its rows must have the `key` column. */
  query: string;
  /** Column that orders the rows and identifies them: unique, not null. */
  key: string;
}

/** The cursor of an SQLite shard: the last key read. */
export interface SqliteCursor extends Cursor {
  key: string | number;
}

/**
 * Reads rows from an SQLite database in key order, one page per batch
 * (`... WHERE key > last ORDER BY key LIMIT batchSize`), so a resume seeks
 * with the index and memory holds one batch. The key must be unique and not
 * null, TEXT or INTEGER/REAL (a BLOB key cannot go in a JSON cursor);
 * a duplicated or null key stops the read with an error. Values come back as
 * better-sqlite3 returns them (integers beyond 2^53 lose precision, BLOBs
 * are Buffers).
 *
 * Shard i of n reads the rows whose key hashes (FNV-1a of String(key)) to
 * i modulo n. `firstRow` counts records within the shard.
 *
 * @example sqlite({ path: "shop.db", query: "SELECT * FROM orders WHERE paid", key: "id" })
 */
export function sqlite(options: SqliteOptions): Source {
  return {
    kind: "sqlite",
    description: `sqlite ${options.path}`,
    async countRows(ctx) {
      const file = resolvePath(ctx.baseDir, options.path);
      const db = openDatabase(file);
      try {
        const { sql, params } = shardQuery(options, ctx, "count");
        return runQuery(file, options, () => (db.prepare(sql).get(...params) as { n: number }).n);
      } finally {
        db.close();
      }
    },
    read: (ctx, cursor) => readSqlite(options, ctx, cursor as SqliteCursor | null),
  };
}

async function* readSqlite(options: SqliteOptions, ctx: IoContext, cursor: SqliteCursor | null): AsyncGenerator<SourceBatch> {
  const batchSize = batchSizeOf(ctx);
  const file = resolvePath(ctx.baseDir, options.path);
  const db = openDatabase(file);
  try {
    const firstPage = shardQuery(options, ctx, "first");
    const first = runQuery(file, options, () => db.prepare(firstPage.sql));
    const after = runQuery(file, options, () => db.prepare(shardQuery(options, ctx, "after").sql));
    let row = cursor?.row ?? 0;
    let key = cursor ? cursor.key : null;

    for (;;) {
      // One row more than the batch, to catch a key repeated across the page edge.
      const limit = batchSize + 1;
      const page = runQuery(file, options, () =>
        key === null ? first.all(...firstPage.params, limit) : after.all(key, ...firstPage.params, limit),
      ) as Row[];
      const records = page.slice(0, batchSize);
      if (records.length === 0) return;
      checkKeys(file, options.key, page);
      row += records.length;
      key = records[records.length - 1][options.key] as string | number;
      yield { records, firstRow: row - records.length, cursor: { row, key } satisfies SqliteCursor };
      if (page.length <= batchSize) return;
    }
  } finally {
    db.close();
  }
}

type QueryShape = "first" | "after" | "count";

/** The paging (or counting) SQL for this shard, and its shard parameters. */
function shardQuery(options: SqliteOptions, ctx: IoContext, shape: QueryShape): { sql: string; params: number[] } {
  const key = `q.${quoteName(options.key)}`;
  const conditions = shape === "after" ? [`${key} > ?`] : [];
  const params: number[] = [];
  if (ctx.shard.count > 1) {
    conditions.push(`bulkhead_shard(${key}, ?) = ?`);
    params.push(ctx.shard.count, ctx.shard.index);
  }
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(" AND ")}` : "";
  const from = `FROM (${trimQuery(options.query)}) AS q${where}`;
  const sql = shape === "count" ? `SELECT COUNT(*) AS n ${from}` : `SELECT q.* ${from} ORDER BY ${key} LIMIT ?`;
  return { sql, params };
}

function openDatabase(file: string): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new IoError(`sqlite ${file}: cannot open the database (${describeError(error)}); check the path`, file, { cause: error });
  }
  db.function("bulkhead_shard", { deterministic: true }, (key: unknown, count: unknown) => shardOfKey(key, Number(count)));
  return db;
}

/** Runs a step of the query, turning SQLite's error into one naming the file. */
function runQuery<T>(file: string, options: SqliteOptions, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new IoError(
      `sqlite ${file}: the query failed (${describeError(error)}); check the query and that it returns the column "${options.key}"`,
      file,
      { cause: error },
    );
  }
}

/** Keys must be present and unique, or paging by key would skip rows. */
function checkKeys(file: string, key: string, rows: Row[]): void {
  for (let i = 0; i < rows.length; i++) {
    const value = rows[i][key];
    if (value === null || value === undefined) {
      throw new IoError(`sqlite ${file}: a row has no key "${key}" (null); filter it out in the query or pick a key column without nulls`, file);
    }
    if (i > 0 && rows[i - 1][key] === value) {
      throw new IoError(`sqlite ${file}: key "${key}" is not unique (${JSON.stringify(value)} appears twice); pick a unique key column`, file);
    }
  }
}

/** Drops a trailing semicolon so the query can be a subquery. */
function trimQuery(query: string): string {
  return query.trim().replace(/;\s*$/, "");
}
