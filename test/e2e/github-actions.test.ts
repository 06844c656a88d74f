// End to end on "GitHub Actions" without GitHub (issue 3): the generated
// workflow for test/fixtures/flights-e2e.ts runs in the workflow simulator,
// each job's action step as the REAL bundle (`node action/dist/index.js`)
// in a fresh workspace directory, with the real @actions/cache,
// @actions/artifact and @octokit/rest talking to the emulators on
// 127.0.0.1 (results service + Azurite, the issues REST emulator, a Slack
// receiver). Nothing leaks between jobs except through cache and artifacts.
//
// Rebuild the bundle (npm run bundle) after changing src/. The tests run in
// order: the later ones compare their outputs with the first (fault-free)
// run's. E2E_DUMP=<dir> writes each scenario's step logs, issues and Slack
// messages there.
import { createHash, randomUUID } from "node:crypto";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateWorkflow } from "../../src/github/workflow.js";
import { parquet } from "../../src/io/index.js";
import { loadPipeline } from "../../src/pipeline/load.js";
import { type AzuriteHandle, startAzurite } from "../support/azurite.js";
import { type GitHubApi, startGitHubApi } from "../support/github-api.js";
import { type ResultsService, startResultsService } from "../support/results-service.js";
import { SlackReceiver } from "../support/slack-receiver.js";
import {
  type ActionCall,
  type ActionProcessResult,
  type ActionResult,
  type WorkflowRun,
  parseCommandFile,
  rerunFailed,
  runActionProcess,
  simulateWorkflow,
} from "../support/workflow-sim.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ENTRY = join(ROOT, "action", "dist", "index.js");
const PIPELINE_PATH = "test/fixtures/flights-e2e.ts";
const OWNER = "acme";
const REPO = "data";
const FLIGHT_ROWS = 20_000;
const PIPELINE = "flights-e2e";

let tmp: string;
let flightsFile: string;
let azurite: AzuriteHandle;
let results: ResultsService;
let yaml: string;
const actionYml = readFileSync(join(ROOT, "action.yml"), "utf8");

/** One action step as it ran: where, how long, what it printed. */
interface StepLog {
  call: ActionCall;
  workspace: string;
  result: ActionProcessResult;
  ms: number;
}

/** The emulators one scenario reports to. */
interface Scenario {
  github: GitHubApi;
  slack: SlackReceiver;
  /** Job env for every action step (the pipeline's E2E_* knobs). */
  env?: Record<string, string>;
  /** Stands in for timeout-minutes for chosen steps (ms), SIGINT then SIGTERM. */
  timeoutMs?: (call: ActionCall) => number | undefined;
  /** Runs just before a step starts (e.g. to inject a cache fault). */
  beforeStep?: (call: ActionCall) => void;
  logs: StepLog[];
}

async function newScenario(extra: Partial<Omit<Scenario, "github" | "slack" | "logs">> = {}): Promise<Scenario> {
  const github = await startGitHubApi({ owner: OWNER, repo: REPO });
  const slack = new SlackReceiver();
  await slack.start();
  return { github, slack, logs: [], ...extra };
}

async function stopScenario(scenario: Scenario): Promise<void> {
  // E2E_DUMP=dir keeps every step's output, the issues and Slack messages for reading.
  if (process.env.E2E_DUMP) {
    const file = join(process.env.E2E_DUMP, `${scenario.logs[0]?.call.runId ?? "none"}.log`);
    const issues = scenario.github.issues().map((i) => `#${i.number} ${i.state}\n${i.body}`);
    const comments = scenario.github.comments().map((c) => `comment on #${c.issueNumber}\n${c.body}`);
    const slack = scenario.slack.messages.map((m) => String(m.text));
    await writeFile(file, [dump(scenario), ...issues, ...comments, ...slack].join("\n\n======\n"));
  }
  await scenario.github.stop();
  await scenario.slack.stop();
}

/** A fresh runner's checkout: the pipeline file and node_modules, nothing else. */
async function freshWorkspace(): Promise<string> {
  const workspace = await mkdtemp(join(tmp, "ws-"));
  await mkdir(join(workspace, dirname(PIPELINE_PATH)), { recursive: true });
  await copyFile(join(ROOT, PIPELINE_PATH), join(workspace, PIPELINE_PATH));
  await symlink(join(ROOT, "node_modules"), join(workspace, "node_modules"), "dir");
  return workspace;
}

