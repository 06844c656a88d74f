import { describe, expect, test } from "vitest";

import { generator, type GeneratorContext } from "../../src/io/index.js";
import { expectResumeLaw, ioContext, readAll, tempDir } from "../support/io-fixtures.js";

/** Pages 0..19; shard i takes pages i, i+n, ...; the cursor is the next page. */
async function* pages({ shard, cursor }: GeneratorContext) {
  for (let page = (cursor as number | null) ?? shard.index; page < 20; page += shard.count) {
    yield { record: { page }, cursor: page + shard.count };
  }
}

describe("generator source", () => {
  test("batches the generator's records and keeps its cursor", async () => {
    const dir = await tempDir();
    const { batches, records } = await readAll(generator(pages), ioContext(dir, { index: 1, count: 3, batchSize: 4 }));
    expect(records.map((record) => record.page)).toEqual([1, 4, 7, 10, 13, 16, 19]);
    expect(batches.map((batch) => [batch.firstRow, batch.cursor])).toEqual([
      [0, { row: 4, user: 13 }],
      [4, { row: 7, user: 22 }],
    ]);
  });

  test("resumes the generator from its own cursor", async () => {
    const dir = await tempDir();
    await expectResumeLaw(generator(pages), ioContext(dir, { index: 0, count: 2, batchSize: 3 }));
    const resumed = await readAll(generator(pages), ioContext(dir, { batchSize: 100 }), { row: 5, user: 17 });
    expect(resumed.records).toEqual([{ page: 17 }, { page: 18 }, { page: 19 }]);
    expect(resumed.batches[0].cursor).toEqual({ row: 8, user: 20 });
  });
});
