// Case 10: the disk fills while a stage writes. A real full disk: the state
// directory is a 256 KiB tmpfs (needs root; skipped otherwise). The stage
// fails with a clear error, the checkpoints on the full disk stay valid,
// and once there is space again the run resumes to exact output.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeFileCheckpointStore } from "../../src/checkpoint/file-store.js";
import { makeTempDir, runCli } from "../support/cli.js";
import { RELIABILITY, outputLines } from "./helpers.js";

function tryMount(dir: string, size: string): boolean {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const root = makeTempDir();
const stateDir = path.join(root, "state");
mkdirSync(stateDir);
const mounted = tryMount(stateDir, "256k");

afterAll(() => {
  if (mounted) execFileSync("umount", [stateDir]);
  rmSync(root, { recursive: true, force: true });
});

describe("a full disk", () => {
  it.skipIf(!mounted)("fails the stage with ENOSPC and what to do, keeps the checkpoints valid, and resumes once space is back", async () => {
    // 2,000 rows of ~230 bytes: a 460 KB part that cannot fit in 256 KiB.
    const lines = Array.from({ length: 2_000 }, (_, id) => JSON.stringify({ id, value: id % 1000, note: "x".repeat(200) }));
    writeFileSync(path.join(root, "input.ndjson"), lines.map((line) => `${line}\n`).join(""));
    const env = { REL_INPUT: path.join(root, "input.ndjson"), REL_BATCH: "100", REL_EVERY: "100" };
    const args = ["run", RELIABILITY, "--state-dir", stateDir, "--json"];

    const full = await runCli(args, { env, cwd: root });
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(
      /stage load: failed: stage load, shard 1\/1, row [\d,]+: ENOSPC: no space left on device, write \(the disk is full; free space, then run again to resume from the last checkpoint\)/,
    );

    const runs = path.join(stateDir, "pipelines/reliability/runs");
    const runId = JSON.parse(readFileSync(path.join(stateDir, "pipelines/reliability/current-run.json"), "utf8")).runId as string;
    const loaded = await makeFileCheckpointStore(runs).load({ pipeline: "reliability", runId, stage: "load", shard: { index: 0, count: 1 } });
    expect(loaded?.warnings).toEqual([]);
    const row = loaded!.checkpoint.cursor!.row;
    expect(row).toBeGreaterThan(0);
    expect(row).toBeLessThan(2_000);

    execFileSync("mount", ["-o", "remount,size=16m", stateDir]);
    const resumed = await runCli(args, { env, cwd: root });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`stage load shard 1/1: resuming at row ${row.toLocaleString("en-US")}`);
    expect(outputLines(JSON.parse(resumed.stdout))).toEqual(lines);
  });
});
