// Case 8: a checkpoint file cut short or with a wrong checksum is detected,
// the previous good one is used with a warning, and the output is still
// exact; with no good checkpoint left the shard refuses to start over.
import { readFileSync, readdirSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { definePipeline, ndjson, ndjsonDataset } from "../../src/index.js";
import { makeTempDir } from "../support/cli.js";
import { captureLogger, checkpointDirs, runHere, writeKeyedRows } from "./helpers.js";

const COUNT = 200;

/** 200 rows, batches of 20, a checkpoint per batch; aborts in the batch holding id 100. */
async function interruptedRun() {
  const dir = makeTempDir();
  const lines = writeKeyedRows(path.join(dir, "input.ndjson"), COUNT);
  const stop = new AbortController();
  const pipeline = definePipeline({
    name: "damaged",
    stages: [
      {
        id: "load",
        source: ndjson({ path: "input.ndjson" }),
        batchSize: 20,
        checkpoint: { everyRows: 20, everySeconds: 3600 },
        retry: { attempts: 1 },
        transform: (record) => {
          if (record.id === 100) stop.abort("SIGINT");
          return record;
        },
        output: ndjsonDataset(),
      },
    ],
  });
  const stateDir = path.join(dir, "state");
  const first = await runHere(pipeline, { stateDir, baseDir: dir, signal: stop.signal });
  expect(first.interruptedBy).toBe("SIGINT");
  const [shardDir] = checkpointDirs(stateDir, "damaged", "load");
  // Three kept: rows 80, 100 and 120 (saved at the signal).
  expect(readdirSync(shardDir)).toEqual(["000000003.json", "000000004.json", "000000005.json"]);
  return { dir, lines, pipeline, stateDir, shardDir };
}

function datasetLines(outcome: Awaited<ReturnType<typeof runHere>>): string[] {
  return outcome.record.stages[0].outputs.flatMap((o) => readFileSync(o.path, "utf8").split("\n").filter(Boolean));
}

describe("a damaged checkpoint", () => {
  it("is detected when cut short: the previous good one is used, a warning says so, and the output is exact", async () => {
    const { dir, lines, pipeline, stateDir, shardDir } = await interruptedRun();
    const newest = path.join(shardDir, "000000005.json");
    truncateSync(newest, Math.floor(readFileSync(newest).length / 2));

    const logger = captureLogger();
    const resumed = await runHere(pipeline, { stateDir, baseDir: dir, logger });
    expect(resumed.record.status).toBe("succeeded");
    expect(logger.lines).toContain(`warn stage load shard 1/1: checkpoint ${newest} is damaged: not valid JSON (cut short?)`);
    expect(logger.lines).toContain("warn stage load shard 1/1: using the previous good checkpoint 000000004.json");
    expect(logger.lines).toContain("info stage load shard 1/1: resuming at row 100");
    expect(datasetLines(resumed)).toEqual(lines);
  });

  it("is detected when its checksum does not match: the previous good one is used and the output is exact", async () => {
    const { dir, lines, pipeline, stateDir, shardDir } = await interruptedRun();
    const newest = path.join(shardDir, "000000005.json");
    writeFileSync(newest, readFileSync(newest, "utf8").replace('"row":120', '"row":140'));

    const logger = captureLogger();
    const resumed = await runHere(pipeline, { stateDir, baseDir: dir, logger });
    expect(resumed.record.status).toBe("succeeded");
    const warning = logger.lines.find((line) => line.startsWith(`warn stage load shard 1/1: checkpoint ${newest} is damaged: checksum mismatch`));
    expect(warning, logger.lines.join("\n")).toBeDefined();
    expect(logger.lines).toContain("info stage load shard 1/1: resuming at row 100");
    expect(datasetLines(resumed)).toEqual(lines);
  });

  it("never restarts silently from row 0 when every checkpoint is damaged: the stage fails saying so", async () => {
    const { dir, pipeline, stateDir, shardDir } = await interruptedRun();
    for (const name of readdirSync(shardDir)) writeFileSync(path.join(shardDir, name), "{");

    const logger = captureLogger();
    const resumed = await runHere(pipeline, { stateDir, baseDir: dir, logger });
    expect(resumed.record.status).toBe("failed");
    const error = resumed.record.stages[0].error ?? "";
    expect(error).toContain("no good checkpoint is left, refusing to restart the shard from row 0 silently (run with --fresh to start over)");
    expect(error).toContain(`checkpoint ${path.join(shardDir, "000000003.json")} is damaged: not valid JSON (cut short?)`);
    expect(logger.lines.some((line) => line.includes("resuming at row"))).toBe(false);
  });
});
