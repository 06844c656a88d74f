// Runs the generated workflow through the simulator with a fake action that
// behaves like Bulkhead's commands: plan emits matrices, stage legs
// succeed or fail as each scenario says, a gate passes only when every
// shard of its stage succeeded (it fails closed), alert records what it saw.
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateWorkflow, planMatrix } from "../../src/github/workflow.js";
import { definePipeline } from "../../src/pipeline/define.js";
import type { Sink, Source } from "../../src/pipeline/types.js";
import {
  expandMatrix,
  parseCommandFile,
  rerunFailed,
  runActionProcess,
  simulateWorkflow,
  type ActionCall,
  type ActionResult,
  type SimulateOptions,
  type WorkflowRun,
} from "../support/workflow-sim.js";

const source: Source = { kind: "test", description: "test source", async *read() {} };
const output: Sink = {
  kind: "test",
  description: "test sink",
  open: async () => {
    throw new Error("not opened in these tests");
  },
  publish: async () => [],
};

/** extract (4 shards) → transform (2 shards) → load (1 shard). */
const pipeline = definePipeline({
  name: "flights",
  schedule: "0 6 * * 1",
  stages: [
    { id: "extract", source, output, shards: 4 },
    { id: "transform", needs: ["extract"], source, output, shards: 2 },
    { id: "load", needs: ["transform"], source, output },
  ],
});
const { yaml } = generateWorkflow(pipeline, { pipelinePath: "pipelines/flights.ts" });
const actionYml = readFileSync(new URL("../../action.yml", import.meta.url), "utf8");

interface FakeOptions {
  /** Shard legs ("extract 2/4") that fail, or are cancelled as by a timeout, in attempt 1. */
  failOnce?: string[];
  cancelOnce?: string[];
  /** Stages whose gate checks fail although every shard succeeded. */
  failingChecks?: string[];
  /** The plan command fails. */
  planFails?: boolean;
}

/** A fake action with Bulkhead's four commands; `seen` keeps what alert received. */
function fakeAction(fake: FakeOptions = {}) {
  const succeeded = new Set<string>();
  const seen: { needs?: Record<string, { result: string; outputs: Record<string, string> }> } = {};

  const runAction = async (call: ActionCall): Promise<ActionResult> => {
    const { command, stage = "", shard = "" } = call.inputs;
    switch (command) {
      case "plan": {
        if (fake.planFails) return { outcome: "failure" };
        const outputs: Record<string, string> = {};
        for (const s of pipeline.stages) outputs[`matrix-${s.id}`] = JSON.stringify(planMatrix(s));
        return { outcome: "success", outputs };
      }
      case "stage": {
        const leg = `${stage} ${shard}`;
        if (call.attempt === 1 && fake.failOnce?.includes(leg)) return { outcome: "failure" };
        if (call.attempt === 1 && fake.cancelOnce?.includes(leg)) return { outcome: "cancelled" };
        succeeded.add(leg);
        return { outcome: "success" };
      }
      case "gate": {
        const count = pipeline.stages.find((s) => s.id === stage)!.shards;
        const allShards = Array.from({ length: count }, (_, i) => `${stage} ${i + 1}/${count}`);
        const shardsOk = allShards.every((leg) => succeeded.has(leg));
        const passed = shardsOk && !fake.failingChecks?.includes(stage);
        const report = JSON.stringify({ stage, shardsOk });
        // A failed gate fails its job, and still sets its outputs.
        return { outcome: passed ? "success" : "failure", outputs: { passed: String(passed), report } };
      }
      case "alert":
        seen.needs = JSON.parse(call.inputs["needs-results"]!);
        return { outcome: "success", outputs: { status: "succeeded" } };
      default:
        throw new Error(`unexpected command ${command}`);
    }
  };
  return { runAction, seen };
}

const run = (runAction: SimulateOptions["runAction"], extra: Partial<SimulateOptions> = {}) =>
  simulateWorkflow(yaml, { runAction, actionYml, ...extra });

const results = (r: WorkflowRun) => Object.fromEntries(Object.entries(r.jobs).map(([id, job]) => [id, job.result]));
const shardsRun = (r: WorkflowRun) =>
  r.calls.filter((c) => c.inputs.command === "stage").map((c) => `${c.inputs.stage} ${c.inputs.shard}`);

