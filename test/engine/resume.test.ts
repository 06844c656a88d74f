// Resume after a real SIGKILL of the whole process tree, at several points:
// the outputs must equal an uninterrupted run's, byte for byte, and SQLite
// must hold every key exactly once.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, makeTempDir, runCli, spawnCli, writeNumbers } from "../support/cli.js";

const PIPELINE = path.join(ROOT, "test/fixtures/numbers.ts");
const COUNT = 3_000;

interface Summary {
  status: string;
  stages: { id: string; resumedFrom: { row: number } | null; outputs: { path: string; sha256: string; rows: number }[] }[];
}

const baseEnv = (dir: string) => ({
  NUMBERS_INPUT: path.join(dir, "numbers.ndjson"),
  NUMBERS_DB: path.join(dir, "out.sqlite"),
  NUMBERS_BATCH: "50",
  NUMBERS_EVERY: "100",
});

/** Highest checkpointed row of stage `load` so far (any shard), from the files. */
function checkpointedRows(stateDir: string): number {
  const root = path.join(stateDir, "pipelines/numbers/runs");
  let best = 0;
  let runs: string[] = [];
  try {
    runs = readdirSync(root);
  } catch {
    return 0;
  }
  for (const run of runs) {
    const dir = path.join(root, run, "stages/load/checkpoints");
    let shards: string[] = [];
    try {
      shards = readdirSync(dir);
    } catch {
      continue;
    }
    for (const shard of shards) {
      for (const file of readdirSync(path.join(dir, shard))) {
        try {
          const sealed = JSON.parse(readFileSync(path.join(dir, shard, file), "utf8"));
          best = Math.max(best, sealed.checkpoint.cursor?.row ?? 0);
        } catch {
          // being written
        }
      }
    }
  }
  return best;
}

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

function sqliteRows(file: string) {
  const db = new Database(file, { readonly: true });
  const counts = db.prepare("SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM numbers").get();
  const content = db.prepare("SELECT * FROM numbers ORDER BY id").all();
  const totals = db.prepare('SELECT * FROM totals ORDER BY "group"').all();
  db.close();
  return { counts, content, totals };
}

describe("resume after kill -9", () => {
  let clean: Summary;
  let cleanDb: ReturnType<typeof sqliteRows>;

  beforeAll(async () => {
    const dir = makeTempDir();
    writeNumbers(path.join(dir, "numbers.ndjson"), COUNT);
    const result = await runCli(["run", PIPELINE, "--state-dir", path.join(dir, "state"), "--json"], {
      env: baseEnv(dir),
      cwd: dir,
    });
    expect(result.code, result.stderr).toBe(0);
    clean = JSON.parse(result.stdout) as Summary;
    cleanDb = sqliteRows(path.join(dir, "out.sqlite"));
  });

  // Kill points as rows checkpointed in one shard of `load` (1,500 rows each).
  it.each([100, 700, 1_400])("resumes after SIGKILL once %i rows are checkpointed", async (killAt) => {
    const dir = makeTempDir();
    writeNumbers(path.join(dir, "numbers.ndjson"), COUNT);
    const stateDir = path.join(dir, "state");
    const env = { ...baseEnv(dir), NUMBERS_SLOW_MS: "15" };

    const victim = spawnCli(["run", PIPELINE, "--state-dir", stateDir], { env, cwd: dir });
    await waitFor(() => checkpointedRows(stateDir) >= killAt);
    process.kill(-victim.pid!, "SIGKILL");
    const killed = await victim.result;
    expect(killed.signal).toBe("SIGKILL");

    const status = await runCli(["status", PIPELINE, "--state-dir", stateDir, "--json"], { env: baseEnv(dir), cwd: dir });
    const shown = JSON.parse(status.stdout) as { status: string; stages: { id: string; status: string }[] };
    expect(shown.status).toBe("interrupted");
    expect(shown.stages.find((s) => s.id === "load")?.status).toBe("interrupted");

    const resumed = await runCli(["run", PIPELINE, "--state-dir", stateDir, "--json"], { env: baseEnv(dir), cwd: dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/stage load shard \d\/2: resuming at row [\d,]+/);
    const summary = JSON.parse(resumed.stdout) as Summary;
    const load = summary.stages.find((s) => s.id === "load")!;
    expect(load.resumedFrom?.row).toBeGreaterThan(0);

    const shas = (s: Summary, id: string) => s.stages.find((x) => x.id === id)!.outputs.map((o) => [o.rows, o.sha256]);
    expect(shas(summary, "load")).toEqual(shas(clean, "load"));
    const db = sqliteRows(path.join(dir, "out.sqlite"));
    expect(db.counts).toEqual({ rows: COUNT, ids: COUNT });
    expect(db).toEqual(cleanDb);
  });
});
