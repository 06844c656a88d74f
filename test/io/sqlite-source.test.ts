import path from "node:path";

import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";

import { sqlite } from "../../src/io/index.js";
import { fnv1a } from "../../src/io/stable-hash.js";
import { expectResumeLaw, ioContext, readAll, shardReads, tempDir } from "../support/io-fixtures.js";

/** A database with `people` rows whose ids are inserted out of order. */
async function peopleDb(count = 30): Promise<{ dir: string; rows: { id: number; name: string; score: number | null }[] }> {
  const dir = await tempDir();
  const db = new Database(path.join(dir, "shop.db"));
  db.exec("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, score REAL)");
  const rows = Array.from({ length: count }, (_, i) => ({ id: (i * 7) % count + 1, name: `p${i}`, score: i % 4 === 0 ? null : i / 2 }));
  const insert = db.prepare("INSERT INTO people VALUES (@id, @name, @score)");
  for (const row of rows) insert.run(row);
  db.close();
  return { dir, rows: [...rows].sort((a, b) => a.id - b.id) };
}

describe("sqlite source", () => {
  test("reads the query's rows in key order, one page per batch", async () => {
    const { dir, rows } = await peopleDb();
    const { batches, records } = await readAll(sqlite({ path: "shop.db", query: "SELECT * FROM people;", key: "id" }), ioContext(dir, { batchSize: 8 }));
    expect(records).toEqual(rows);
    expect(batches.map((batch) => batch.cursor)).toEqual([
      { row: 8, key: 8 },
      { row: 16, key: 16 },
      { row: 24, key: 24 },
      { row: 30, key: 30 },
    ]);
  });

  test("gives shard i the rows whose key hashes to i: every row once over 1 to 4 shards", async () => {
    const { dir, rows } = await peopleDb(41);
    const source = sqlite({ path: "shop.db", query: "SELECT id, name FROM people WHERE id > 1", key: "id" });
    const expected = rows.filter((row) => row.id > 1).map(({ id, name }) => ({ id, name }));
    for (let count = 1; count <= 4; count++) {
      const shards = await shardReads(source, dir, count, 3);
      shards.forEach((shard, index) => expect(shard).toEqual(expected.filter((row) => fnv1a(String(row.id)) % count === index)));
      const counts = await Promise.all(shards.map((_, index) => source.countRows!(ioContext(dir, { index, count }))));
      expect(counts).toEqual(shards.map((shard) => shard.length));
    }
  });

  test("resumes from any batch's cursor with exactly the rows that followed", async () => {
    const { dir } = await peopleDb(25);
    for (const [index, count] of [[0, 1], [1, 2]]) {
      await expectResumeLaw(sqlite({ path: "shop.db", query: "SELECT * FROM people", key: "name" }), ioContext(dir, { index, count, batchSize: 4 }));
    }
  });

  test("refuses a key that is not unique instead of skipping rows", async () => {
    const { dir } = await peopleDb(10);
    const source = sqlite({ path: "shop.db", query: "SELECT id % 3 AS bucket FROM people", key: "bucket" });
    await expect(readAll(source, ioContext(dir, { batchSize: 2 }))).rejects.toThrow(
      `sqlite ${path.join(dir, "shop.db")}: key "bucket" is not unique (0 appears twice); pick a unique key column`,
    );
  });

  test("says which query failed and what it needs", async () => {
    const { dir } = await peopleDb(3);
    await expect(readAll(sqlite({ path: "shop.db", query: "SELECT name FROM people", key: "id" }), ioContext(dir))).rejects.toThrow(
      /^sqlite .*shop\.db: the query failed \(no such column: q\.id\); check the query and that it returns the column "id"$/,
    );
  });

  test("names the file when the database does not exist", async () => {
    const dir = await tempDir();
    await expect(readAll(sqlite({ path: "nope.db", query: "SELECT 1 AS id", key: "id" }), ioContext(dir))).rejects.toThrow(
      `sqlite ${path.join(dir, "nope.db")}: cannot open the database`,
    );
  });
});
