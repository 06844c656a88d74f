import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";

import { sqliteTable } from "../../src/io/index.js";
import type { OutputFile, Row, Sink } from "../../src/pipeline/types.js";
import { sinkContext, tempDir } from "../support/io-fixtures.js";

function rowsOf(file: string, sql: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

/** Runs every shard of a stage to the end and publishes. */
async function runStage(sink: Sink, baseDir: string, shards: Row[][]): Promise<OutputFile[]> {
  const dataDir = path.join(baseDir, ".bulkhead", "stage");
  const parts: OutputFile[][] = [];
  for (let index = 0; index < shards.length; index++) {
    const writer = await sink.open(sinkContext(baseDir, dataDir, { index, count: shards.length }), null);
    await writer.write(shards[index]);
    await writer.commit();
    parts.push(await writer.finish());
  }
  return sink.publish(sinkContext(baseDir, dataDir), parts);
}

describe("sqliteTable sink", () => {
  test("replaying a batch after a crash does not duplicate keys", async () => {
    const baseDir = await tempDir();
    const dataDir = path.join(baseDir, "data");
    const sink = sqliteTable({ path: "out.db", table: "people", key: "id" });
    const ctx = sinkContext(baseDir, dataDir);

    const first = await sink.open(ctx, null);
    await first.write([{ id: 1, name: "a" }, { id: 2, name: "b" }]);
    const committed = JSON.parse(JSON.stringify(await first.commit()));
    expect(committed).toEqual({ rows: 2 });
    await first.write([{ id: 3, name: "c" }]);
    await first.close(); // crash after a write the checkpoint never recorded

    const second = await sink.open(ctx, committed);
    await second.write([{ id: 3, name: "c" }, { id: 4, name: "d" }]); // the replayed batch, and more
    await second.write([{ id: 2, name: "b2" }]);
    expect(await second.commit()).toEqual({ rows: 4 });
    const [part] = await second.finish();

    expect(path.basename(part.path)).toBe("part-00000-of-00001.sqlite");
    expect(part.rows).toBe(4);
    expect(part.sha256).toBe(createHash("sha256").update(await readFile(part.path)).digest("hex"));
    expect(rowsOf(part.path, "SELECT id, name FROM people ORDER BY id")).toEqual([
      { id: 1, name: "a" },
      { id: 2, name: "b2" },
      { id: 3, name: "c" },
      { id: 4, name: "d" },
    ]);
  });

  test("open(null) deletes an earlier attempt's staging database", async () => {
    const baseDir = await tempDir();
    const sink = sqliteTable({ path: "out.db", table: "t", key: "id" });
    const ctx = sinkContext(baseDir, baseDir);
    const earlier = await sink.open(ctx, null);
    await earlier.write([{ id: 1 }, { id: 2 }]);
    await earlier.close();

    const fresh = await sink.open(ctx, null);
    await fresh.write([{ id: 9 }]);
    const [part] = await fresh.finish();
    expect(rowsOf(part.path, "SELECT id FROM t")).toEqual([{ id: 9 }]);
  });

  test("publish copies every shard into the target table and returns the database", async () => {
    const baseDir = await tempDir();
    const sink = sqliteTable({ path: "db/out.db", table: "sales", key: ["region", "day"] });
    const outputs = await runStage(sink, baseDir, [
      [{ region: "n", day: 1, total: 1.5, ok: true }],
      [],
      [{ region: "s", day: 1, total: 2, ok: false }, { region: "n", day: 2, total: null, ok: true }],
    ]);
    const target = path.join(baseDir, "db", "out.db");
    expect(rowsOf(target, "SELECT * FROM sales ORDER BY region, day")).toEqual([
      { region: "n", day: 1, total: 1.5, ok: 1 },
      { region: "n", day: 2, total: null, ok: 1 },
      { region: "s", day: 1, total: 2, ok: 0 },
    ]);
    expect(outputs).toHaveLength(1);
    expect(outputs[0]).toMatchObject({ path: target, rows: 3 });
    expect(outputs[0].sha256).toBe(createHash("sha256").update(await readFile(target)).digest("hex"));
    expect(rowsOf(target, "SELECT name, pk FROM pragma_table_info('sales') WHERE pk > 0 ORDER BY pk")).toEqual([
      { name: "region", pk: 1 },
      { name: "day", pk: 2 },
    ]);
    expect((await readdir(baseDir, { recursive: true })).filter((name) => name.endsWith(".partial"))).toEqual([]);
  });

  test("publish replaces the previous table instead of appending, and leaves other tables alone", async () => {
    const baseDir = await tempDir();
    const target = path.join(baseDir, "out.db");
    const db = new Database(target);
    db.exec("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, age INTEGER); INSERT INTO people VALUES (1, 'old', 50), (7, 'gone', 3);");
    db.exec("CREATE TABLE other (x); INSERT INTO other VALUES (42);");
    db.close();

    const sink = sqliteTable({ path: "out.db", table: "people", key: "id", columns: { id: "INTEGER", name: "TEXT" } });
    await runStage(sink, baseDir, [[{ id: 1, name: "new" }], [{ id: 2, name: "two" }]]);
    expect(rowsOf(target, "SELECT * FROM people ORDER BY id")).toEqual([
      { id: 1, name: "new" },
      { id: 2, name: "two" },
    ]);
    await runStage(sink, baseDir, [[{ id: 3, name: "three" }]]);
    expect(rowsOf(target, "SELECT * FROM people ORDER BY id")).toEqual([{ id: 3, name: "three" }]);
    expect(rowsOf(target, "SELECT * FROM other")).toEqual([{ x: 42 }]);
    expect(rowsOf(target, "SELECT name FROM sqlite_master WHERE name LIKE '%bulkhead%'")).toEqual([]);
  });

  test("refuses a record without its key and a field that is not a column", async () => {
    const baseDir = await tempDir();
    const writer = await sqliteTable({ path: "out.db", table: "t", key: "id" }).open(sinkContext(baseDir, baseDir), null);
    await writer.write([{ id: 1, a: "x" }]);
    await expect(writer.write([{ a: "y" }])).rejects.toThrow('sqliteTable t: a record has no key "id"; every record needs its key columns');
    await expect(writer.write([{ id: 2, b: 1 }])).rejects.toThrow(
      'sqliteTable t: a record has field "b", which is not a column (id, a); pass columns: {...} to sqliteTable() listing every field',
    );
    expect(await writer.commit()).toEqual({ rows: 1 });
    await writer.close();
  });
});
