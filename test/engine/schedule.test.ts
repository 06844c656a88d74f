import { describe, expect, it } from "vitest";
import { definePipeline, defineStage, generator, ndjsonDataset } from "../../src/index.js";
import { captureLogger, runHere, sleep } from "../reliability/helpers.js";
import { tempDir } from "../support/io-fixtures.js";

/** A 1-shard stage of `rows` records that takes a few event-loop turns per record. */
function slowStage(id: string, rows: number, needs: string[] = []) {
  return defineStage({
    id,
    needs,
    source: generator(async function* ({ cursor }) {
      for (let row = (cursor as number | null) ?? 0; row < rows; row++) {
        await sleep(5);
        yield { record: { id: `${id}-${row}` }, cursor: row + 1 };
      }
    }),
    batchSize: 2,
    output: ndjsonDataset(),
  });
}

/** Order of "started"/"finished" events per stage, from the log. */
function events(lines: string[]): string[] {
  return lines.flatMap((line) => {
    const match = /^info stage ([\w-]+): (started|finished)/.exec(line);
    return match ? [`${match[1]} ${match[2]}`] : [];
  });
}

describe("stage scheduling in one process", () => {
  it("runs a stage others wait for before a ready stage nothing waits for", async () => {
    const dir = await tempDir();
    const logger = captureLogger();
    const pipeline = definePipeline({
      name: "schedule",
      // The leaf is listed first: order in the file does not decide.
      stages: [slowStage("leaf", 6), slowStage("lookup", 6), slowStage("main", 4, ["lookup"])],
    });
    const outcome = await runHere(pipeline, { stateDir: dir, baseDir: dir, logger });
    expect(outcome.record.status).toBe("succeeded");
    const order = events(logger.lines);
    expect(order.indexOf("leaf started")).toBeGreaterThan(order.indexOf("lookup finished"));
    // Once the lookup is done, the leaf and the stage after it run together.
    expect(order.indexOf("main started")).toBeLessThan(order.indexOf("leaf finished"));
    expect(order.indexOf("leaf started")).toBeLessThan(order.indexOf("main finished"));
  });

  it("runs independent stages that nothing waits for at the same time", async () => {
    const dir = await tempDir();
    const logger = captureLogger();
    const pipeline = definePipeline({ name: "leaves", stages: [slowStage("a", 6), slowStage("b", 6)] });
    await runHere(pipeline, { stateDir: dir, baseDir: dir, logger });
    expect(events(logger.lines).slice(0, 2).sort()).toEqual(["a started", "b started"]);
  });
});
