// `bulkhead workflow`: writes the GitHub Actions workflow for a pipeline.
// The workflow runs a plan job, one matrix job per stage (one leg per shard
// or group of shards), a gate job per stage whose `passed` output decides
// whether downstream stages run, and an alert job. See DESIGN.md, "On
// GitHub Actions". The output is deterministic: the same pipeline always
// gives the same text, so a regenerated workflow diffs cleanly.
import { Document, isMap, isScalar, isSeq, type YAMLMap } from "yaml";
import { orderStages } from "../pipeline/dag.js";
import type { Pipeline, Stage } from "../pipeline/define.js";
import {
  alertCondition,
  freshInput,
  gateCondition,
  gateJobId,
  stageCondition,
  wrap,
} from "./workflow-conditions.js";
import { MAX_MATRIX_LEGS, planMatrix } from "./workflow-matrix.js";
import { workflowName } from "./workflow-name.js";

export { planMatrix, MAX_MATRIX_LEGS } from "./workflow-matrix.js";
export { pipelineNameOfWorkflow, workflowName } from "./workflow-name.js";

/** Options of generateWorkflow. */
export interface WorkflowOptions {
  /** The action to run: "owner/repo@ref", or "./" inside this repository. Default "./". */
  actionRef?: string;
  /** Path of the pipeline module from the repository root, e.g. "pipelines/flights.ts". */
  pipelinePath: string;
  /**
   * Set up Node and run `npm ci` before the action, for repositories whose
   * stages import other packages. Default false.
   */
  needsNpmCi?: boolean;
}

/** The workflow text and what the user should know about it. */
export interface GeneratedWorkflow {
  yaml: string;
  warnings: string[];
}

/** The pipeline cannot run as a GitHub Actions workflow as defined. */
export class WorkflowError extends Error {
  /** The stage at fault, when one is. */
  readonly stage: string | undefined;

  constructor(message: string, stage?: string) {
    super(message);
    this.name = "WorkflowError";
    this.stage = stage;
  }
}

/** GitHub-hosted runners stop a job after 6 hours. */
export const HOSTED_JOB_LIMIT_MINUTES = 360;
/** Self-hosted runners stop a job after 5 days. */
export const SELF_HOSTED_JOB_LIMIT_MINUTES = 7_200;

const CHECKOUT = "actions/checkout@v4";
const SETUP_NODE = "actions/setup-node@v4";
const NODE_VERSION = "24";
/** Minutes for the plan, gate and alert jobs: they load the pipeline and read small files. */
const HELPER_JOB_MINUTES = { plan: 15, gate: 30, alert: 10 } as const;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/**
 * Writes the GitHub Actions workflow for a checked pipeline. Throws a
 * WorkflowError when a stage cannot run on GitHub as defined (a job longer
 * than the runner allows, a stage id that collides with a workflow job).
 */
export function generateWorkflow(
  pipeline: Pipeline,
  options: WorkflowOptions,
): GeneratedWorkflow {
  const context = makeContext(pipeline, options);
  const stages = orderStages(pipeline.stages).order;
  checkJobIds(stages);
  const warnings = stages.flatMap((stage) => checkStageLimits(stage, pipeline));

  const jobs: JsonObject = { plan: planJob(context, stages) };
  for (const stage of stages) {
    jobs[stage.id] = stageJob(context, stage);
    jobs[gateJobId(stage.id)] = gateJob(context, stage);
  }
  jobs.alert = alertJob(context, Object.keys(jobs));

  const workflow: JsonObject = {
    name: workflowName(pipeline.name),
    on: triggers(pipeline),
    // Runs of one pipeline queue rather than overlap: both would resume
    // and write the same checkpoints and datasets.
    concurrency: { group: `bulkhead-${pipeline.name}`, "cancel-in-progress": false },
    permissions: {},
    jobs,
  };
  return { yaml: render(workflow, context.pipelinePath, stages), warnings };
}

interface GeneratorContext {
  pipeline: Pipeline;
  pipelinePath: string;
  actionRef: string;
  needsNpmCi: boolean;
}

