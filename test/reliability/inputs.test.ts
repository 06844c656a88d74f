// Cases 3, 4 and 6: awkward input files run through the engine (and the
// CLI where an exit code is the point). The reader-level cases (BOM, CRLF
// and quoted newlines at any read size, a truncated NDJSON line) are in
// test/io; see docs/guarantees.md.
import { readFileSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { csv, definePipeline, invalidFraction, ndjson, ndjsonDataset, rowCount } from "../../src/index.js";
import type { Source } from "../../src/pipeline/types.js";
import { ROOT, makeTempDir, runCli, spawnCli } from "../support/cli.js";
import { RELIABILITY, checkpointedRow, runHere, snapshotCheckpoints, waitFor } from "./helpers.js";

function pipelineOf(source: Source) {
  return definePipeline({
    name: "inputs",
    stages: [
      {
        id: "load",
        source,
        invalid: { maxFraction: 1 },
        retry: { attempts: 1 },
        output: ndjsonDataset(),
        checks: [rowCount({ min: 1 }), invalidFraction({ max: 0.25, severity: "warn" })],
      },
    ],
  });
}

async function runFile(name: string, text: string, source: (file: string) => Source) {
  const dir = makeTempDir();
  writeFileSync(path.join(dir, name), text);
  const outcome = await runHere(pipelineOf(source(name)), { stateDir: path.join(dir, "state"), baseDir: dir });
  const stage = outcome.record.stages[0];
  const rows = stage.outputs.flatMap((o) => readFileSync(o.path, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)));
  const quarantine = stage.quarantine.flatMap((file) => readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)));
  const gate = stage.report ? JSON.parse(readFileSync(stage.report.json, "utf8")) : null;
  return { dir, outcome, stage, rows, quarantine, gate };
}

