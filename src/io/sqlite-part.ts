import Database from "better-sqlite3";

import type { Row } from "../pipeline/types.js";
import { IoError } from "./io-error.js";
import {
  createTableSql,
  inferColumns,
  tableColumns,
  toSqliteValue,
  upsertClause,
  type ColumnSpec,
} from "./sqlite-columns.js";
import { quoteName } from "./sqlite-names.js";

/**
 * One shard's staging database: a table keyed like the target, written by
 * upserts, one transaction per write(), so replaying a batch after a crash
 * changes nothing.
 */
export class SqlitePart {
  private readonly db: Database.Database;
  private columns: ColumnSpec[] | null;
  private upsert: Database.Statement | null = null;
  private known = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly table: string,
    private readonly key: string[],
    private readonly declared: ColumnSpec[] | null,
  ) {
    this.db = new Database(file);
    // One self-contained file: the rollback journal is deleted at each commit.
    this.db.pragma("journal_mode = DELETE");
    this.db.pragma("synchronous = FULL");
    this.columns = tableColumns(this.db, table);
    if (this.columns) this.prepare(this.columns);
  }

  /** Upserts `records` in one transaction; creates the table on first use. */
  write(records: Row[]): void {
    if (records.length === 0) return;
    if (this.columns === null) this.createTable(this.declared ?? inferColumns(records[0]));
    const columns = this.columns!;
    const upsert = this.upsert!;
    this.db.transaction(() => {
      for (const record of records) {
        this.checkRecord(record);
        upsert.run(columns.map(({ name }) => toSqliteValue(record[name])));
      }
    })();
  }

  /** Rows in the staging table. */
  count(): number {
    if (this.columns === null) return 0;
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM ${quoteName(this.table)}`).get() as { n: number }).n;
  }

  /** Closes the database; safe to call twice. */
  close(): void {
    if (this.db.open) this.db.close();
  }

  private createTable(columns: ColumnSpec[]): void {
    const missing = this.key.filter((name) => !columns.some((column) => column.name === name));
    if (missing.length > 0) {
      throw new IoError(
        `sqliteTable ${this.table}: key column ${missing.map((name) => `"${name}"`).join(", ")} is not among the columns (${columns.map((c) => c.name).join(", ")}); add it to the records or to columns`,
        this.file,
      );
    }
    this.db.exec(createTableSql(quoteName(this.table), columns, this.key));
    this.columns = columns;
    this.prepare(columns);
  }

  private prepare(columns: ColumnSpec[]): void {
    const names = columns.map(({ name }) => quoteName(name)).join(", ");
    const slots = columns.map(() => "?").join(", ");
    this.upsert = this.db.prepare(`INSERT INTO ${quoteName(this.table)} (${names}) VALUES (${slots}) ${upsertClause(columns, this.key)}`);
    this.known = new Set(columns.map(({ name }) => name));
  }

  private checkRecord(record: Row): void {
    for (const name of this.key) {
      if (record[name] === null || record[name] === undefined) {
        throw new IoError(`sqliteTable ${this.table}: a record has no key "${name}"; every record needs its key columns`, this.file);
      }
    }
    for (const name in record) {
      if (!this.known.has(name)) {
        throw new IoError(
          `sqliteTable ${this.table}: a record has field "${name}", which is not a column (${[...this.known].join(", ")}); pass columns: {...} to sqliteTable() listing every field`,
          this.file,
        );
      }
    }
  }
}
