import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import path from "node:path";

import { describe, expect, test } from "vitest";

import { csvDataset, MANIFEST_FILE, ndjsonDataset, readDatasetManifest } from "../../src/io/index.js";
import type { Row, Sink, SinkPosition } from "../../src/pipeline/types.js";
import { sinkContext, tempDir } from "../support/io-fixtures.js";

/** Records big enough that uncommitted writes reach the file (> 1 MiB). */
function makeRecords(count: number, from = 0): Row[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return { id: i, name: i % 4 === 0 ? `a, "b"\nc ${i}` : `n${i}`, note: "z".repeat(200), ok: i % 2 === 0, missing: null };
  });
}

function sha256(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}

/** NDJSON written by hand: one JSON.stringify per line. */
function ndjsonText(records: Row[]): string {
  return records.map((record) => JSON.stringify(record) + "\n").join("");
}

/** CSV written by hand for makeRecords' shape. */
function csvText(records: Row[]): string {
  const quote = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  const lines = records.map((r) => [String(r.id), quote(r.name as string), r.note as string, String(r.ok), ""].join(","));
  return ["id,name,note,ok,missing", ...lines].map((line) => line + "\n").join("");
}

async function writeStraight(sink: Sink, dataDir: string, records: Row[]) {
  const writer = await sink.open(sinkContext(dataDir, dataDir), null);
  await writer.write(records);
  await writer.commit();
  return (await writer.finish())[0];
}

describe.each([
  { name: "ndjson", sink: () => ndjsonDataset(), expected: ndjsonText, file: "part-00000-of-00001.ndjson" },
  { name: "csv", sink: () => csvDataset(), expected: csvText, file: "part-00000-of-00001.csv" },
])("$name dataset sink", ({ sink, expected, file }) => {
  test("writes a part byte-for-byte as the format says and describes it", async () => {
    const dataDir = await tempDir();
    const records = makeRecords(10);
    const output = await writeStraight(sink(), dataDir, records);
    const text = expected(records);
    expect(await readFile(path.join(dataDir, file), "utf8")).toBe(text);
    expect(output).toEqual({ path: path.join(dataDir, file), rows: 10, bytes: Buffer.byteLength(text), sha256: sha256(text) });
  });

  test("keeps the part under a .partial name until finish()", async () => {
    const dataDir = await tempDir();
    const writer = await sink().open(sinkContext(dataDir, dataDir), null);
    await writer.write(makeRecords(3));
    await writer.commit();
    expect(await readdir(dataDir)).toEqual([`${file}.partial`]);
    await writer.finish();
    expect(await readdir(dataDir)).toEqual([file]);
  });

  test("after a crash, cuts the part back to the commit and ends byte-identical to a straight write", async () => {
    const all = makeRecords(12_000);
    const straightDir = await tempDir();
    const straight = await writeStraight(sink(), straightDir, all);

    const dataDir = await tempDir();
    const ctx = sinkContext(dataDir, dataDir);
    const first = await sink().open(ctx, null);
    await first.write(all.slice(0, 4000));
    const committed = JSON.parse(JSON.stringify(await first.commit())) as SinkPosition;
    await first.write(all.slice(4000, 9000)); // more than 1 MiB: reaches the file
    await first.close(); // crash: no finish
    expect((await stat(path.join(dataDir, `${file}.partial`))).size).toBeGreaterThan(committed.bytes as number);

    const second = await sink().open(ctx, committed);
    expect((await stat(path.join(dataDir, `${file}.partial`))).size).toBe(committed.bytes);
    await second.write(all.slice(4000));
    const resumed = (await second.finish())[0];

    const [resumedBytes, straightBytes] = await Promise.all([readFile(path.join(dataDir, file)), readFile(path.join(straightDir, file))]);
    expect(resumedBytes.equals(straightBytes)).toBe(true);
    expect({ ...resumed, path: "" }).toEqual({ ...straight, path: "" });
    expect(resumed.rows).toBe(12_000);
  });

  test("resumes after a crash between finish() and the checkpoint", async () => {
    const dataDir = await tempDir();
    const ctx = sinkContext(dataDir, dataDir);
    const writer = await sink().open(ctx, null);
    await writer.write(makeRecords(5));
    const committed = await writer.commit();
    await writer.finish();

    const again = await sink().open(ctx, committed);
    await again.write(makeRecords(2, 5));
    await again.finish();
    expect(await readFile(path.join(dataDir, file), "utf8")).toBe(expected(makeRecords(7)));
  });

  test("open(null) starts the part empty, replacing an earlier attempt", async () => {
    const dataDir = await tempDir();
    const ctx = sinkContext(dataDir, dataDir);
    const earlier = await sink().open(ctx, null);
    await earlier.write(makeRecords(50));
    await earlier.commit();
    await earlier.close();

    const fresh = await sink().open(ctx, null);
    await fresh.write(makeRecords(2, 100));
    await fresh.finish();
    expect(await readFile(path.join(dataDir, file), "utf8")).toBe(expected(makeRecords(2, 100)));
  });
});