describe("the generated workflow, simulated", () => {
  it("all green: every stage runs each shard once, gates pass, alert runs and sees success", async () => {
    const { runAction, seen } = fakeAction();
    const result = await run(runAction);

    expect(result.order).toEqual([
      "plan",
      "extract",
      "gate-extract",
      "transform",
      "gate-transform",
      "load",
      "gate-load",
      "alert",
    ]);
    expect(Object.values(results(result)).every((r) => r === "success")).toBe(true);
    expect(shardsRun(result).sort()).toEqual(
      ["extract 1/4", "extract 2/4", "extract 3/4", "extract 4/4", "transform 1/2", "transform 2/2", "load 1/1"].sort(),
    );
    expect(result.jobs["gate-load"]!.outputs.passed).toBe("true");
    expect(seen.needs?.["gate-transform"]).toEqual({
      result: "success",
      outputs: { passed: "true", report: '{"stage":"transform","shardsOk":true}' },
    });
    expect(Object.keys(seen.needs!)).toHaveLength(7);
  });

  it("passes the runner's defaults and run identity to the action", async () => {
    const { runAction } = fakeAction();
    const result = await run(runAction, { runId: "4242" });
    const call = result.calls.find((c) => c.inputs.command === "stage" && c.inputs.shard === "3/4")!;

    expect(call.inputs).toEqual({
      command: "stage",
      pipeline: "pipelines/flights.ts",
      stage: "extract",
      shard: "3/4",
      fresh: "false",
      "github-token": "ghs_simulated",
      "slack-webhook-url": "",
      stages: "",
      "state-dir": ".bulkhead",
      "needs-results": "",
    });
    expect(call.env).toMatchObject({ GITHUB_RUN_ID: "4242", GITHUB_RUN_ATTEMPT: "1", GITHUB_JOB: "extract" });
    expect(call.leg).toEqual({ shard: "3/4" });
    const checkout = result.jobs.extract!.legs[0]!.steps[0]!;
    expect(checkout).toMatchObject({ uses: "actions/checkout@v4", simulated: true, outcome: "success" });
  });

  it("a failed shard: the other shards still run, the gate fails closed, downstream is skipped, alert runs", async () => {
    const { runAction, seen } = fakeAction({ failOnce: ["extract 2/4"] });
    const result = await run(runAction);

    expect(results(result)).toEqual({
      plan: "success",
      extract: "failure",
      "gate-extract": "failure",
      transform: "skipped",
      "gate-transform": "skipped",
      load: "skipped",
      "gate-load": "skipped",
      alert: "success",
    });
    expect(result.jobs.extract!.legs.map((leg) => leg.outcome)).toEqual(["success", "failure", "success", "success"]);
    expect(result.jobs["gate-extract"]!.outputs.passed).toBe("false");
    expect(seen.needs?.extract?.result).toBe("failure");
    expect(seen.needs?.load?.result).toBe("skipped");
  });

  it("a shard that timed out (cancelled): the gate still runs and fails closed, alert runs", async () => {
    const { runAction } = fakeAction({ cancelOnce: ["transform 1/2"] });
    const result = await run(runAction);

    expect(results(result)).toMatchObject({
      transform: "cancelled",
      "gate-transform": "failure",
      load: "skipped",
      alert: "success",
    });
    expect(result.order).toContain("gate-transform");
  });

  it("a gate whose checks fail stops the downstream stage", async () => {
    const { runAction, seen } = fakeAction({ failingChecks: ["transform"] });
    const result = await run(runAction);

    expect(results(result)).toMatchObject({
      extract: "success",
      transform: "success",
      "gate-transform": "failure",
      load: "skipped",
      "gate-load": "skipped",
      alert: "success",
    });
    expect(seen.needs?.["gate-transform"]?.outputs.passed).toBe("false");
  });

  it("a failed plan skips every stage and gate, and alert still runs", async () => {
    const { runAction } = fakeAction({ planFails: true });
    const result = await run(runAction);
    expect(result.order).toEqual(["plan", "alert"]);
    expect(results(result)).toMatchObject({ plan: "failure", extract: "skipped", "gate-extract": "skipped" });
  });

  it("re-run failed jobs: only the failed leg and everything downstream run again, as attempt 2", async () => {
    const { runAction } = fakeAction({ failOnce: ["extract 2/4"] });
    const first = await run(runAction);
    const second = await rerunFailed(yaml, first, { runAction, actionYml });

    expect(second.runId).toBe(first.runId);
    expect(second.attempt).toBe(2);
    expect(second.order).toEqual([
      "extract",
      "gate-extract",
      "transform",
      "gate-transform",
      "load",
      "gate-load",
      "alert",
    ]);
    expect(shardsRun(second)).toEqual(["extract 2/4", "transform 1/2", "transform 2/2", "load 1/1"]);
    expect(second.calls.every((c) => c.attempt === 2 && c.env.GITHUB_RUN_ATTEMPT === "2")).toBe(true);
    expect(Object.values(results(second)).every((r) => r === "success")).toBe(true);

    // The plan kept its attempt-1 result and outputs; extract's good legs kept theirs.
    expect(second.jobs.plan!.attempt).toBe(1);
    expect(second.jobs.plan!.outputs).toEqual(first.jobs.plan!.outputs);
    expect(second.jobs.extract!.legs.map((leg) => leg.attempt)).toEqual([1, 2, 1, 1]);
  });

  it("a dispatch selecting one stage runs only it, on the earlier output of its upstream stage", async () => {
    const { runAction } = fakeAction();
    const result = await run(runAction, { event: { name: "workflow_dispatch", inputs: { stages: "transform", fresh: true } } });

    expect(result.order).toEqual(["plan", "transform", "gate-transform", "alert"]);
    expect(results(result)).toMatchObject({ extract: "skipped", "gate-extract": "skipped", load: "skipped" });
    const plan = result.calls.find((c) => c.inputs.command === "plan")!;
    expect(plan.inputs).toMatchObject({ stages: "transform", fresh: "true" });
  });

  it("a stage id is matched whole in the stages list", async () => {
    const { runAction } = fakeAction();
    const result = await run(runAction, { event: { name: "workflow_dispatch", inputs: { stages: "extract,loader", fresh: false } } });
    expect(result.order).toEqual(["plan", "extract", "gate-extract", "alert"]);
  });
});

