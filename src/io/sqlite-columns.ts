import type Database from "better-sqlite3";

import type { Row } from "../pipeline/types.js";
import { quoteName } from "./sqlite-names.js";

/** Column types a user may declare for an SQLite sink. */
export type SqliteColumnType = "TEXT" | "INTEGER" | "REAL";

/** One column of a sink's table; `type` "" means no declared type. */
export interface ColumnSpec {
  name: string;
  type: string;
}

/**
 * Declared types inferred from one record: integers INTEGER, other numbers
 * REAL, booleans INTEGER (0/1), strings, dates and objects (as JSON) TEXT,
 * bytes BLOB. A null gives no declared type, so the column takes whatever
 * later rows hold instead of converting them to text.
 */
export function inferColumns(record: Row): ColumnSpec[] {
  return Object.entries(record).map(([name, value]) => ({ name, type: inferType(value) }));
}

function inferType(value: unknown): string {
  switch (typeof value) {
    case "number":
      return Number.isInteger(value) ? "INTEGER" : "REAL";
    case "bigint":
    case "boolean":
      return "INTEGER";
    case "string":
      return "TEXT";
    case "object":
      if (value === null) return "";
      return value instanceof Uint8Array ? "BLOB" : "TEXT";
    default:
      return "";
  }
}

/** Column specs from a sink's `columns` option. */
export function declaredColumns(columns: Record<string, SqliteColumnType>): ColumnSpec[] {
  return Object.entries(columns).map(([name, type]) => ({ name, type }));
}

/** CREATE TABLE with the key columns NOT NULL and as the primary key. */
export function createTableSql(table: string, columns: ColumnSpec[], key: string[]): string {
  const definitions = columns.map(({ name, type }) =>
    [quoteName(name), type, key.includes(name) ? "NOT NULL" : ""].filter(Boolean).join(" "),
  );
  return `CREATE TABLE ${table} (${definitions.join(", ")}, PRIMARY KEY (${key.map(quoteName).join(", ")}))`;
}

/** The `ON CONFLICT (key) DO UPDATE ...` clause that makes inserts upserts. */
export function upsertClause(columns: ColumnSpec[], key: string[]): string {
  const updates = columns.filter(({ name }) => !key.includes(name)).map(({ name }) => `${quoteName(name)} = excluded.${quoteName(name)}`);
  const action = updates.length > 0 ? `DO UPDATE SET ${updates.join(", ")}` : "DO NOTHING";
  return `ON CONFLICT (${key.map(quoteName).join(", ")}) ${action}`;
}

/** The columns of `table` in `schema` ("main" or an attached name), or null. */
export function tableColumns(db: Database.Database, table: string, schema = "main"): ColumnSpec[] | null {
  const rows = db.prepare(`SELECT name, type FROM pragma_table_info(?, ?) ORDER BY cid`).all(table, schema) as ColumnSpec[];
  return rows.length > 0 ? rows : null;
}

/** A JS value as SQLite can store it: booleans 0/1, dates ISO, objects JSON. */
export function toSqliteValue(value: unknown): unknown {
  switch (typeof value) {
    case "undefined":
      return null;
    case "boolean":
      return value ? 1 : 0;
    case "object":
      if (value === null || value instanceof Uint8Array) return value;
      if (value instanceof Date) return value.toISOString();
      return JSON.stringify(value);
    default:
      return value;
  }
}
