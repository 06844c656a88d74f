// Guards against the engine's performance regressing in ways that do not
// need a stopwatch to see: work per record where there should be work per
// batch, and memory that grows with the input.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT, makeTempDir } from "../support/cli.js";

const TSX = import.meta.resolve("tsx");

interface GuardRun {
  rows: number;
  saves: number;
  batches: number;
  peakRssMb: number;
}

/** Runs a generated stage of `rows` rows in a child process. */
function runGenerated(rows: number): GuardRun {
  const out = execFileSync(process.execPath, ["--import", TSX, "test/engine/perf-guard-child.ts", String(rows), makeTempDir("bulkhead-perf-")], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return JSON.parse(out) as GuardRun;
}

describe("engine performance guards", () => {
  it("saves a checkpoint per 10,000 rows and once at the end, not per record or per batch", () => {
    const run = runGenerated(200_000);
    expect(run.rows).toBe(200_000);
    expect(run.batches).toBe(200);
    // Rows 10,000, 20,000, ..., 200,000, then the final "done" checkpoint.
    expect(run.saves).toBe(21);
  });

  it("keeps memory flat when the input grows tenfold", () => {
    const small = runGenerated(300_000);
    const large = runGenerated(3_000_000);
    expect(large.rows).toBe(3_000_000);
    // Holding on to ~100 bytes per record would add ~300 MB at 3,000,000
    // rows; garbage collection timing moves the peak by far less.
    expect(large.peakRssMb).toBeLessThan(small.peakRssMb + 120);
    expect(large.peakRssMb).toBeLessThan(400);
  });
});