/** The workflow run id → the results service's run backend id (one per run, shared by attempts). */
const backendIdOf = (runId: string) => `00000000-0000-4000-8000-${runId.padStart(12, "0")}`;

function runActionFor(scenario: Scenario) {
  return async (call: ActionCall): Promise<ActionResult> => {
    const workspace = await freshWorkspace();
    const env: Record<string, string> = {
      ...results.env({ runBackendId: backendIdOf(call.runId), jobBackendId: randomUUID(), workspace }),
      ...call.env,
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_REPOSITORY_OWNER: OWNER,
      GITHUB_API_URL: scenario.github.url,
      GITHUB_WORKSPACE: workspace,
      E2E_FLIGHTS: flightsFile,
      ...scenario.env,
    };
    scenario.beforeStep?.(call);
    const started = Date.now();
    const result = await runActionProcess({
      entry: ENTRY,
      inputs: call.inputs,
      env,
      cwd: workspace,
      timeoutMs: scenario.timeoutMs?.(call),
    });
    scenario.logs.push({ call, workspace, result, ms: Date.now() - started });
    return { outcome: result.outcome, outputs: result.outputs };
  };
}

function simulate(scenario: Scenario, runId: string): Promise<WorkflowRun> {
  return simulateWorkflow(yaml, {
    runAction: runActionFor(scenario),
    runId,
    event: { name: "schedule" },
    actionYml,
    secrets: { SLACK_WEBHOOK_URL: scenario.slack.url },
  });
}

function rerun(scenario: Scenario, previous: WorkflowRun): Promise<WorkflowRun> {
  return rerunFailed(yaml, previous, {
    runAction: runActionFor(scenario),
    actionYml,
    secrets: { SLACK_WEBHOOK_URL: scenario.slack.url },
  });
}

const jobResults = (run: WorkflowRun) => Object.fromEntries(Object.entries(run.jobs).map(([id, job]) => [id, job.result]));

/** The logs of the action steps of `job` in attempt `attempt` of `runId`. */
const stepsOf = (scenario: Scenario, runId: string, attempt: number, job: string) =>
  scenario.logs.filter((l) => l.call.runId === runId && l.call.attempt === attempt && l.call.job === job);

const output = (log: StepLog) => `${log.result.stdout}\n${log.result.stderr}`;

/** Explains a failed expectation with every step's output. */
function dump(scenario: Scenario): string {
  return scenario.logs
    .map((l) => `--- ${l.call.runId}#${l.call.attempt} ${l.call.job} ${l.call.inputs.shard ?? ""} → ${l.result.outcome} (${l.ms} ms)\n${output(l).slice(-4_000)}`)
    .join("\n");
}

function expectJobs(run: WorkflowRun, scenario: Scenario, expected: Record<string, string>) {
  expect(jobResults(run), dump(scenario)).toEqual(expected);
}

/** "row 6,000" → 6000 */
const parseRow = (text: string) => Number(text.replaceAll(",", ""));

/** What a run produced: the flights parts' sha256 and the published route table. */
interface RunOutputs {
  parts: Record<string, string>;
  routes: unknown[];
}