describe("simulator mechanics", () => {
  it("runs at most `concurrency` legs of a matrix job at once", async () => {
    const { runAction } = fakeAction();
    let running = 0;
    let most = 0;
    const slow = async (call: ActionCall) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      return runAction(call);
    };
    await run(slow, { concurrency: 3 });
    expect(most).toBe(3);
  });
});

describe("expandMatrix", () => {
  it("reproduces the include/exclude example from GitHub's documentation", () => {
    const legs = expandMatrix({
      fruit: ["apple", "pear"],
      animal: ["cat", "dog"],
      include: [
        { color: "green" },
        { color: "pink", animal: "cat" },
        { fruit: "apple", shape: "circle" },
        { fruit: "banana" },
        { fruit: "banana", animal: "cat" },
      ],
    });
    expect(legs).toEqual([
      { fruit: "apple", animal: "cat", color: "pink", shape: "circle" },
      { fruit: "apple", animal: "dog", color: "green", shape: "circle" },
      { fruit: "pear", animal: "cat", color: "pink" },
      { fruit: "pear", animal: "dog", color: "green" },
      { fruit: "banana" },
      { fruit: "banana", animal: "cat" },
    ]);
  });

  it("drops excluded combinations, matching on the keys the entry names", () => {
    const legs = expandMatrix({ os: ["linux", "mac"], node: [20, 24], exclude: [{ os: "mac", node: 20 }] });
    expect(legs).toEqual([
      { os: "linux", node: 20 },
      { os: "linux", node: 24 },
      { os: "mac", node: 24 },
    ]);
  });
});

describe("runActionProcess", () => {
  it("runs a node entry with INPUT_ variables and reads its outputs, summary and exit code", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bulkhead-entry-"));
    const entry = join(dir, "index.mjs");
    await writeFile(
      entry,
      `import { appendFileSync } from "node:fs";
const out = process.env.GITHUB_OUTPUT;
appendFileSync(out, "shard=" + process.env["INPUT_SHARD"] + "\\n");
appendFileSync(out, "token=" + process.env["INPUT_GITHUB-TOKEN"] + "\\n");
appendFileSync(out, "report<<ghadelimiter_1\\nline one\\nline=two\\nghadelimiter_1\\n");
appendFileSync(process.env.GITHUB_STEP_SUMMARY, "# Gate\\n");
console.log("attempt", process.env.GITHUB_RUN_ATTEMPT);
process.exit(process.env.INPUT_COMMAND === "fail" ? 2 : 0);
`,
    );
    await chmod(entry, 0o644);

    const ok = await runActionProcess({
      entry,
      inputs: { command: "gate", shard: "1/300,2/300", "github-token": "t0k" },
      env: { GITHUB_RUN_ATTEMPT: "3" },
    });
    expect(ok).toMatchObject({
      outcome: "success",
      exitCode: 0,
      outputs: { shard: "1/300,2/300", token: "t0k", report: "line one\nline=two" },
      summary: "# Gate\n",
      stdout: "attempt 3\n",
    });

    const failed = await runActionProcess({ entry, inputs: { command: "fail" } });
    expect(failed).toMatchObject({ outcome: "failure", exitCode: 2 });
  });

  it("stands in for a timeout: SIGINT, and the outcome is cancelled", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bulkhead-entry-"));
    const entry = join(dir, "slow.mjs");
    await writeFile(entry, `process.on("SIGINT", () => process.exit(130)); setTimeout(() => {}, 60_000);\n`);
    const result = await runActionProcess({ entry, inputs: {}, timeoutMs: 300 });
    expect(result).toMatchObject({ outcome: "cancelled", exitCode: 130 });
  });

  it("parses both forms of a command file", () => {
    expect(parseCommandFile("a=1\nb<<EOF\nx\ny\nEOF\nc=has=equals\n")).toEqual({ a: "1", b: "x\ny", c: "has=equals" });
  });
});
