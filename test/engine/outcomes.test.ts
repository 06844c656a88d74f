// Exit codes, gates, retries and alerts of `bulkhead run`, end to end.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackReceiver } from "../support/slack-receiver.js";
import { ROOT, makeTempDir, runCli, spawnCli, writeNumbers } from "../support/cli.js";

const PIPELINE = path.join(ROOT, "test/fixtures/numbers.ts");

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

function countCheckpointFiles(dir: string): number {
  return readdirSync(dir, { recursive: true }).filter((name) => /checkpoints.*\d{9}\.json$/.test(String(name))).length;
}

function setup(count = 400) {
  const dir = makeTempDir();
  writeNumbers(path.join(dir, "numbers.ndjson"), count);
  const env = { NUMBERS_INPUT: path.join(dir, "numbers.ndjson"), NUMBERS_DB: path.join(dir, "out.sqlite") };
  const stateDir = path.join(dir, "state");
  const run = (extra: Record<string, string> = {}, args: string[] = []) =>
    runCli(["run", PIPELINE, "--state-dir", stateDir, "--json", ...args], { env: { ...env, ...extra }, cwd: dir });
  return { dir, env, stateDir, run };
}

describe("exit codes and outcomes", () => {
  it("exits 64 and names each bad field of an invalid definition", async () => {
    const result = await runCli(["check", path.join(ROOT, "test/fixtures/bad-definition.ts")]);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain("bad-definition.ts: invalid pipeline definition:");
    expect(result.stderr).toContain("stages[0].shards:");
    expect(result.stderr).toContain("stages[1].batchSize:");
    expect(result.stderr).toContain('stages[1].needs[0]: unknown stage "missing"');
  });

  it("exits 64 on bad usage", async () => {
    expect((await runCli(["run", PIPELINE, "--no-such-flag"])).code).toBe(64);
    expect((await runCli(["run", PIPELINE, "--shard", "3/2", "--stage", "load"])).code).toBe(64);
    expect((await runCli(["run", "missing.ts"])).code).toBe(64);
    const notAPipeline = await runCli(["check", "README.md"]);
    expect(notAPipeline.code).toBe(64);
    expect(notAPipeline.stderr).toContain("README.md: cannot load the pipeline file:");
    const version = await runCli(["--version"]);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version);
  });

  it("exits 64 naming the variable when BULKHEAD_HEAP_GROWTH_PERCENT is not a whole percent", async () => {
    for (const value of ["abc", "-5", "12.5", "1001", "0x64", "1e2"]) {
      const result = await runCli(["--version"], { env: { BULKHEAD_HEAP_GROWTH_PERCENT: value } });
      expect(result.code).toBe(64);
      expect(result.stderr).toContain(`BULKHEAD_HEAP_GROWTH_PERCENT=${value}: expected a whole number of percent from 0 to 1000`);
    }
    for (const value of ["0", "250", ""]) {
      expect((await runCli(["--version"], { env: { BULKHEAD_HEAP_GROWTH_PERCENT: value } })).code).toBe(0);
    }
  });

  it("`check` accepts a valid definition without running it", async () => {
    const result = await runCli(["check", PIPELINE]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("pipeline numbers is valid: 3 stages (load×2, index×2, totals×1)");
  });

  it("exits 2 at a failed gate, writes the report and runs no downstream stage", async () => {
    const { run, env, stateDir } = setup(400);
    const result = await run({ NUMBERS_MIN_ROWS: "500" });
    expect(result.code).toBe(2);
    const summary = JSON.parse(result.stdout);
    expect(summary.status).toBe("gated");
    const load = summary.stages.find((s: { id: string }) => s.id === "load");
    expect(load.status).toBe("gated");
    const failed = load.checks.filter((c: { passed: boolean }) => !c.passed);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ severity: "fail", observed: expect.anything() });
    expect(JSON.stringify(failed[0].observed)).toContain("400");
    expect(JSON.stringify(failed[0].expected)).toContain("500");
    for (const id of ["index", "totals"]) {
      expect(summary.stages.find((s: { id: string }) => s.id === id).status).toMatch(/^(pending|skipped)$/);
    }
    expect(existsSync(env.NUMBERS_DB)).toBe(false);
    const reportDir = path.join(stateDir, "pipelines/numbers/runs", summary.runId, "reports");
    const report = JSON.parse(readFileSync(path.join(reportDir, "gate-load.json"), "utf8"));
    expect(report).toMatchObject({ stage: "load", passed: false, counts: { rowsIn: 400, rowsOut: 400, rowsInvalid: 0 } });
    expect(readFileSync(path.join(reportDir, "gate-load.md"), "utf8")).toContain("❌");
  });

  it("after a failed gate, re-reads a shard whose input changed instead of judging old rows again", async () => {
    const { run, dir } = setup(400);
    expect((await run({ NUMBERS_MIN_ROWS: "500" })).code).toBe(2);
    writeNumbers(path.join(dir, "numbers.ndjson"), 600);
    const fixed = await run({ NUMBERS_MIN_ROWS: "500" });
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stderr).toMatch(/stage load shard 1\/2: its input changed since its checkpoint \(row [\d,]+\); starting the shard over/);
    const load = JSON.parse(fixed.stdout).stages.find((s: { id: string }) => s.id === "load");
    expect(load).toMatchObject({ status: "succeeded", rowsIn: 600, rowsOut: 600 });
  });

  it("after a failed gate, judges every row again when the checks changed", async () => {
    const { run } = setup(400);
    expect((await run({ NUMBERS_MIN_ROWS: "500" })).code).toBe(2);
    const fixed = await run({ NUMBERS_MIN_ROWS: "300" });
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stderr).toContain("the stage's checks changed since its checkpoint");
    const load = JSON.parse(fixed.stdout).stages.find((s: { id: string }) => s.id === "load");
    expect(load.checks.find((c: { name: string }) => c.name.startsWith("row count")).passed).toBe(true);
    expect(load).toMatchObject({ rowsIn: 400, rowsOut: 400 });
  });

  it("retries a failed shard from its checkpoint and counts every row once", async () => {
    const { run, dir } = setup(400);
    const result = await run({
      NUMBERS_FAIL_ONCE_AT: "300",
      NUMBERS_FAIL_MARKER: path.join(dir, "failed-once"),
      NUMBERS_SHARDS: "1",
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("stage load shard 1/1: attempt 1 of 2 failed at row 300: injected failure at id 300; retrying");
    expect(result.stderr).toMatch(/stage load shard 1\/1: resuming at row 300/);
    const load = JSON.parse(result.stdout).stages.find((s: { id: string }) => s.id === "load");
    expect(load).toMatchObject({ rowsIn: 400, rowsOut: 400 });
  });

  it("does not retry an error marked as not worth retrying, exits 1 and logs the alert", async () => {
    const { run, stateDir } = setup(200);
    const result = await run({ NUMBERS_FATAL: "schema drift", NUMBERS_SHARDS: "1" });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain("retrying");
    const alerts = readFileSync(path.join(stateDir, "pipelines/numbers/alerts.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: "failure", pipeline: "numbers", stage: "load", shard: "1/1", attempt: 1 });
    expect(alerts[0].error).toContain("fatal: schema drift");
  });

  it("fails at once, without retries, when an input file is missing", async () => {
    const { run } = setup(10);
    const result = await run({ NUMBERS_INPUT: "/nonexistent/numbers.ndjson", NUMBERS_SHARDS: "1" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("/nonexistent/numbers.ndjson");
    expect(result.stderr).not.toContain("retrying");
  });

  it("keeps running when whoever reads its output goes away (EPIPE)", async () => {
    const { dir, env, stateDir } = setup(300);
    const child = spawnCli(["run", PIPELINE, "--state-dir", stateDir], { env, cwd: dir });
    // Like `bulkhead run … 2>&1 | head -1`: read one chunk, then close the pipes.
    await new Promise((resolve) => child.stderr!.once("data", resolve));
    child.stderr!.destroy();
    child.stdout!.destroy();
    const result = await child.result;
    expect(result.code).toBe(0);
    const runs = readdirSync(path.join(stateDir, "pipelines/numbers/runs"));
    const record = JSON.parse(readFileSync(path.join(stateDir, "pipelines/numbers/runs", runs[0], "run.json"), "utf8"));
    expect(record.status).toBe("succeeded");
  });

  it("stops on SIGINT with exit 130 after a checkpoint, and the next run finishes", async () => {
    const { dir, env, stateDir } = setup(2_000);
    const child = spawnCli(["run", PIPELINE, "--state-dir", stateDir], {
      env: { ...env, NUMBERS_SLOW_MS: "20", NUMBERS_SHARDS: "1" },
      cwd: dir,
    });
    // Stop between checkpoints, once the run is well under way.
    const checkpoints = path.join(stateDir, "pipelines/numbers/runs");
    await waitFor(() => existsSync(checkpoints) && countCheckpointFiles(checkpoints) > 0);
    process.kill(child.pid!, "SIGINT");
    const stopped = await child.result;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toContain("received SIGINT: saving checkpoints and stopping");
    const resumed = await runCli(["run", PIPELINE, "--state-dir", stateDir, "--json"], { env: { ...env, NUMBERS_SHARDS: "1" }, cwd: dir });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/resuming at row [1-9]/);
    expect(JSON.parse(resumed.stdout).stages[0]).toMatchObject({ rowsIn: 2_000, rowsOut: 2_000 });
  });
});

describe("alerts to Slack", () => {
  const slack = new SlackReceiver();
  beforeAll(async () => {
    await slack.start();
  });
  afterAll(async () => {
    await slack.stop();
  });

  it("posts a failure, then a recovered message after the next success", async () => {
    const { run } = setup(200);
    const failed = await run({ NUMBERS_FATAL: "bad upstream", NUMBERS_SHARDS: "1", SLACK_WEBHOOK_URL: slack.url });
    expect(failed.code).toBe(1);
    expect(slack.messages).toHaveLength(1);
    const failure = JSON.stringify(slack.messages[0]);
    expect(failure).toContain("numbers");
    expect(failure).toContain("load");
    expect(failure).toContain("bad upstream");
    expect(failure).not.toContain(slack.url);

    const recovered = await run({ NUMBERS_SHARDS: "1", SLACK_WEBHOOK_URL: slack.url });
    expect(recovered.code).toBe(0);
    expect(slack.messages).toHaveLength(2);
    expect(JSON.stringify(slack.messages[1])).toContain("recovered");
  });
});
