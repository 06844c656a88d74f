// Case 11: GitHub cancels a job with SIGINT, then SIGTERM 7.5 s later, then
// SIGKILL 2.5 s after that. Wherever that sequence ends the run — at the
// checkpoint saved at the signal, or by SIGKILL mid-batch after the last
// periodic one — the next run finishes with no gap and no duplicate. Run
// with 2 shards (child processes) under `sh -c`, with and without `exec`.
//
// What dash's `sh -c` does (measured): without `exec` the shell stays as
// the parent; a SIGINT sent to the shell's pid alone is held until the child
// exits and never reaches it, and a SIGTERM to the shell's pid kills only
// the shell. Signals to the process group reach every process. So the
// sequence goes to the group without `exec`, and to the pid with `exec`.
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, makeTempDir, runCli } from "../support/cli.js";
import { RELIABILITY, checkpointDirs, checkpointedRow, outputLines, sleep, waitFor, writeKeyedRows } from "./helpers.js";

const TSX = import.meta.resolve("tsx");
const BIN = path.join(ROOT, "src/cli/bin.ts");
const COUNT = 400;

function spawnUnderShell(args: string[], env: Record<string, string>, cwd: string, exec: boolean) {
  const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
  const command = [process.execPath, "--import", TSX, BIN, ...args].map(quote).join(" ");
  const child = spawn("sh", ["-c", `${exec ? "exec " : ""}${command}`], {
    cwd,
    env: { ...process.env, SLACK_WEBHOOK_URL: undefined, ...env } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stdout.resume();
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
  return { child, closed, stderr: () => stderr };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that; stops once every process is gone. */
async function cancelLikeGitHub(pid: number, toGroup: boolean): Promise<string[]> {
  const target = toGroup ? -pid : pid;
  const sent: string[] = [];
  for (const [signal, wait] of [["SIGINT", 7_500], ["SIGTERM", 2_500], ["SIGKILL", 0]] as const) {
    if (!groupAlive(pid)) break;
    process.kill(target, signal);
    sent.push(signal);
    const until = Date.now() + wait;
    while (Date.now() < until && groupAlive(pid)) await sleep(50);
  }
  // Whatever the target, nothing of the run may outlive the sequence.
  if (groupAlive(pid)) process.kill(-pid, "SIGKILL");
  return sent;
}

const cases = [
  { shell: "sh -c without exec", exec: false, toGroup: true },
  { shell: "sh -c with exec", exec: true, toGroup: false },
];

describe("cancel: SIGINT, then SIGTERM after 7.5 s, then SIGKILL after 2.5 s", () => {
  for (const { shell, exec, toGroup } of cases) {
    it(`stops at the checkpoint saved at SIGINT between checkpoints, under ${shell}, and the resume has no gap and no duplicate`, async () => {
      const dir = makeTempDir();
      const lines = writeKeyedRows(path.join(dir, "input.ndjson"), COUNT);
      const stateDir = path.join(dir, "state");
      const env = { REL_INPUT: path.join(dir, "input.ndjson"), REL_SHARDS: "2", REL_BATCH: "10", REL_EVERY: "50" };
      const args = ["run", RELIABILITY, "--state-dir", stateDir, "--json"];

      const run = spawnUnderShell(args, { ...env, REL_SLOW_MS: "100" }, dir, exec);
      await waitFor(() => checkpointedRow(stateDir, "reliability", "load") >= 50);
      await sleep(250); // between periodic checkpoints
      const sent = await cancelLikeGitHub(run.child.pid!, toGroup);
      await run.closed;
      expect(sent).toEqual(["SIGINT"]);
      expect(run.stderr()).toContain("received SIGINT: saving checkpoints and stopping");
      expect(checkpointDirs(stateDir, "reliability", "load")).toHaveLength(2);

      const resumed = await runCli(args, { env, cwd: dir });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toMatch(/stage load shard 1\/2: resuming at row [1-9]/);
      expect(outputLines(JSON.parse(resumed.stdout))).toEqual(lines);
    });

    it(`ends by SIGKILL when a batch outlasts the grace, under ${shell}, and resumes from the last checkpoint with no gap and no duplicate`, async () => {
      const dir = makeTempDir();
      const lines = writeKeyedRows(path.join(dir, "input.ndjson"), COUNT);
      const stateDir = path.join(dir, "state");
      const env = { REL_INPUT: path.join(dir, "input.ndjson"), REL_SHARDS: "2", REL_BATCH: "10", REL_EVERY: "20" };
      const args = ["run", RELIABILITY, "--state-dir", stateDir, "--json"];

      // Shard 1 checkpoints ids 0–99, then every batch from id 100 takes a minute.
      const run = spawnUnderShell(args, { ...env, REL_SLOW_MS: "60000", REL_SLOW_FROM_ID: "100" }, dir, exec);
      await waitFor(() => checkpointedRow(stateDir, "reliability", "load") >= 100);
      await sleep(300);
      const sent = await cancelLikeGitHub(run.child.pid!, toGroup);
      await run.closed;
      expect(sent).toEqual(["SIGINT", "SIGTERM", "SIGKILL"]);

      const resumed = await runCli(args, { env, cwd: dir });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toContain("stage load shard 1/2: resuming at row 100");
      expect(outputLines(JSON.parse(resumed.stdout))).toEqual(lines);
    });
  }
});

describe("a signal during a retry's backoff", () => {
  it("stops the run as interrupted, not as a failed stage", async () => {
    const { definePipeline, ndjson, ndjsonDataset } = await import("../../src/index.js");
    const { captureLogger, runHere } = await import("./helpers.js");
    const dir = makeTempDir();
    writeKeyedRows(path.join(dir, "input.ndjson"), 10);
    let failed = false;
    const pipeline = definePipeline({
      name: "backoff",
      stages: [
        {
          id: "load",
          source: ndjson({ path: "input.ndjson" }),
          retry: { attempts: 3, minDelayMs: 10_000, maxDelayMs: 10_000, jitter: false },
          transformBatch: (records) => {
            if (!failed) {
              failed = true;
              throw new Error("upstream timed out");
            }
            return records;
          },
          output: ndjsonDataset(),
        },
      ],
    });
    const stop = new AbortController();
    const logger = captureLogger();
    const warn = logger.warn;
    logger.warn = (message) => {
      warn(message);
      if (message.endsWith("retrying")) stop.abort("SIGINT");
    };
    const started = Date.now();
    const outcome = await runHere(pipeline, { stateDir: path.join(dir, "state"), baseDir: dir, signal: stop.signal, logger });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(outcome.interruptedBy).toBe("SIGINT");
    expect(outcome.record.stages[0]).toMatchObject({ status: "interrupted", error: null });
  });
});
