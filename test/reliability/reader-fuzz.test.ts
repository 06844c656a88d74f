// Fuzzing the line readers with random bytes: CSV and NDJSON sources never
// crash, never hang, stay within bounded memory, and every failure is an
// IoError naming the file and a line; every reject names its line.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csv, ndjson } from "../../src/io/index.js";
import { IoError } from "../../src/io/io-error.js";
import type { Source } from "../../src/pipeline/types.js";
import { ioContext, readAll, tempDir } from "../support/io-fixtures.js";

/** Bytes biased towards what the parsers care about. */
const bytes = fc
  .array(
    fc.oneof(
      fc.constantFrom(..."\",\r\n{}[]:\\ a1".split("").map((c) => c.charCodeAt(0))),
      fc.constantFrom(0xef, 0xbb, 0xbf, 0x00, 0xff, 0xc3),
      fc.integer({ min: 0, max: 255 }),
    ),
    { maxLength: 600 },
  )
  .map((list) => Buffer.from(list));

const PER_CASE_MS = 2_000;

async function readBounded(source: Source, dir: string, batchSize: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`read did not finish within ${PER_CASE_MS} ms`)), PER_CASE_MS);
  });
  try {
    return await Promise.race([readAll(source, { ...ioContext(dir, { batchSize }) }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function fuzz(name: string, file: string, makeSource: (file: string) => Source) {
  it(`${name}: any bytes give records and located rejects, or an IoError naming the file and a line, within bounded time and memory`, async () => {
    const dir = await tempDir();
    const full = path.join(dir, file);
    const heapBefore = process.memoryUsage().heapUsed;
    await fc.assert(
      fc.asyncProperty(bytes, fc.integer({ min: 1, max: 7 }), async (content, batchSize) => {
        await writeFile(full, content);
        const outcome = await readBounded(makeSource(file), dir, batchSize).then(
          (read) => ({ read, error: null }),
          (error: unknown) => ({ read: null, error }),
        );
        if (outcome.error !== null) {
          expect(outcome.error, String(outcome.error)).toBeInstanceOf(IoError);
          const message = (outcome.error as Error).message;
          expect(message).toContain(full);
          expect(message).toMatch(/line \d+|in the header/);
          return;
        }
        for (const record of outcome.read!.records) expect(typeof record).toBe("object");
        for (const reject of outcome.read!.rejects) {
          expect(reject.line).toBeGreaterThan(0);
          expect(reject.reason).toBe(`line ${reject.line}: ${reject.reason.slice(`line ${reject.line}: `.length)}`);
        }
      }),
      { numRuns: 400 },
    );
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 1024 * 1024);
  });
}

describe("reader fuzz", () => {
  it("csv: a bare \\r is data, not a line end, so values keep their \\n out and line numbers stay right", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "data.csv"), "a,b\n1,x\ry\n2,z\n");
    const { records, batches } = await readAll(csv({ path: "data.csv" }), ioContext(dir));
    expect(records).toEqual([{ a: "1", b: "x\ry" }, { a: "2", b: "z" }]);
    expect(batches[0].lines).toEqual([2, 3]);
  });

  fuzz("csv", "data.csv", (file) => csv({ path: file, highWaterMark: 16 }));
  fuzz("ndjson", "data.ndjson", (file) => ndjson({ path: file }));
});
