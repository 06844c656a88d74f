import { writeFile } from "node:fs/promises";
import path from "node:path";

import fc from "fast-check";
import { describe, expect, test } from "vitest";

import { ndjson } from "../../src/io/index.js";
import { expectResumeLaw, ioContext, readAll, shardReads, tempDir } from "../support/io-fixtures.js";

async function ndjsonFile(text: string): Promise<{ dir: string; file: string }> {
  const dir = await tempDir();
  await writeFile(path.join(dir, "data.ndjson"), text);
  return { dir, file: "data.ndjson" };
}

describe("ndjson source", () => {
  test("rejects a truncated line in the middle with its line number and reads the others", async () => {
    const { dir, file } = await ndjsonFile('{"id":1}\n{"id":2}\n{"id":\n{"id":4}\r\n');
    const { records, rejects, batches } = await readAll(ndjson({ path: file }), ioContext(dir));
    expect(records).toEqual([{ id: 1 }, { id: 2 }, { id: 4 }]);
    expect(batches[0].lines).toEqual([1, 2, 4]);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ line: 3, row: 2, raw: '{"id":' });
    expect(rejects[0].reason).toMatch(/^line 3: invalid JSON \(/);
  });

  test("rejects lines that are JSON but not objects, and skips blank lines", async () => {
    const { dir, file } = await ndjsonFile('[1]\n\n  \n"s"\nnull\n{"ok":true}');
    const { records, rejects, batches } = await readAll(ndjson({ path: file }), ioContext(dir));
    expect(records).toEqual([{ ok: true }]);
    expect(batches[0].lines).toEqual([6]);
    expect(rejects.map(({ line, reason }) => ({ line, reason }))).toEqual([
      { line: 1, reason: "line 1: not a JSON object (got an array)" },
      { line: 4, reason: "line 4: not a JSON object (got a string)" },
      { line: 5, reason: "line 5: not a JSON object (got null)" },
    ]);
  });

  test("numbers lines from the start of the file in every shard", async () => {
    const lines = Array.from({ length: 30 }, (_, i) => (i % 5 === 4 ? "" : JSON.stringify({ i })));
    const { dir, file } = await ndjsonFile(lines.join("\n") + "\n");
    for (let index = 0; index < 3; index++) {
      const { batches } = await readAll(ndjson({ path: file }), ioContext(dir, { index, count: 3 }));
      for (const batch of batches) {
        batch.records.forEach((record, k) => expect(batch.lines![k]).toBe((record.i as number) + 1));
      }
    }
  });

  test("splits the file by bytes so the shards together read every line once, in order", async () => {
    const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ i, pad: "x".repeat(i % 13) }));
    const { dir, file } = await ndjsonFile(lines.join("\n"));
    const all = lines.map((line) => JSON.parse(line));
    for (let count = 1; count <= 4; count++) {
      expect((await shardReads(ndjson({ path: file }), dir, count, 7)).flat()).toEqual(all);
    }
  });

  test("gives firstRow as the index among all non-blank lines", async () => {
    const { dir, file } = await ndjsonFile('{"a":0}\n\n{"a":1}\n{"a":2}\n{"a":3}\n');
    const { batches } = await readAll(ndjson({ path: file }), ioContext(dir, { index: 1, count: 2, batchSize: 1 }));
    expect(batches.map((batch) => [batch.firstRow, batch.records[0].a])).toEqual([[2, 2], [3, 3]]);
  });

  test("resumes from any batch's cursor with exactly what followed", async () => {
    const lines = Array.from({ length: 40 }, (_, i) => (i % 9 === 8 ? "{broken" : JSON.stringify({ i })));
    const { dir, file } = await ndjsonFile(lines.join("\r\n") + "\r\n");
    for (const [index, count] of [[0, 1], [1, 2], [3, 4]]) {
      await expectResumeLaw(ndjson({ path: file }), ioContext(dir, { index, count, batchSize: 3 }));
    }
  });

  test("holds both laws for any lines, shard count and batch size", async () => {
    const line = fc.oneof(
      fc.record({ v: fc.string() }).map((value) => JSON.stringify(value)),
      fc.constantFrom("", "   ", "{bad", "[]"),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 25 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), async (lines, count, batchSize) => {
        const { dir, file } = await ndjsonFile(lines.join("\n"));
        const whole = await readAll(ndjson({ path: file }), ioContext(dir, { batchSize }));
        const shards = await Promise.all(
          Array.from({ length: count }, (_, index) => readAll(ndjson({ path: file }), ioContext(dir, { index, count, batchSize }))),
        );
        expect(shards.flatMap((shard) => shard.records)).toEqual(whole.records);
        expect(shards.flatMap((shard) => shard.rejects)).toEqual(whole.rejects);
        await expectResumeLaw(ndjson({ path: file }), ioContext(dir, { index: count - 1, count, batchSize }));
      }),
      { numRuns: 40 },
    );
  });

  test("names the file when it does not exist", async () => {
    const dir = await tempDir();
    await expect(readAll(ndjson({ path: "missing.ndjson" }), ioContext(dir))).rejects.toThrow(
      new RegExp(`^ndjson ${path.join(dir, "missing.ndjson")}: cannot read the file \\(ENOENT`),
    );
  });
});
