import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFile, open, writeFile } from "node:fs/promises";
import path from "node:path";

import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, test } from "vitest";

import { parquet } from "../../src/io/index.js";
import type { Row } from "../../src/pipeline/types.js";
import { expectResumeLaw, ioContext, readAll, tempDir } from "../support/io-fixtures.js";

const FLIGHTS = path.resolve("node_modules/vega-datasets/data/flights-3m.parquet");
const ROWS = 3_000_000;

/** What hyparquet itself decodes for rows [start, end), made JSON-safe by hand. */
async function expectedRows(start: number, end: number): Promise<Row[]> {
  const file = await asyncBufferFromFile(FLIGHTS);
  const rows = await parquetReadObjects({ file, compressors, rowStart: start, rowEnd: end });
  return rows.map((row) => ({
    date: (row.date as Date).toISOString(),
    delay: Number(row.delay as bigint),
    distance: Number(row.distance as bigint),
    origin: row.origin as string,
    destination: row.destination as string,
  }));
}

/** Streams a shard's records into a hash so 3,000,000 rows need no memory. */
async function hashShards(count: number, hash = createHash("sha256")) {
  let rows = 0;
  for (let index = 0; index < count; index++) {
    const ctx = ioContext(path.dirname(FLIGHTS), { index, count, batchSize: 100_000 });
    for await (const batch of parquet({ path: path.basename(FLIGHTS), columns: ["delay", "origin"] }).read(ctx, null)) {
      for (const record of batch.records) hash.update(`${record.delay},${record.origin}\n`);
      rows += batch.records.length;
    }
  }
  return { rows, digest: hash.digest("hex") };
}

