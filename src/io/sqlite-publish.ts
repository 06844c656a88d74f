import { mkdirSync, statSync } from "node:fs";
import path from "node:path";

import Database from "better-sqlite3";

import type { OutputFile } from "../pipeline/types.js";
import { fileSha256 } from "./file-sha256.js";
import { IoError } from "./io-error.js";
import { createTableSql, tableColumns, upsertClause, type ColumnSpec } from "./sqlite-columns.js";
import { quoteName } from "./sqlite-names.js";

/** What publishSqliteTable needs to know. */
export interface SqliteTarget {
  /** Absolute path of the target database. */
  file: string;
  table: string;
  key: string[];
  /** Columns from the sink's option, used when no part has a table. */
  declared: ColumnSpec[] | null;
}

/**
 * Replaces `table` in the target database with the union of the shards'
 * staging tables. The new table is built under a temporary name first, then
 * swapped in by one transaction (DROP old, RENAME new), so readers see the
 * old table or the new one, never a mix, and a re-run replaces instead of
 * appending. (A single transaction cannot hold every part: SQLite refuses
 * to DETACH inside a transaction and attaches at most a few databases.)
 *
 * The new table has the key as PRIMARY KEY and no other index; indexes or
 * triggers users added to the old table are dropped with it. When two
 * shards wrote the same key, the later shard's row wins.
 */
export async function publishSqliteTable(target: SqliteTarget, parts: string[]): Promise<OutputFile> {
  const columns = mergeColumns(parts, target) ?? target.declared;
  mkdirSync(path.dirname(target.file), { recursive: true });
  const db = new Database(target.file);
  let rows = 0;
  try {
    const building = quoteName(`${target.table}__bulkhead_new`);
    db.exec(`DROP TABLE IF EXISTS ${building}`);
    if (columns) {
      db.exec(createTableSql(building, columns, target.key));
      for (const part of parts) copyPart(db, part, building, target);
    }
    swapIn(db, building, target.table, columns !== null);
    rows = columns ? (db.prepare(`SELECT COUNT(*) AS n FROM ${quoteName(target.table)}`).get() as { n: number }).n : 0;
  } finally {
    db.close();
  }
  return { path: target.file, rows, bytes: statSync(target.file).size, sha256: await fileSha256(target.file) };
}

/** Copies one staging table into the table being built. */
function copyPart(db: Database.Database, part: string, building: string, target: SqliteTarget): void {
  db.prepare("ATTACH DATABASE ? AS bulkhead_part").run(part);
  try {
    const columns = tableColumns(db, target.table, "bulkhead_part");
    if (columns === null) return;
    const names = columns.map(({ name }) => quoteName(name)).join(", ");
    // "WHERE true" resolves SQLite's parsing ambiguity between a join and ON CONFLICT.
    db.exec(
      `INSERT INTO main.${building} (${names}) SELECT ${names} FROM bulkhead_part.${quoteName(target.table)} WHERE true ${upsertClause(columns, target.key)}`,
    );
  } finally {
    db.exec("DETACH DATABASE bulkhead_part");
  }
}

function swapIn(db: Database.Database, building: string, table: string, hasNew: boolean): void {
  db.transaction(() => {
    db.exec(`DROP TABLE IF EXISTS main.${quoteName(table)}`);
    if (hasNew) db.exec(`ALTER TABLE main.${building} RENAME TO ${quoteName(table)}`);
  })();
}

/**
 * The union of the parts' columns, in first-seen order; a column's type is
 * the first declared one (a part whose first value was null declares none).
 */
function mergeColumns(parts: string[], target: SqliteTarget): ColumnSpec[] | null {
  const merged = new Map<string, ColumnSpec>();
  for (const part of parts) {
    const db = new Database(part, { readonly: true, fileMustExist: true });
    try {
      for (const column of tableColumns(db, target.table) ?? []) {
        const seen = merged.get(column.name);
        if (!seen) merged.set(column.name, { ...column });
        else if (seen.type === "") seen.type = column.type;
      }
    } catch (error) {
      throw new IoError(`sqliteTable ${target.table}: cannot read staging database ${part} (${(error as Error).message}); rerun the stage`, part, { cause: error });
    } finally {
      db.close();
    }
  }
  return merged.size > 0 ? [...merged.values()] : null;
}