async function sha256(file: string): Promise<string> {
  return createHash("sha256").update(await readFile(file)).digest("hex");
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/**
 * Reads the outputs from the workspaces of the run's last gate jobs: the
 * flights gate downloaded every shard's part from the artifacts, and the
 * route-delays gate published the SQLite table.
 */
async function runOutputs(scenario: Scenario, runId: string): Promise<RunOutputs> {
  const last = (job: string) => scenario.logs.filter((l) => l.call.runId === runId && l.call.job === job).at(-1)!;
  const gateFlights = last("gate-flights");
  const parts: Record<string, string> = {};
  for (const file of await filesUnder(join(gateFlights.workspace, ".bulkhead"))) {
    const name = /part-\d+-of-\d+\.ndjson$/.exec(file)?.[0];
    if (name && file.includes(`${join("stages", "flights")}`)) parts[name] = await sha256(file);
  }
  // Each shard's result.json (from its artifact) names the same sha256.
  for (const file of (await filesUnder(join(gateFlights.workspace, ".bulkhead"))).filter((f) => f.endsWith("result.json"))) {
    const result = JSON.parse(await readFile(file, "utf8")) as { outputs: { file: string; sha256: string }[] };
    for (const o of result.outputs) expect(parts[o.file.split("/").at(-1)!]).toBe(o.sha256);
  }
  const db = new Database(join(last("gate-route-delays").workspace, "out", "flight-delays.sqlite"), { readonly: true });
  try {
    const routes = db.prepare("SELECT * FROM route_delays ORDER BY route").all();
    return { parts, routes };
  } finally {
    db.close();
  }
}

/**
 * Every cache entry creation so far was answered without a 409: each save
 * (checkpoints, last-success counts) used a key of its own, so the library
 * never said "another job may be creating this cache".
 */
function expectFreshCacheKeys(scenario: Scenario) {
  const creates = results.calls.filter((c) => c.method === "CreateCacheEntry" && !c.injected);
  expect(creates.filter((c) => c.status === 409)).toEqual([]);
  const keys = creates.map((c) => (c.request as { key: string }).key);
  expect(new Set(keys).size).toBe(keys.length);
  for (const log of scenario.logs) expect(output(log)).not.toContain("another job may be creating this cache");
}

async function writeFlightsSlice(file: string, rows: number): Promise<void> {
  // The parquet source gives the same JSON-safe records as the full pipeline reads.
  const source = parquet({ path: "node_modules/vega-datasets/data/flights-3m.parquet" });
  const out = createWriteStream(file);
  let written = 0;
  const context = {
    shard: { index: 0, count: 1 },
    batchSize: 5_000,
    baseDir: ROOT,
    resolveDataset: () => {
      throw new Error("no datasets here");
    },
  };
  for await (const batch of source.read(context, null)) {
    for (const record of batch.records) {
      if (written === rows) break;
      out.write(`${JSON.stringify(record)}\n`);
      written++;
    }
    if (written === rows) break;
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "bulkhead-e2e-"));
  flightsFile = join(tmp, "flights.ndjson");
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run bundle`);
  const [pipeline] = await Promise.all([
    loadPipeline(join(ROOT, PIPELINE_PATH)),
    writeFlightsSlice(flightsFile, FLIGHT_ROWS),
    (async () => {
      azurite = await startAzurite();
      results = await startResultsService({ azurite });
    })(),
  ]);
  yaml = generateWorkflow(pipeline, { actionRef: "./", pipelinePath: PIPELINE_PATH }).yaml;
});

afterAll(async () => {
  await results?.stop();
  await azurite?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const ALL_GREEN = {
  plan: "success",
  airports: "success",
  "gate-airports": "success",
  flights: "success",
  "gate-flights": "success",
  "route-delays": "success",
  "gate-route-delays": "success",
  alert: "success",
};

/** Outputs of the fault-free run, which the resumed run must equal. */
let faultFree: RunOutputs | undefined;

describe("GitHub Actions end to end (real bundle, emulated services)", () => {
  it("a fault-free scheduled run succeeds, and a checkpoint save the cache refuses is only a warning", async () => {
    // Each checkpoint save must use a fresh cache key; a refused one is
    // logged loudly and the shard goes on with the previous checkpoint.
    let injected = false;
    const scenario = await newScenario({
      beforeStep: (call) => {
        if (call.job === "flights" && !injected) {
          injected = true;
          results.injectFault("CreateCacheEntry", { kind: "not-ok", message: "cache write denied: injected by the test" });
          results.injectFault("FinalizeCacheEntryUpload", { kind: "not-ok", message: "injected finalize failure" });
        }
      },
    });
    try {
      const run = await simulate(scenario, "201");
      expectJobs(run, scenario, ALL_GREEN);

      const flightLogs = stepsOf(scenario, "201", 1, "flights").map(output).join("\n");
      const notSaved = flightLogs.split("\n").filter((line) => line.includes("checkpoint NOT saved"));
      expect(notSaved.length, flightLogs).toBe(2);
      expect(notSaved.every((line) => line.startsWith("::warning::"))).toBe(true);
      expect(results.calls.filter((c) => c.injected).map((c) => c.method).sort()).toEqual([
        "CreateCacheEntry",
        "FinalizeCacheEntryUpload",
      ]);

      // Every gate passed; the route table has rows; no alert anywhere.
      const gate = JSON.parse(run.jobs["gate-flights"]!.outputs.report!) as { passed: boolean; counts: { rowsIn: number } };
      expect(gate).toMatchObject({ passed: true, counts: { rowsIn: FLIGHT_ROWS } });
      expect(scenario.github.issues()).toEqual([]);
      expect(scenario.slack.requests).toEqual([]);
      expect(scenario.github.violations).toEqual([]);

      faultFree = await runOutputs(scenario, "201");
      expect(Object.keys(faultFree.parts).sort()).toEqual(["part-00000-of-00002.ndjson", "part-00001-of-00002.ndjson"]);
      expect(faultFree.routes.length).toBeGreaterThan(100);
      expectFreshCacheKeys(scenario);
    } finally {
      await stopScenario(scenario);
    }
  });

  it("shard 2/2 fails partway: one issue and one Slack message; re-run failed jobs resumes at the checkpoint and recovers", async () => {
    const scenario = await newScenario({ env: { E2E_FAIL_SHARDS: "2", E2E_FAIL_AT_ROW: "6000" } });
    try {
      // Attempt 1: the shard fails after its checkpoint at row 6,000.
      const first = await simulate(scenario, "202");
      expectJobs(first, scenario, {
        ...ALL_GREEN,
        flights: "failure",
        "gate-flights": "success",
        "route-delays": "skipped",
        "gate-route-delays": "skipped",
        alert: "failure",
      });
      expect(first.jobs["gate-flights"]!.outputs.passed).toBe("false");
      expect(first.jobs.flights!.legs.map((l) => l.outcome)).toEqual(["success", "failure"]);

      const issues = scenario.github.issues();
      expect(issues, dump(scenario)).toHaveLength(1);
      const body = issues[0]!.body ?? "";
      expect(body).toContain("flights");
      expect(body).toContain("2/2");
      expect(body).toContain("injected failure in shard 2");
      const checkpointRow = parseRow(/last checkpoint: row ([\d,]+)/.exec(body)?.[1] ?? "0");
      expect(checkpointRow).toBe(6_000);
      expect(scenario.slack.messages, JSON.stringify(scenario.slack.requests)).toHaveLength(1);
      expect(JSON.stringify(scenario.slack.messages[0])).toContain("2/2");
      expect(scenario.github.violations).toEqual([]);

      // Attempt 2: only the failed shard and what follows it run again.
      const second = await rerun(scenario, first);
      expectJobs(second, scenario, ALL_GREEN);
      expect(second.calls.map((c) => `${c.job} ${c.inputs.shard ?? ""}`.trim())).toEqual([
        "flights 2/2",
        "gate-flights",
        "route-delays 1/1",
        "gate-route-delays",
        "alert",
      ]);
      const resumed = stepsOf(scenario, "202", 2, "flights").map(output).join("\n");
      const resumedAt = /resuming at row ([\d,]+)/.exec(resumed)?.[1];
      expect(resumedAt, resumed).toBeDefined();
      expect(parseRow(resumedAt!)).toBe(checkpointRow);

      // The gate judged this attempt's data: both shards, every row.
      const gate = JSON.parse(second.jobs["gate-flights"]!.outputs.report!) as { passed: boolean; counts: { rowsIn: number } };
      expect(gate).toMatchObject({ passed: true, counts: { rowsIn: FLIGHT_ROWS } });

      // Recovery: the issue is closed with a comment, Slack hears it.
      const [issue] = scenario.github.issues();
      expect(issue!.state).toBe("closed");
      const comments = scenario.github.comments().filter((c) => c.issueNumber === issue!.number);
      expect(comments.map((c) => c.body).join("\n")).toMatch(/Recovered in .*\/runs\/202/);
      expect(scenario.slack.messages).toHaveLength(2);
      expect(JSON.stringify(scenario.slack.messages[1])).toContain("recovered");
      expect(scenario.github.violations).toEqual([]);

      // Byte-identical to the fault-free run.
      expect(faultFree, "the fault-free run (previous test) produced no outputs").toBeDefined();
      expect(await runOutputs(scenario, "202")).toEqual(faultFree);
      expectFreshCacheKeys(scenario);
    } finally {
      await stopScenario(scenario);
    }
  });

  it("two shards failing at once open one issue listing both; a later failed gate comments on it and skips downstream", async () => {
    const scenario = await newScenario({ env: { E2E_FAIL_SHARDS: "1,2", E2E_FAIL_AT_ROW: "2500" } });
    try {
      const both = await simulate(scenario, "203");
      expect(jobResults(both)).toMatchObject({ flights: "failure", "route-delays": "skipped", alert: "failure" });
      const issues = scenario.github.issues();
      expect(issues, dump(scenario)).toHaveLength(1);
      const body = issues[0]!.body ?? "";
      expect(body).toContain("1/2");
      expect(body).toContain("2/2");
      expect(body.match(/last checkpoint: row 2,000/g)).toHaveLength(2);
      // One Slack message for the run, naming both shards.
      expect(scenario.slack.messages).toHaveLength(1);
      expect(JSON.stringify(scenario.slack.messages[0])).toContain("shard 1/2");
      expect(JSON.stringify(scenario.slack.messages[0])).toContain("shard 2/2");
      expect(scenario.slack.requests.map((r) => r.status)).toEqual([200]);

      // A second failing run: flights in 3 shards, its row-count minimum too high.
      const artifactsBefore = results.artifacts().length;
      scenario.env = { E2E_FLIGHT_SHARDS: "3", E2E_FLIGHTS_MIN_ROWS: "1000000" };
      const gated = await simulate(scenario, "204");
      // A failed gate leaves its own job green; the alert job fails so the run shows red.
      expectJobs(gated, scenario, {
        ...ALL_GREEN,
        "route-delays": "skipped",
        "gate-route-delays": "skipped",
        alert: "failure",
      });
      expect(gated.jobs["gate-flights"]!.outputs.passed).toBe("false");
      expect(gated.calls.filter((c) => c.job === "flights").map((c) => c.inputs.shard).sort()).toEqual(["1/3", "2/3", "3/3"]);

      // Three shards, three distinctly named artifacts, no 409.
      const shardArtifacts = results
        .artifacts()
        .slice(artifactsBefore)
        .filter((a) => a.runBackendId === backendIdOf("204") && /-flights-s\d+of3-/.test(a.name))
        .map((a) => a.name);
      expect(new Set(shardArtifacts).size).toBe(3);
      expect(results.calls.filter((c) => c.service.endsWith("ArtifactService") && c.status === 409)).toEqual([]);

      // Still one issue; the second run is a comment naming the failed check.
      expect(scenario.github.issues()).toHaveLength(1);
      expect(scenario.github.issues()[0]!.state).toBe("open");
      const comments = scenario.github.comments();
      expect(comments).toHaveLength(1);
      expect(comments[0]!.body).toContain("flights");
      expect(comments[0]!.body).toMatch(/row.count|rowCount/i);
      expect(comments[0]!.body).toContain("1,000,000");
      // Every job is green after a failed gate, so there is nothing to "re-run".
      expect(comments[0]!.body).not.toContain("Re-run failed jobs");
      expect(scenario.slack.messages).toHaveLength(2);
      expect(scenario.github.violations).toEqual([]);
      expectFreshCacheKeys(scenario);
    } finally {
      await stopScenario(scenario);
    }
  });

  it("a shard cut off by a timeout is reported, its checkpoint was saved at the signal, and the re-run resumes there", async () => {
    const scenario = await newScenario({
      env: { E2E_SLOW_MS: "400", E2E_SLOW_SHARD: "2" },
      timeoutMs: (call) => (call.job === "flights" && call.inputs.shard === "2/2" && call.attempt === 1 ? 5_000 : undefined),
    });
    try {
      const first = await simulate(scenario, "205");
      expect(jobResults(first), dump(scenario)).toMatchObject({
        flights: "cancelled",
        "gate-flights": "success",
        "route-delays": "skipped",
        alert: "failure",
      });
      const shardLog = output(stepsOf(scenario, "205", 1, "flights").find((l) => l.call.inputs.shard === "2/2")!);
      expect(shardLog).toContain("received SIGINT");

      const issues = scenario.github.issues();
      expect(issues, dump(scenario)).toHaveLength(1);
      const body = issues[0]!.body ?? "";
      expect(body).toMatch(/timed out|cancelled/);
      expect(body).toContain("2/2");
      const checkpointRow = parseRow(/last checkpoint: row ([\d,]+)/.exec(body)?.[1] ?? "0");
      expect(checkpointRow).toBeGreaterThan(0);
      expect(checkpointRow).toBeLessThan(FLIGHT_ROWS / 2);
      // The last checkpoint was saved after the signal, at the next batch boundary.
      const afterSignal = shardLog.slice(shardLog.indexOf("received SIGINT"));
      const savedAt = /checkpoint \d+ saved at row ([\d,]+)/.exec(afterSignal)?.[1];
      expect(savedAt, afterSignal).toBeDefined();
      expect(parseRow(savedAt!)).toBe(checkpointRow);
      expect(scenario.slack.messages).toHaveLength(1);
      expect(JSON.stringify(scenario.slack.messages[0])).toMatch(/timed out|cancelled/);

      const second = await rerun(scenario, first);
      expectJobs(second, scenario, ALL_GREEN);
      const resumed = stepsOf(scenario, "205", 2, "flights").map(output).join("\n");
      expect(parseRow(/resuming at row ([\d,]+)/.exec(resumed)?.[1] ?? "-1"), resumed).toBe(checkpointRow);
      expect(scenario.github.issues()[0]!.state).toBe("closed");
      expect(await runOutputs(scenario, "205")).toEqual(faultFree);
      expect(scenario.github.violations).toEqual([]);
      expectFreshCacheKeys(scenario);
    } finally {
      await stopScenario(scenario);
    }
  });

  it("a pipeline file that no longer loads: the plan fails, stages are skipped, and the alert still opens the issue", async () => {
    const scenario = await newScenario({ env: { E2E_FLIGHT_SHARDS: "0" } });
    try {
      const run = await simulate(scenario, "206");
      expect(jobResults(run), dump(scenario)).toMatchObject({ plan: "failure", airports: "skipped", flights: "skipped", alert: "failure" });
      expect(run.calls.map((c) => c.job)).toEqual(["plan", "alert"]);
      const issues = scenario.github.issues();
      expect(issues, dump(scenario)).toHaveLength(1);
      expect(issues[0]!.body).toContain(`<!-- bulkhead:pipeline=${PIPELINE} -->`);
      expect(issues[0]!.body).toContain(`the pipeline file ${PIPELINE_PATH} could not be loaded`);
      expect(issues[0]!.body).toContain("stages[1].shards");
      expect(scenario.slack.messages).toHaveLength(1);
      expect(scenario.github.violations).toEqual([]);
    } finally {
      await stopScenario(scenario);
    }
  });

  it("a step output with a line EOF and no trailing newline round-trips through GITHUB_OUTPUT", async () => {
    const entry = join(tmp, "set-output.mjs");
    const core = join(ROOT, "node_modules", "@actions", "core", "lib", "core.js");
    const values = {
      text: "first line\nEOF\nlast line, no newline",
      eof: "EOF",
      delimiterLike: "ghadelimiter_00000000-0000-0000-0000-000000000000\nEOF",
      trailing: "ends with a newline\n",
    };
    await writeFile(
      entry,
      `import * as core from ${JSON.stringify(core)};\nconst values = ${JSON.stringify(values)};\nfor (const [k, v] of Object.entries(values)) core.setOutput(k, v);\n`,
    );
    const result = await runActionProcess({ entry, inputs: {} });
    expect(result.outcome, result.stderr).toBe("success");
    expect(result.outputs).toEqual(values);
    // The parser reads GitHub's heredoc form with the random delimiter.
    const delimiter = "ghadelimiter_1234";
    expect(parseCommandFile(`text<<${delimiter}\nfirst line\nEOF\nlast line${"\n"}${delimiter}\n`)).toEqual({
      text: "first line\nEOF\nlast line",
    });
  });
});
