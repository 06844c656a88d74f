// Case 12: for random inputs, batch sizes, shard counts, checkpoint
// intervals and kill points, a run that is stopped and resumed produces
// exactly the output of an uninterrupted run: the dataset parts byte for
// byte and the SQLite table row for row. The engine runs in this process;
// a "kill" is either an abort at a batch boundary (the signal path) or a
// sentinel error thrown at a random row (a crash of the attempt, retries
// off). Real SIGKILLs of the CLI are in test/engine/resume.test.ts and
// crash-between-write-and-checkpoint.test.ts.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dataset, definePipeline, ndjson, ndjsonDataset, sqliteTable } from "../../src/index.js";
import { makeTempDir } from "../support/cli.js";
import { runHere } from "./helpers.js";

interface Kill {
  /** Stop when the record with this id is transformed. */
  id: number;
  how: "abort" | "throw";
}

function makePipeline(shards: number, batchSize: number, everyRows: number, kill: { current: Kill | null; stop: AbortController }) {
  return definePipeline({
    name: "prop",
    stages: [
      {
        id: "load",
        source: ndjson({ path: "input.ndjson" }),
        shards,
        batchSize,
        checkpoint: { everyRows, everySeconds: 3600 },
        retry: { attempts: 1 },
        transform: (record) => {
          const current = kill.current;
          if (current && record.id === current.id) {
            kill.current = null;
            if (current.how === "throw") throw new Error("sentinel crash");
            kill.stop.abort("SIGINT");
          }
          return { ...record, twice: (record.value as number) * 2 };
        },
        output: ndjsonDataset(),
      },
      {
        id: "index",
        needs: ["load"],
        source: dataset("load"),
        shards,
        batchSize,
        checkpoint: { everyRows, everySeconds: 3600 },
        output: sqliteTable({ path: "out.sqlite", table: "rows", key: "id" }),
      },
    ],
  });
}

async function runToEnd(input: string, shards: number, batchSize: number, everyRows: number, kills: Kill[]) {
  const dir = makeTempDir();
  writeFileSync(path.join(dir, "input.ndjson"), input);
  const stateDir = path.join(dir, "state");
  let stopped = 0;
  for (let attempt = 0; attempt <= kills.length; attempt++) {
    const kill = { current: kills[attempt] ?? null, stop: new AbortController() };
    const outcome = await runHere(makePipeline(shards, batchSize, everyRows, kill), { stateDir, baseDir: dir, signal: kill.stop.signal });
    if (outcome.record.status === "succeeded") break;
    stopped++;
    expect(outcome.record.status).toMatch(/^(interrupted|failed)$/);
  }
  const record = JSON.parse(readFileSync(path.join(stateDir, "pipelines/prop/last-success.json"), "utf8"));
  const runDir = path.join(stateDir, "pipelines/prop/runs", record.runId);
  const run = JSON.parse(readFileSync(path.join(runDir, "run.json"), "utf8"));
  const parts = run.stages[0].outputs.map((o: { path: string }) => readFileSync(o.path, "utf8"));
  const db = new Database(path.join(dir, "out.sqlite"), { readonly: true });
  const table = db.prepare("SELECT * FROM rows ORDER BY id").all();
  db.close();
  return { parts, table, counts: run.stages.map((s: { counts: unknown }) => s.counts), stopped };
}

describe("kill and resume", () => {
  it("gives the output of an uninterrupted run for any input, batch size, shard count and kill points", async () => {
    const row = fc.record({ value: fc.integer({ min: -1000, max: 1000 }), text: fc.string({ maxLength: 8 }) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 25 }),
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.record({ at: fc.nat(), how: fc.constantFrom("abort" as const, "throw" as const) }), { maxLength: 3 }),
        async (rows, shards, batchSize, everyRows, killSpec) => {
          const input = rows.map((r, id) => `${JSON.stringify({ id, ...r })}\n`).join("");
          const kills = killSpec.map(({ at, how }) => ({ id: at % rows.length, how }));
          const clean = await runToEnd(input, shards, batchSize, everyRows, []);
          const resumed = await runToEnd(input, shards, batchSize, everyRows, kills);
          expect(resumed.parts).toEqual(clean.parts);
          expect(resumed.table).toEqual(clean.table);
          expect(resumed.counts).toEqual(clean.counts);
          expect(clean.table).toHaveLength(rows.length);
        },
      ),
      { numRuns: 100 },
    );
  });
});