describe("dataset publish", () => {
  test("writes manifest.json with relative part paths and returns the parts in shard order", async () => {
    const dataDir = await tempDir();
    const sink = ndjsonDataset();
    const parts = [];
    for (let index = 0; index < 3; index++) {
      const writer = await sink.open(sinkContext(dataDir, dataDir, { index, count: 3 }), null);
      await writer.write(makeRecords(index + 1, index * 10));
      parts.push(await writer.finish());
    }
    // A part left by an earlier run with more shards.
    await writeFile(path.join(dataDir, "part-00004-of-00005.ndjson"), "{}\n");

    const published = await sink.publish({ ...sinkContext(dataDir, dataDir, { stageId: "extract" }) }, parts);
    expect(published).toEqual(parts.flat());
    expect(published.map((part) => path.basename(part.path))).toEqual([
      "part-00000-of-00003.ndjson",
      "part-00001-of-00003.ndjson",
      "part-00002-of-00003.ndjson",
    ]);

    const onDisk = JSON.parse(await readFile(path.join(dataDir, MANIFEST_FILE), "utf8"));
    expect(onDisk.stage).toBe("extract");
    expect(onDisk.format).toBe("ndjson");
    expect(onDisk.parts.map((part: { path: string }) => part.path)).toEqual(published.map((part) => path.basename(part.path)));
    expect(readDatasetManifest(dataDir)).toEqual({ stage: "extract", format: "ndjson", parts: published });
    expect((await readdir(dataDir)).sort()).toEqual([MANIFEST_FILE, ...published.map((part) => path.basename(part.path))].sort());
  });

  test("CSV: takes columns from the option, writes missing fields empty, refuses unknown fields", async () => {
    const dataDir = await tempDir();
    const writer = await csvDataset({ columns: ["b", "a"] }).open(sinkContext(dataDir, dataDir), null);
    await writer.write([{ a: 1, b: "x" }, { a: 2 }]);
    await expect(writer.write([{ a: 3, c: true }])).rejects.toThrow(
      'csvDataset: record 2 of this part has field "c", which is not a column (b, a); pass columns: [...] to csvDataset() listing every field',
    );
    await writer.finish();
    expect(await readFile(path.join(dataDir, "part-00000-of-00001.csv"), "utf8")).toBe("b,a\nx,1\n,2\n");
  });

  test("refuses to resume when the part is shorter than the commit", async () => {
    const dataDir = await tempDir();
    await expect(ndjsonDataset().open(sinkContext(dataDir, dataDir), { bytes: 10, rows: 1 })).rejects.toThrow(
      /^part .*part-00000-of-00001\.ndjson\.partial: cannot resume, the part file is gone/,
    );
  });
});
