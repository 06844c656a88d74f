// Case 7: a real SIGKILL after the sink has a batch but before a checkpoint
// records it. The resumed run must hold every key exactly once, in SQLite
// and in the dataset files, and equal the input byte for byte.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeTempDir, runCli } from "../support/cli.js";
import { RELIABILITY, outputLines, sqliteRows, writeKeyedRows } from "./helpers.js";

const COUNT = 100;

// 100 rows in batches of 40: the sink gets rows 0–39, 40–79, 80–99.
const windows = [
  {
    what: "inside the sink's commit of batch 2, after it is durable and before the checkpoint (checkpoint every 40 rows)",
    // Batch 2 takes half a second, so the checkpoint at row 40, stored in
    // the background, is on disk before the one at row 80 is taken.
    env: { REL_EVERY: "40", REL_KILL_IN_COMMIT_AT: "80", REL_SLOW_MS: "500", REL_SLOW_FROM_ID: "40" },
    resumesAt: 40,
  },
  {
    what: "in batch 3's transform, after batches 1 and 2 were written and none checkpointed (checkpoint every 100 rows)",
    env: { REL_EVERY: "100", REL_KILL_AT_ID: "80" },
    resumesAt: null,
  },
];

describe("crash after a batch is written but before the checkpoint records it", () => {
  for (const sink of ["dataset", "sqlite"] as const) {
    for (const window of windows) {
      it(`leaves every key exactly once in the ${sink} output after a SIGKILL ${window.what}`, async () => {
        const dir = makeTempDir();
        const lines = writeKeyedRows(path.join(dir, "input.ndjson"), COUNT);
        const stateDir = path.join(dir, "state");
        const db = path.join(dir, "out.sqlite");
        const marker = path.join(dir, "killed");
        const env = { REL_INPUT: path.join(dir, "input.ndjson"), REL_SINK: sink, REL_DB: db, REL_BATCH: "40" };
        const args = ["run", RELIABILITY, "--state-dir", stateDir, "--json"];

        const killed = await runCli(args, { env: { ...env, ...window.env, REL_KILL_MARKER: marker }, cwd: dir });
        expect(killed.signal, killed.stderr).toBe("SIGKILL");
        if (window.env.REL_KILL_IN_COMMIT_AT) expect(existsSync(marker)).toBe(true);

        const resumed = await runCli(args, { env: { ...env, REL_EVERY: window.env.REL_EVERY }, cwd: dir });
        expect(resumed.code, resumed.stderr).toBe(0);
        if (window.resumesAt === null) expect(resumed.stderr).not.toContain("resuming at row");
        else expect(resumed.stderr).toContain(`stage load shard 1/1: resuming at row ${window.resumesAt}`);
        const summary = JSON.parse(resumed.stdout);
        expect(summary.stages[0]).toMatchObject({ rowsIn: COUNT, rowsOut: COUNT, rowsInvalid: 0 });

        if (sink === "dataset") {
          expect(outputLines(summary)).toEqual(lines);
        } else {
          const { counts, content } = sqliteRows(db);
          expect(counts).toEqual({ rows: COUNT, ids: COUNT });
          expect(content).toEqual(lines.map((line) => JSON.parse(line)));
        }
      });
    }
  }
});
