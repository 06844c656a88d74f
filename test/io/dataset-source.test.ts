import { writeFile } from "node:fs/promises";
import path from "node:path";

import { describe, expect, test } from "vitest";

import { csvDataset, dataset, ndjsonDataset, readDatasetManifest } from "../../src/io/index.js";
import type { DatasetManifest, Row, Sink } from "../../src/pipeline/types.js";
import { expectResumeLaw, ioContext, readAll, shardReads, sinkContext, tempDir } from "../support/io-fixtures.js";

/** Writes `partSizes` parts through a dataset sink and returns the manifest. */
async function publishDataset(sink: Sink, partSizes: number[]): Promise<{ manifest: DatasetManifest; records: Row[] }> {
  const dataDir = await tempDir();
  const records: Row[] = [];
  const parts = [];
  for (let index = 0; index < partSizes.length; index++) {
    const part = Array.from({ length: partSizes[index] }, (_, k) => ({ id: `${index}-${k}`, text: k % 3 === 0 ? "two\nlines" : "x,y" }));
    records.push(...part);
    const writer = await sink.open(sinkContext(dataDir, dataDir, { index, count: partSizes.length, stageId: "up" }), null);
    await writer.write(part);
    parts.push(await writer.finish());
  }
  await sink.publish(sinkContext(dataDir, dataDir, { stageId: "up" }), parts);
  return { manifest: readDatasetManifest(dataDir), records };
}

describe.each([
  { format: "ndjson", sink: () => ndjsonDataset() },
  { format: "csv", sink: () => csvDataset() },
])("dataset source over $format parts", ({ sink }) => {
  test("reads the parts in order as one sequence", async () => {
    const { manifest, records } = await publishDataset(sink(), [5, 0, 3]);
    const dir = await tempDir();
    const { records: read } = await readAll(dataset("up"), ioContext(dir, { batchSize: 2, datasets: { up: manifest } }));
    expect(read).toEqual(records);
  });

  test("splits the rows into contiguous ranges: for 1 to 4 shards, each row once, in order", async () => {
    const { manifest, records } = await publishDataset(sink(), [7, 1, 0, 6, 9]);
    const dir = await tempDir();
    for (let count = 1; count <= 4; count++) {
      const shards = await shardReads(dataset("up"), dir, count, 2, { up: manifest });
      expect(shards.flat()).toEqual(records);
      const counts = await Promise.all(
        shards.map((_, index) => dataset("up").countRows!(ioContext(dir, { index, count, datasets: { up: manifest } }))),
      );
      expect(counts).toEqual(shards.map((shard) => shard.length));
    }
  });

  test("resumes from any batch's cursor with exactly the rows that followed", async () => {
    const { manifest } = await publishDataset(sink(), [4, 5, 3]);
    const dir = await tempDir();
    for (const [index, count] of [[0, 1], [1, 3], [2, 3]]) {
      await expectResumeLaw(dataset("up"), ioContext(dir, { index, count, batchSize: 2, datasets: { up: manifest } }));
    }
  });
});

describe("dataset source", () => {
  test("gives back NDJSON values as written and CSV values as strings", async () => {
    const dataDir = await tempDir();
    const record = { n: 1.5, ok: true, none: null, list: [1, "a"] };
    for (const sink of [ndjsonDataset(), csvDataset()]) {
      const writer = await sink.open(sinkContext(dataDir, dataDir), null);
      await writer.write([record]);
      const parts = [await writer.finish()];
      await sink.publish(sinkContext(dataDir, dataDir, { stageId: "up" }), parts);
    }
    // The second publish (CSV) wrote the manifest last.
    const manifest = readDatasetManifest(dataDir);
    expect(manifest.format).toBe("csv");
    const { records } = await readAll(dataset("up"), ioContext(dataDir, { datasets: { up: manifest } }));
    expect(records).toEqual([{ n: "1.5", ok: "true", none: "", list: '[1,"a"]' }]);

    const ndjsonManifest = { ...manifest, format: "ndjson" as const, parts: [{ ...manifest.parts[0], path: path.join(dataDir, "part-00000-of-00001.ndjson") }] };
    const fromNdjson = await readAll(dataset("up"), ioContext(dataDir, { datasets: { up: ndjsonManifest } }));
    expect(fromNdjson.records).toEqual([record]);
  });

  test("reports a damaged NDJSON line as a reject naming the part", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "p.ndjson"), '{"a":1}\n{"a":\n{"a":3}\n');
    const manifest: DatasetManifest = { stage: "up", format: "ndjson", parts: [{ path: "p.ndjson", rows: 3, bytes: 0, sha256: "" }] };
    const { records, rejects } = await readAll(dataset("up"), ioContext(dir, { datasets: { up: manifest } }));
    expect(records).toEqual([{ a: 1 }, { a: 3 }]);
    expect(rejects[0]).toMatchObject({ line: 2, row: 1 });
    expect(rejects[0].reason).toMatch(/^p\.ndjson line 2: invalid JSON/);
  });
});
