import path from "node:path";
import { describe, expect, it } from "vitest";
import { command } from "../../src/io/command-source.js";
import type { Cursor, IoContext, SourceBatch } from "../../src/pipeline/types.js";
import { ROOT } from "../support/cli.js";

const SCRIPT = path.join(ROOT, "test/fixtures/commands/numbers.py");

function context(index: number, count: number, batchSize: number): IoContext {
  return {
    shard: { index, count },
    batchSize,
    baseDir: ROOT,
    resolveDataset: () => {
      throw new Error("not used");
    },
  };
}

async function readBatches(env: Record<string, string>, ctx: IoContext, cursor: Cursor | null = null) {
  const batches: SourceBatch[] = [];
  for await (const batch of command({ command: "python3", args: [SCRIPT], env }).read(ctx, cursor)) batches.push(batch);
  return batches;
}

const numbers = (batches: SourceBatch[]) => batches.flatMap((b) => b.records.map((r) => r.n as number));

describe("command source (a Python program on the line protocol)", () => {
  it("reads every record of each shard exactly once", async () => {
    const all: number[] = [];
    for (let index = 0; index < 3; index++) {
      const got = numbers(await readBatches({ COUNT: "100" }, context(index, 3, 7)));
      expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i).filter((i) => i % 3 === index));
      all.push(...got);
    }
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it("resumes from any batch's cursor with the same records after it", async () => {
    const ctx = context(1, 2, 7);
    const full = await readBatches({ COUNT: "100" }, ctx);
    for (let k = 0; k < full.length - 1; k++) {
      const resumed = await readBatches({ COUNT: "100" }, ctx, full[k].cursor);
      expect(numbers([...full.slice(0, k + 1), ...resumed])).toEqual(numbers(full));
      expect(resumed[0].firstRow).toBe(full[k + 1].firstRow);
    }
  });

  it("sends a line that is not a JSON object to the rejects with its line number", async () => {
    const batches = await readBatches({ COUNT: "20", BAD_LINE_AT: "12" }, context(0, 1, 100));
    expect(numbers(batches)).toEqual(Array.from({ length: 20 }, (_, i) => i).filter((i) => i !== 12));
    // Lines: checkpoint(1), 0..9 (2-11), checkpoint(12), 10 (13), 11 (14), bad (15).
    expect(batches[0].rejects).toEqual([
      { row: 12, line: 15, reason: "stdout line 15 is not a JSON object", raw: "not json {" },
    ]);
  });

  it("fails with the exit code and the program's last stderr lines", async () => {
    await expect(readBatches({ COUNT: "50", FAIL_AT: "33" }, context(0, 1, 10))).rejects.toThrow(
      `command python3 ${SCRIPT} exited with code 3; last stderr lines:\ndatabase went away`,
    );
  });
});