describe("parquet source", () => {
  test("reads a row group in batches, with the values hyparquet decodes as numbers and ISO dates", async () => {
    // Shard 1 of 11 is rows 272,727..545,454: exactly row group 1.
    const ctx = ioContext(path.dirname(FLIGHTS), { index: 1, count: 11, batchSize: 100_000 });
    const source = parquet({ path: path.basename(FLIGHTS) });
    expect(await source.countRows!(ctx)).toBe(272_727);

    const batches = [];
    for await (const batch of source.read(ctx, null)) batches.push(batch);
    expect(batches.map((batch) => [batch.firstRow, batch.records.length, batch.cursor.row])).toEqual([
      [272_727, 100_000, 100_000],
      [372_727, 100_000, 200_000],
      [472_727, 72_727, 272_727],
    ]);
    expect(batches[1].records.slice(0, 50)).toEqual(await expectedRows(372_727, 372_777));
    expect(batches[0].records[0]).toEqual((await expectedRows(272_727, 272_728))[0]);
    expect(typeof batches[0].records[0].date).toBe("string");
  });

  test("reads only the asked columns", async () => {
    const ctx = ioContext(path.dirname(FLIGHTS), { index: 0, count: 3000, batchSize: 400 });
    const { records } = await readAll(parquet({ path: path.basename(FLIGHTS), columns: ["origin", "delay"] }), ctx);
    const expected = (await expectedRows(0, 1000)).map(({ origin, delay }) => ({ origin, delay }));
    expect(records).toEqual(expected);
  });

  test("refuses an unknown column, listing the real ones", async () => {
    const ctx = ioContext(path.dirname(FLIGHTS), { count: 3000 });
    await expect(readAll(parquet({ path: path.basename(FLIGHTS), columns: ["delay", "carrier"] }), ctx)).rejects.toThrow(
      `parquet ${FLIGHTS}: no column "carrier"; the file has date, delay, distance, origin, destination`,
    );
  });

  test("resumes from any batch's cursor, across row groups", async () => {
    // Shard 3 of 10 (rows 900,000..1,200,000) straddles row groups 3 and 4.
    const ctx = ioContext(path.dirname(FLIGHTS), { index: 3, count: 10, batchSize: 70_000 });
    const batches = await expectResumeLaw(parquet({ path: path.basename(FLIGHTS), columns: ["distance"] }), ctx);
    expect(batches).toBe(5);
  }, 60_000);

  test("shards read every row exactly once, in order, for 1 to 4 shards", async () => {
    const whole = await hashShards(1);
    expect(whole.rows).toBe(ROWS);
    for (let count = 2; count <= 4; count++) expect(await hashShards(count)).toEqual(whole);
  }, 180_000);

  test("says a truncated file is not a readable Parquet file, naming it", async () => {
    const dir = await tempDir();
    const truncated = path.join(dir, "truncated.parquet");
    const handle = await open(FLIGHTS, "r");
    const head = Buffer.alloc(1000);
    await handle.read(head, 0, 1000, 0);
    await handle.close();
    await writeFile(truncated, head);
    await expect(readAll(parquet({ path: "truncated.parquet" }), ioContext(dir))).rejects.toThrow(
      new RegExp(`^parquet ${truncated}: not a readable Parquet file \\(.*\\); check that the file is complete and really Parquet$`),
    );
  });

  test("says a text file is not a readable Parquet file, naming it", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "notes.parquet"), "id,name\n1,a\n");
    await expect(readAll(parquet({ path: "notes.parquet" }), ioContext(dir))).rejects.toThrow(
      `parquet ${path.join(dir, "notes.parquet")}: not a readable Parquet file`,
    );
  });

  test("counts a shard's rows from the footer", async () => {
    const dir = await tempDir();
    await copyFile(FLIGHTS, path.join(dir, "f.parquet"));
    const counts: number[] = [];
    for (let index = 0; index < 7; index++) counts.push((await parquet({ path: "f.parquet" }).countRows!(ioContext(dir, { index, count: 7 })))!);
    expect(counts.reduce((a, b) => a + b)).toBe(ROWS);
    expect(counts).toEqual([428_571, 428_571, 428_572, 428_571, 428_572, 428_571, 428_572]);
  });

  test("keeps column names that mean something to JavaScript as plain fields", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "odd.parquet");
    const db = await (await DuckDBInstance.create(":memory:")).connect();
    await db.run(
      `COPY (SELECT 1 AS "__proto__", 'a' AS "we""ird\\name", NULL::INTEGER AS "constructor", 2.5 AS "x: 1 }; throw 1; //" ` +
        `UNION ALL SELECT 2, 'b', 7, 3.5) TO '${file}' (FORMAT parquet)`,
    );
    db.closeSync();
    const { records } = await readAll(parquet({ path: "odd.parquet" }), ioContext(dir));
    expect(records.map((record) => Object.entries(record))).toEqual([
      [["__proto__", 1], ['we"ird\\name', "a"], ["constructor", null], ["x: 1 }; throw 1; //", 2.5]],
      [["__proto__", 2], ['we"ird\\name', "b"], ["constructor", 7], ["x: 1 }; throw 1; //", 3.5]],
    ]);
    expect(Object.getPrototypeOf(records[0])).toBe(Object.prototype);

    // Where code generation is switched off, records are built key by key: the same records.
    const keyByKey = execFileSync(
      process.execPath,
      ["--disallow-code-generation-from-strings", "--import", import.meta.resolve("tsx"), "test/fixtures/read-parquet-records.ts", dir, "odd.parquet"],
      { encoding: "utf8" },
    );
    expect(JSON.parse(keyByKey)).toEqual(records.map((record) => [true, Object.entries(record)]));
  });

  test("gives 64-bit integers as numbers, null as null, and beyond 2^53 as decimal strings", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "ints.parquet");
    const db = await (await DuckDBInstance.create(":memory:")).connect();
    await db.run(
      `COPY (SELECT * FROM (VALUES (1, -5::BIGINT, 10::BIGINT), (2, NULL, 20), (3, 9007199254740993, 30), (4, -9007199254740993, 40)) t(id, mixed, plain) ORDER BY id) ` +
        `TO '${file}' (FORMAT parquet)`,
    );
    db.closeSync();
    const { records } = await readAll(parquet({ path: "ints.parquet" }), ioContext(dir));
    expect(records).toEqual([
      { id: 1, mixed: -5, plain: 10 },
      { id: 2, mixed: null, plain: 20 },
      { id: 3, mixed: "9007199254740993", plain: 30 },
      { id: 4, mixed: "-9007199254740993", plain: 40 },
    ]);
  });
});