describe("CSV and NDJSON inputs through the engine", () => {
  it("quarantines the short and the long CSV row with line numbers and reasons, shifts no value, and the gate counts 2 invalid", async () => {
    const { stage, rows, quarantine, gate } = await runFile("data.csv", "a,b,c\n1,2,3\n5,6\n7,8,9,10\n", (p) => csv({ path: p }));
    expect(stage.status).toBe("succeeded");
    expect(rows).toEqual([{ a: "1", b: "2", c: "3" }]);
    expect(quarantine).toEqual([
      { row: 1, line: 3, reason: "line 3: expected 3 fields, got 2", raw: "5,6" },
      { row: 2, line: 4, reason: "line 4: expected 3 fields, got 4", raw: "7,8,9,10" },
    ]);
    expect(gate.counts).toEqual({ rowsIn: 3, rowsOut: 1, rowsInvalid: 2 });
    const invalid = gate.checks.find((c: { name: string }) => c.name.startsWith("invalid"));
    expect(invalid).toMatchObject({ severity: "warn", passed: false });
    expect(JSON.stringify(invalid.observed)).toContain("2");
  });

  it("quarantines a truncated NDJSON line in the middle with its line number and delivers every other record", async () => {
    const { stage, rows, quarantine } = await runFile("data.ndjson", '{"id":1}\n{"id":2}\n{"id":\n{"id":4}\n', (p) => ndjson({ path: p }));
    expect(stage.status).toBe("succeeded");
    expect(rows).toEqual([{ id: 1 }, { id: 2 }, { id: 4 }]);
    expect(quarantine).toHaveLength(1);
    expect(quarantine[0]).toMatchObject({ row: 2, line: 3, raw: '{"id":' });
    expect(quarantine[0].reason).toMatch(/^line 3: invalid JSON \(/);
  });

  it.each([
    ["an empty file", ""],
    ["a header-only file", "id,name\n"],
    ["a header-only file without a line end", "id,name"],
  ])("reads 0 records from %s, and the row-count check then fails the gate", async (_what, text) => {
    const { stage, rows, quarantine, gate } = await runFile("data.csv", text, (p) => csv({ path: p }));
    expect(stage.status).toBe("gated");
    expect(rows).toEqual([]);
    expect(quarantine).toEqual([]);
    expect(gate.counts).toEqual({ rowsIn: 0, rowsOut: 0, rowsInvalid: 0 });
    expect(gate.checks[0]).toMatchObject({ name: "row count at least 1", passed: false });
  });

  it("skips a blank last line", async () => {
    const { stage, rows } = await runFile("data.csv", "id,name\r\n1,a\r\n2,b\r\n\r\n", (p) => csv({ path: p }));
    expect(stage.status).toBe("succeeded");
    expect(rows).toEqual([{ id: "1", name: "a" }, { id: "2", name: "b" }]);
  });

  it("fails the stage on duplicate header names, naming the file and the column", async () => {
    const { dir, stage } = await runFile("data.csv", "id,name,id\n1,a,2\n", (p) => csv({ path: p }));
    expect(stage.status).toBe("failed");
    expect(stage.error).toBe(
      `stage load, shard 1/1, row 0: csv ${path.join(dir, "data.csv")}: duplicate column "id" in the header (columns 1 and 3); rename one of them, or pass columns: [...] to name the columns yourself`,
    );
  });

  it("exits 2 when an empty CSV file meets a row-count check (bulkhead run)", async () => {
    const dir = makeTempDir();
    writeFileSync(path.join(dir, "empty.csv"), "");
    const result = await runCli(["run", RELIABILITY, "--state-dir", path.join(dir, "state"), "--json"], {
      env: { REL_SOURCE: "csv", REL_INPUT: path.join(dir, "empty.csv"), REL_MIN_ROWS: "1" },
      cwd: dir,
    });
    expect(result.code, result.stderr).toBe(2);
    const summary = JSON.parse(result.stdout);
    expect(summary.stages[0]).toMatchObject({ status: "gated", rowsIn: 0, rowsOut: 0 });
    expect(summary.stages[0].checks[0]).toMatchObject({ name: "row count at least 1", passed: false, observed: { rows: 0 } });
  });
});

describe("Parquet files that cannot be read (bulkhead run)", () => {
  it("exits 1 naming a file cut short or not Parquet at all, and leaves the shard's checkpoint untouched", async () => {
    const dir = makeTempDir();
    const input = path.join(dir, "flights.parquet");
    symlinkSync(path.join(ROOT, "node_modules/vega-datasets/data/flights-3m.parquet"), input);
    const stateDir = path.join(dir, "state");
    const env = { REL_SOURCE: "parquet", REL_INPUT: input, REL_BATCH: "20000", REL_EVERY: "20000" };
    const args = ["run", RELIABILITY, "--state-dir", stateDir];

    // A checkpoint to protect: stop a run of the good file with SIGINT.
    const first = spawnCli(args, { env, cwd: dir });
    await waitFor(() => checkpointedRow(stateDir, "reliability", "load") > 0);
    process.kill(first.pid!, "SIGINT");
    expect((await first.result).code).toBe(130);
    const before = snapshotCheckpoints(stateDir, "reliability", "load");
    expect(Object.keys(before).length).toBeGreaterThan(0);

    const good = readFileSync(input);
    for (const [what, bytes] of [
      ["cut short", good.subarray(0, good.length / 2)],
      ["not Parquet", Buffer.from("id,name\n1,a\n")],
    ] as const) {
      unlinkSync(input);
      writeFileSync(input, bytes);
      const result = await runCli(args, { env, cwd: dir });
      expect(result.code, what).toBe(1);
      // The file changed under the checkpoint, so the shard starts over (row 0)
      // and fails there, naming the file; the checkpoint is kept as it was.
      const row = checkpointedRow(stateDir, "reliability", "load").toLocaleString("en-US");
      expect(result.stderr, what).toContain(`stage load shard 1/1: its input changed since its checkpoint (row ${row})`);
      expect(result.stderr, what).toContain(
        `stage load: failed: stage load, shard 1/1, row 0: parquet ${input}: not a readable Parquet file (`,
      );
      expect(snapshotCheckpoints(stateDir, "reliability", "load"), what).toEqual(before);
    }
  });
});
