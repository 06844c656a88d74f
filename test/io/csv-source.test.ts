import { writeFile } from "node:fs/promises";
import path from "node:path";

import fc from "fast-check";
import { describe, expect, test } from "vitest";

import { csv } from "../../src/io/index.js";
import { expectResumeLaw, ioContext, readAll, shardReads, tempDir } from "../support/io-fixtures.js";

async function csvFile(text: string | Buffer, name = "data.csv"): Promise<{ dir: string; file: string }> {
  const dir = await tempDir();
  await writeFile(path.join(dir, name), text);
  return { dir, file: name };
}

describe("csv source", () => {
  test("drops a UTF-8 BOM and a CRLF so the first key is exactly id", async () => {
    const { dir, file } = await csvFile("\uFEFFid,name\r\n1,a\r\n");
    const { records, batches } = await readAll(csv({ path: file }), ioContext(dir));
    expect(records).toEqual([{ id: "1", name: "a" }]);
    expect(Object.keys(records[0])[0]).toBe("id");
    expect(batches[0].lines).toEqual([2]);
  });

  test.each([1, 2, 7, 64, 65536])("keeps a quoted newline and strips CRLF with %i-byte reads", async (highWaterMark) => {
    const { dir, file } = await csvFile('a,b\r\n"x","p\nq"\r\n"y,z","say ""hi"""\r\n');
    const { records, batches } = await readAll(csv({ path: file, highWaterMark }), ioContext(dir));
    expect(records).toEqual([
      { a: "x", b: "p\nq" },
      { a: "y,z", b: 'say "hi"' },
    ]);
    expect(JSON.stringify(records)).not.toContain("\\r");
    expect(batches[0].lines).toEqual([2, 4]);
  });

  test("rejects rows with the wrong field count with their line numbers, never shifting fields", async () => {
    const { dir, file } = await csvFile("a,b,c\n1,2,3\n5,6\n7,8,9,10\n");
    const { records, rejects } = await readAll(csv({ path: file }), ioContext(dir));
    expect(records).toEqual([{ a: "1", b: "2", c: "3" }]);
    expect(rejects).toEqual([
      { line: 3, row: 1, reason: "line 3: expected 3 fields, got 2", raw: "5,6" },
      { line: 4, row: 2, reason: "line 4: expected 3 fields, got 4", raw: "7,8,9,10" },
    ]);
  });

  test("numbers lines after a quoted field that spans lines", async () => {
    const { dir, file } = await csvFile('a,b\r\n"multi\r\nline",1\r\nbad\r\n3,4\r\n');
    const { records, rejects, batches } = await readAll(csv({ path: file }), ioContext(dir));
    expect(records).toEqual([
      { a: "multi\r\nline", b: "1" },
      { a: "3", b: "4" },
    ]);
    expect(batches[0].lines).toEqual([2, 5]);
    expect(rejects.map((reject) => reject.line)).toEqual([4]);
  });

  test("reads nothing from an empty file or a header-only file", async () => {
    for (const text of ["", "id,name\n", "id,name"]) {
      const { dir, file } = await csvFile(text);
      const { records, rejects } = await readAll(csv({ path: file }), ioContext(dir));
      expect({ text, records, rejects }).toEqual({ text, records: [], rejects: [] });
    }
  });

  test("skips a blank last line", async () => {
    const { dir, file } = await csvFile("id\n1\n2\n\n");
    expect((await readAll(csv({ path: file }), ioContext(dir))).records).toEqual([{ id: "1" }, { id: "2" }]);
  });

  test("refuses a header with a duplicated column, naming the file and the column", async () => {
    const { dir, file } = await csvFile("id,name,id\n1,a,2\n");
    await expect(readAll(csv({ path: file }), ioContext(dir))).rejects.toThrow(
      `csv ${path.join(dir, file)}: duplicate column "id" in the header (columns 1 and 3); rename one of them, or pass columns: [...] to name the columns yourself`,
    );
  });

  test("takes column names from the columns option for a file without a header", async () => {
    const { dir, file } = await csvFile("1;a\n2;b\n");
    const { records } = await readAll(csv({ path: file, delimiter: ";", columns: ["id", "name"] }), ioContext(dir));
    expect(records).toEqual([
      { id: "1", name: "a" },
      { id: "2", name: "b" },
    ]);
  });

  test("stops with the file and line when a quote is never closed", async () => {
    const { dir, file } = await csvFile('a,b\n1,2\n"open,3\n4,5\n');
    await expect(readAll(csv({ path: file }), ioContext(dir))).rejects.toThrow(/^csv .*data\.csv, line \d+: Quote Not Closed/);
  });

  test("gives shard i the records i, i+n, i+2n... so the shards together read every record once", async () => {
    const rows = Array.from({ length: 23 }, (_, i) => ({ id: String(i), text: i % 3 === 0 ? `line\n${i}` : `t,${i}` }));
    const body = rows.map((row) => `${row.id},"${row.text}"`).join("\r\n");
    const { dir, file } = await csvFile(`id,text\r\n${body}\r\n`);
    for (let count = 1; count <= 4; count++) {
      const shards = await shardReads(csv({ path: file }), dir, count, 3);
      shards.forEach((records, index) => expect(records).toEqual(rows.filter((_, i) => i % count === index)));
    }
  });

  test("resumes from any batch's cursor with exactly the records that followed, in every shard", async () => {
    const lines = Array.from({ length: 40 }, (_, i) => (i % 7 === 3 ? `${i}` : `${i},"v\n${i}"`));
    const { dir, file } = await csvFile(`\uFEFFid,v\n${lines.join("\n")}\n`);
    for (const [index, count] of [[0, 1], [1, 3], [2, 3]]) {
      const batches = await expectResumeLaw(csv({ path: file }), ioContext(dir, { index, count, batchSize: 4 }));
      expect(batches).toBeGreaterThan(1);
    }
  });

  test("holds the sharding and resume laws for any fields, line ends and bad rows", async () => {
    const field = fc.string({ unit: fc.constantFrom("a", "b", " ", ",", '"', "\n", "\r\n", "é"), maxLength: 6 });
    const row = fc.array(field, { minLength: 1, maxLength: 3 });
    const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 20 }),
        fc.constantFrom("\n", "\r\n"),
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        async (rows, newline, bom, count, batchSize) => {
          const text = (bom ? "\uFEFF" : "") + ["a,b", ...rows.map((fields) => fields.map(quote).join(","))].map((line) => line + newline).join("");
          const { dir, file } = await csvFile(text);
          const numbered = rows.flatMap((fields, i) => (fields.length === 2 ? [{ i, record: { a: fields[0], b: fields[1] } }] : []));
          const good = numbered.map(({ record }) => record);

          const whole = await readAll(csv({ path: file, highWaterMark: 5 }), ioContext(dir, { batchSize }));
          expect(whole.records).toEqual(good);
          expect(whole.rejects.map((reject) => reject.row)).toEqual(rows.flatMap((fields, i) => (fields.length === 2 ? [] : [i])));

          const shards = await shardReads(csv({ path: file }), dir, count, batchSize);
          shards.forEach((records, index) => expect(records).toEqual(numbered.filter(({ i }) => i % count === index).map(({ record }) => record)));
          await expectResumeLaw(csv({ path: file }), ioContext(dir, { index: count - 1, count, batchSize }));
        },
      ),
      { numRuns: 40 },
    );
  });
});
