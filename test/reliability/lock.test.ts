// Case 9: two `bulkhead run` of one pipeline and state directory at once:
// the second refuses, naming the holder; a lock left by a killed process is
// taken over with a warning.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeTempDir, runCli, spawnCli } from "../support/cli.js";
import { RELIABILITY, checkpointedRow, outputLines, waitFor, writeKeyedRows } from "./helpers.js";

describe("one run per pipeline and state directory", () => {
  it("refuses a second concurrent run naming the holder, and recovers the stale lock of a killed run", async () => {
    const dir = makeTempDir();
    const lines = writeKeyedRows(path.join(dir, "input.ndjson"), 400);
    const stateDir = path.join(dir, "state");
    const lock = path.join(stateDir, "pipelines/reliability/lock.json");
    const env = { REL_INPUT: path.join(dir, "input.ndjson"), REL_BATCH: "20", REL_EVERY: "20" };
    const args = ["run", RELIABILITY, "--state-dir", stateDir, "--json"];

    const first = spawnCli(args, { env: { ...env, REL_SLOW_MS: "500" }, cwd: dir });
    await waitFor(() => checkpointedRow(stateDir, "reliability", "load") > 0);
    expect(JSON.parse(readFileSync(lock, "utf8")).pid).toBe(first.pid);

    const second = await runCli(args, { env, cwd: dir });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(`^bulkhead: another bulkhead run holds ${lock}: pid ${first.pid} on \\S+, started \\S+ \\(.*run .*reliability\\.ts.*\\); wait for it to finish or stop it\\n$`),
    );

    process.kill(-first.pid!, "SIGKILL");
    expect((await first.result).signal).toBe("SIGKILL");
    expect(existsSync(lock)).toBe(true);

    const third = await runCli(args, { env, cwd: dir });
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toContain(`taking over a stale lock ${lock} left by pid ${first.pid} (no longer running)`);
    expect(outputLines(JSON.parse(third.stdout))).toEqual(lines);
    expect(existsSync(lock)).toBe(false);
  });
});
