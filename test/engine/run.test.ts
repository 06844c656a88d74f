import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, makeTempDir, runCli, writeNumbers } from "../support/cli.js";

const PIPELINE = path.join(ROOT, "test/fixtures/numbers.ts");
const COUNT = 1_000;

interface Summary {
  status: string;
  runId: string;
  stages: {
    id: string;
    status: string;
    rowsIn: number;
    rowsOut: number;
    rowsInvalid: number;
    checks: { name: string; passed: boolean; observed: unknown; expected: unknown }[];
    outputs: { path: string; rows: number; sha256: string }[];
  }[];
}

function readParts(summary: Summary, stage: string): Record<string, unknown>[] {
  const outputs = summary.stages.find((s) => s.id === stage)!.outputs;
  return outputs.flatMap((o) =>
    readFileSync(o.path, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  );
}

describe("bulkhead run on a small pipeline", () => {
  let dir: string;
  let input: ReturnType<typeof writeNumbers>;
  let env: Record<string, string>;
  let summary: Summary;
  let code: number | null;
  let stderr: string;

  beforeAll(async () => {
    dir = makeTempDir();
    input = writeNumbers(path.join(dir, "numbers.ndjson"), COUNT);
    env = { NUMBERS_INPUT: path.join(dir, "numbers.ndjson"), NUMBERS_DB: path.join(dir, "out.sqlite") };
    const result = await runCli(["run", PIPELINE, "--state-dir", path.join(dir, "state"), "--json"], { env, cwd: dir });
    code = result.code;
    stderr = result.stderr;
    summary = JSON.parse(result.stdout) as Summary;
  });

  it("runs stages that do not depend on each other at the same time", () => {
    // index and totals both need only load: both start before either ends.
    const at = (line: string) => {
      const index = stderr.indexOf(line);
      expect(index, line).toBeGreaterThanOrEqual(0);
      return index;
    };
    const bothStarted = Math.max(at("stage index: started"), at("stage totals: started"));
    expect(bothStarted).toBeLessThan(Math.min(at("stage index: finished"), at("stage totals: finished")));
    expect(at("stage load: finished")).toBeLessThan(Math.min(at("stage index: started"), at("stage totals: started")));
  });

  it("exits 0 and reports every stage as succeeded with exact counts", () => {
    expect(code).toBe(0);
    expect(summary.status).toBe("succeeded");
    const byId = Object.fromEntries(summary.stages.map((s) => [s.id, s]));
    expect(byId.load).toMatchObject({ status: "succeeded", rowsIn: COUNT, rowsOut: COUNT, rowsInvalid: 0 });
    expect(byId.index).toMatchObject({ status: "succeeded", rowsIn: COUNT, rowsOut: COUNT });
    expect(byId.totals).toMatchObject({ status: "succeeded", rowsIn: COUNT, rowsOut: 7 });
  });

  it("writes every record exactly once across the shards' parts, transformed", () => {
    const rows = readParts(summary, "load");
    expect(rows).toHaveLength(COUNT);
    const sorted = [...rows].sort((a, b) => (a.id as number) - (b.id as number));
    expect(sorted).toEqual(input.map((r) => ({ ...r, doubled: r.value * 2 })));
  });

  it("lists each output with its row count and the sha256 of its bytes", async () => {
    const { createHash } = await import("node:crypto");
    for (const output of summary.stages.find((s) => s.id === "load")!.outputs) {
      const bytes = readFileSync(output.path);
      expect(output.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
      expect(output.rows).toBe(bytes.toString("utf8").split("\n").filter(Boolean).length);
    }
  });

  it("upserts into SQLite with one row per key and exact per-group totals", () => {
    const db = new Database(env.NUMBERS_DB, { readonly: true });
    const numbers = db.prepare("SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM numbers").get();
    expect(numbers).toEqual({ rows: COUNT, ids: COUNT });
    const totals = db.prepare('SELECT "group", rows, sum FROM totals ORDER BY "group"').all();
    db.close();
    const expected = new Map<string, { group: string; rows: number; sum: number }>();
    for (const r of input) {
      const t = expected.get(r.group) ?? { group: r.group, rows: 0, sum: 0 };
      t.rows += 1;
      t.sum += r.value;
      expected.set(r.group, t);
    }
    expect(totals).toEqual([...expected.values()].sort((a, b) => a.group.localeCompare(b.group)));
  });

  it("starts a new run after a finished one and does not append to earlier output", async () => {
    const again = await runCli(["run", PIPELINE, "--state-dir", path.join(dir, "state"), "--json"], { env, cwd: dir });
    expect(again.code).toBe(0);
    const second = JSON.parse(again.stdout) as Summary;
    expect(second.runId).not.toBe(summary.runId);
    const db = new Database(env.NUMBERS_DB, { readonly: true });
    expect(db.prepare("SELECT count(*) AS n FROM numbers").get()).toEqual({ n: COUNT });
    db.close();
    const shas = (s: Summary) => s.stages.find((x) => x.id === "load")!.outputs.map((o) => o.sha256);
    expect(shas(second)).toEqual(shas(summary));
  });

  it("`outputs` lists every dataset file with rows and sha256", async () => {
    const result = await runCli(["outputs", PIPELINE, "--state-dir", path.join(dir, "state"), "--json"], { env, cwd: dir });
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as { outputs: { stage: string; path: string; rows: number; sha256: string }[] };
    const loadOutputs = listed.outputs.filter((o) => o.stage === "load");
    expect(loadOutputs.reduce((n, o) => n + o.rows, 0)).toBe(COUNT);
    for (const o of loadOutputs) expect(existsSync(o.path)).toBe(true);
  });
});