function makeContext(pipeline: Pipeline, options: WorkflowOptions): GeneratorContext {
  const pipelinePath = options.pipelinePath.replaceAll("\\", "/").replace(/^\.\//, "");
  // `${{` would make the path an expression GitHub evaluates.
  const absolute = pipelinePath.startsWith("/") || /^[a-z]:/i.test(pipelinePath);
  if (pipelinePath === "" || absolute || pipelinePath.includes("${{")) {
    throw new WorkflowError(
      `pipelinePath must be relative to the repository root, got "${options.pipelinePath}"`,
    );
  }
  const actionRef = options.actionRef ?? "./";
  if (!/^(\.\/\S*|[\w.-]+\/[\w./-]+@\S+)$/.test(actionRef)) {
    throw new WorkflowError(
      `actionRef must be "owner/repo@ref" or a local path starting with "./", got "${actionRef}"`,
    );
  }
  return { pipeline, pipelinePath, actionRef, needsNpmCi: options.needsNpmCi ?? false };
}

/** Stage ids name jobs, so they must not collide with plan, alert or a gate. */
function checkJobIds(stages: readonly Stage[]): void {
  const taken = new Map<string, string>([
    ["plan", "the plan job"],
    ["alert", "the alert job"],
  ]);
  for (const stage of stages) {
    taken.set(gateJobId(stage.id), `the gate job of stage ${stage.id}`);
  }
  for (const stage of stages) {
    const owner = taken.get(stage.id);
    if (owner) {
      throw new WorkflowError(
        `stage ${stage.id}: its job id collides with ${owner}; rename the stage`,
        stage.id,
      );
    }
  }
}

/** Errors for limits GitHub enforces; warnings for what it will do about the rest. */
function checkStageLimits(stage: Stage, pipeline: Pipeline): string[] {
  const warnings: string[] = [];
  const minutes = stage.timeoutMinutes;
  if (pipeline.hostedRunners && minutes > HOSTED_JOB_LIMIT_MINUTES) {
    throw new WorkflowError(
      `stage ${stage.id} asks for ${minutes} minutes; GitHub-hosted runners stop jobs after 360 minutes (6 hours); split the stage into more shards or set hostedRunners: false`,
      stage.id,
    );
  }
  if (!pipeline.hostedRunners && minutes > SELF_HOSTED_JOB_LIMIT_MINUTES) {
    warnings.push(
      `stage ${stage.id} asks for ${minutes} minutes; GitHub stops jobs on self-hosted runners after 7,200 minutes (5 days), so its jobs end there`,
    );
  }
  if (stage.shards > MAX_MATRIX_LEGS) {
    const legs = planMatrix(stage).include.length;
    const perLeg = Math.ceil(stage.shards / legs);
    warnings.push(
      `stage ${stage.id} has ${stage.shards} shards; a GitHub matrix starts at most ${MAX_MATRIX_LEGS} jobs, so the plan groups them into ${legs} jobs of up to ${perLeg} shards, run one after another within the stage's ${minutes}-minute timeout`,
    );
  }
  return warnings;
}

function triggers(pipeline: Pipeline): JsonObject {
  const on: JsonObject = {};
  if (pipeline.schedule) on.schedule = [{ cron: pipeline.schedule }];
  on.workflow_dispatch = {
    inputs: {
      fresh: {
        description: "On Re-run failed jobs, start failed shards over instead of resuming them",
        type: "boolean",
        default: false,
      },
      stages: {
        description: "Stages to run, comma-separated without spaces (empty runs all)",
        type: "string",
        default: "",
      },
    },
  };
  return on;
}

/** Checkout, then Node and `npm ci` when the stages import other packages. */
function setupSteps(context: GeneratorContext): JsonObject[] {
  // The action needs no git credentials; do not leave the token on disk.
  const steps: JsonObject[] = [{ uses: CHECKOUT, with: { "persist-credentials": false } }];
  if (context.needsNpmCi) {
    steps.push({ uses: SETUP_NODE, with: { "node-version": NODE_VERSION, cache: "npm" } });
    steps.push({ run: "npm ci" });
  }
  return steps;
}

/** The step that runs the Bulkhead action with one command. */
function actionStep(context: GeneratorContext, id: string, inputs: JsonObject): JsonObject {
  return {
    id,
    uses: context.actionRef,
    with: { command: id, pipeline: context.pipelinePath, ...inputs },
  };
}

function readOnly(): JsonObject {
  return { contents: "read" };
}

function planJob(context: GeneratorContext, stages: readonly Stage[]): JsonObject {
  const outputs: JsonObject = {};
  for (const stage of stages) {
    outputs[`matrix-${stage.id}`] = wrap(`steps.plan.outputs.matrix-${stage.id}`);
  }
  return {
    "runs-on": context.pipeline.runsOn,
    "timeout-minutes": HELPER_JOB_MINUTES.plan,
    permissions: readOnly(),
    outputs,
    steps: [
      ...setupSteps(context),
      actionStep(context, "plan", { fresh: freshInput(), stages: wrap("inputs.stages") }),
    ],
  };
}

function stageJob(context: GeneratorContext, stage: Stage): JsonObject {
  return {
    needs: ["plan", ...stage.needs.map(gateJobId)],
    if: stageCondition(stage.id, stage.needs),
    "runs-on": context.pipeline.runsOn,
    "timeout-minutes": stage.timeoutMinutes,
    permissions: readOnly(),
    strategy: {
      // One failed shard must not cancel the others: they keep their
      // progress, and the gate reports every shard that failed.
      "fail-fast": false,
      matrix: wrap(`fromJSON(needs.plan.outputs.matrix-${stage.id})`),
    },
    steps: [
      ...setupSteps(context),
      actionStep(context, "stage", {
        stage: stage.id,
        shard: wrap("matrix.shard"),
        fresh: freshInput(),
      }),
    ],
  };
}

function gateJob(context: GeneratorContext, stage: Stage): JsonObject {
  return {
    needs: [stage.id],
    if: gateCondition(stage.id),
    "runs-on": context.pipeline.runsOn,
    "timeout-minutes": HELPER_JOB_MINUTES.gate,
    permissions: readOnly(),
    outputs: {
      passed: wrap("steps.gate.outputs.passed"),
      report: wrap("steps.gate.outputs.report"),
    },
    steps: [...setupSteps(context), actionStep(context, "gate", { stage: stage.id })],
  };
}

function alertJob(context: GeneratorContext, jobIds: readonly string[]): JsonObject {
  return {
    needs: [...jobIds],
    if: alertCondition(),
    "runs-on": context.pipeline.runsOn,
    "timeout-minutes": HELPER_JOB_MINUTES.alert,
    permissions: { contents: "read", issues: "write" },
    steps: [
      ...setupSteps(context),
      actionStep(context, "alert", {
        "needs-results": wrap("toJSON(needs)"),
        "github-token": wrap("github.token"),
        "slack-webhook-url": wrap("secrets.SLACK_WEBHOOK_URL"),
      }),
    ],
  };
}

/** "4 shards, one job each", or "300 shards in 150 jobs". */
function describeLegs(stage: Stage): string {
  const legs = planMatrix(stage).include.length;
  const shards = stage.shards === 1 ? "1 shard" : `${stage.shards} shards`;
  return legs === stage.shards ? `${shards}, one job each` : `${shards} in ${legs} jobs`;
}

/** YAML text with a header and a comment above each kind of job. */
function render(workflow: JsonObject, pipelinePath: string, stages: readonly Stage[]): string {
  const doc = new Document(workflow);
  doc.commentBefore = ` Generated by \`bulkhead workflow\` — do not edit; regenerate with: npx bulkhead workflow ${pipelinePath}`;

  const notes = new Map<string, string>([
    ["plan", " Plan: checks the pipeline and emits one shard matrix per stage."],
    ["alert", " Alert: opens or updates the failure issue, or closes it after a success."],
  ]);
  for (const stage of stages) {
    notes.set(stage.id, ` Stage ${stage.id}: ${describeLegs(stage)}.`);
    notes.set(
      gateJobId(stage.id),
      ` Gate of ${stage.id}: fails closed if a shard failed, timed out or is missing.`,
    );
  }
  const jobs = doc.get("jobs") as YAMLMap;
  for (const pair of jobs.items) {
    if (isScalar(pair.key)) pair.key.commentBefore = notes.get(String(pair.key.value));
    // `needs: [plan, gate-extract]` reads better on one line.
    const needs = isMap(pair.value) ? pair.value.get("needs", true) : undefined;
    if (isSeq(needs)) needs.flow = true;
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
