// A GitHub Actions workflow simulator for tests: runs a generated workflow
// the way GitHub would decide it, without GitHub or Docker.
//
// - Parses the workflow with GitHub's own parser (@actions/workflow-parser)
//   and evaluates every `if:`, matrix, `with:` and job output with GitHub's
//   own evaluator (@actions/expressions).
// - Status functions follow GitHub's rules for jobs: success() is true when
//   every ancestor job (direct or not) succeeded, failure() when any failed;
//   always() is true; cancelled() is true only for a cancelled run, which
//   the simulator does not model (a job that timed out is "cancelled", but
//   the run is not).
// - Matrices expand per GitHub's rules (vectors → product, exclude, include).
// - Setup steps (actions/checkout, actions/setup-node, `run: npm ci`) are
//   recorded, not run. Action steps go to an injected runAction; the real
//   harness spawns the bundled action with runActionProcess.
// - rerunFailed models "Re-run failed jobs": same run id, next attempt, only
//   failed or cancelled matrix legs and every job downstream of a failed job
//   run again; everything else keeps its earlier result and outputs.
//
// Not modelled: timeout-minutes (runAction returns "cancelled" to stand in
// for a timeout), continue-on-error, job concurrency groups, run steps other
// than `npm ci`, reusable workflows.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { data, Evaluator, Lexer, Parser } from "@actions/expressions";
import type { FunctionDefinition } from "@actions/expressions/funcs/info";
import { truthy } from "@actions/expressions/result";
import {
  isBasicExpression,
  isBoolean,
  isMapping,
  isNumber,
  isSequence,
  isString,
  type WorkflowTemplate,
} from "@actions/workflow-parser";
import type { Job } from "@actions/workflow-parser/model/workflow-template";
import type { MappingToken } from "@actions/workflow-parser/templates/tokens/mapping-token";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/template-token";
import { parseWorkflowText, validateAction } from "./workflow-validate.js";

// ─── Public types ────────────────────────────────────────────────────────

export type JobResult = "success" | "failure" | "cancelled" | "skipped";
export type StepOutcome = "success" | "failure" | "cancelled" | "skipped";

/** What an action step is called with. */
export interface ActionCall {
  job: string;
  /** The leg's matrix values, {} for a job without a matrix. */
  leg: Record<string, unknown>;
  legIndex: number;
  step: string;
  /** The action's inputs after `with:` and action.yml defaults. */
  inputs: Record<string, string>;
  /** GITHUB_* variables as the runner sets them, plus job and step env. */
  env: Record<string, string>;
  runId: string;
  attempt: number;
}

/** What an action step did. */
export interface ActionResult {
  outcome: "success" | "failure" | "cancelled";
  outputs?: Record<string, string>;
}

export type RunAction = (call: ActionCall) => Promise<ActionResult>;

/** The event that started the run. */
export interface SimulatedEvent {
  name: "schedule" | "workflow_dispatch" | "push";
  /** workflow_dispatch inputs, typed as declared (booleans as booleans). */
  inputs?: Record<string, string | boolean | number>;
}

export interface SimulateOptions {
  runAction: RunAction;
  /** Default: a scheduled run. */
  event?: SimulatedEvent;
  /** Default "1000". */
  runId?: string;
  /** Matrix legs of one job run at once. Default 2. */
  concurrency?: number;
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  /**
   * The local action's action.yml text: inputs missing from `with:` get
   * its defaults, as the runner does. Without it, only `with:` is passed.
   */
  actionYml?: string;
}

export interface StepRecord {
  id: string;
  uses?: string;
  run?: string;
  outcome: StepOutcome;
  /** A setup step (checkout, setup-node, npm ci) recorded but not run. */
  simulated: boolean;
  inputs?: Record<string, string>;
  outputs: Record<string, string>;
}

export interface LegRecord {
  index: number;
  matrix: Record<string, unknown>;
  /** The attempt this leg last ran in. */
  attempt: number;
  outcome: "success" | "failure" | "cancelled";
  steps: StepRecord[];
  /** The job's outputs as this leg computed them. */
  outputs: Record<string, string>;
}

export interface JobRecord {
  result: JobResult;
  /** The attempt that produced this result; earlier than the run's for jobs a re-run kept. */
  attempt: number;
  /** The job's `if:` as GitHub normalised it. */
  condition: string;
  outputs: Record<string, string>;
  legs: LegRecord[];
  /** Why the job failed before running any leg (bad matrix, bad expression). */
  error?: string;
}

export interface WorkflowRun {
  runId: string;
  attempt: number;
  event: SimulatedEvent;
  /** Jobs this attempt ran, in the order they started. */
  order: string[];
  jobs: Record<string, JobRecord>;
  /** Every action call this attempt made, in the order they started. */
  calls: ActionCall[];
}

// ─── Running a workflow ──────────────────────────────────────────────────

/** Runs a workflow's first attempt. */
export async function simulateWorkflow(text: string, options: SimulateOptions): Promise<WorkflowRun> {
  const workflow = await loadWorkflow(text);
  const run: WorkflowRun = {
    runId: options.runId ?? "1000",
    attempt: 1,
    event: options.event ?? { name: "schedule" },
    order: [],
    jobs: {},
    calls: [],
  };
  await runJobs(workflow, run, new Set(workflow.order), undefined, options);
  return run;
}

/**
 * "Re-run failed jobs": the same run id and event, the next attempt. Failed
 * or cancelled jobs run again (of a matrix job, only its failed or
 * cancelled legs), and so does every job downstream of one; other jobs keep
 * their results and outputs from the earlier attempt.
 */
export async function rerunFailed(
  text: string,
  previous: WorkflowRun,
  options: Omit<SimulateOptions, "event" | "runId">,
): Promise<WorkflowRun> {
  const workflow = await loadWorkflow(text);
  const failed = workflow.order.filter((id) => {
    const result = previous.jobs[id]?.result;
    return result === "failure" || result === "cancelled";
  });
  const rerun = new Set(failed);
  for (const id of workflow.order) {
    if (workflow.ancestors.get(id)!.some((a) => failed.includes(a))) rerun.add(id);
  }
  const run: WorkflowRun = {
    runId: previous.runId,
    attempt: previous.attempt + 1,
    event: previous.event,
    order: [],
    jobs: structuredClone(previous.jobs),
    calls: [],
  };
  await runJobs(workflow, run, rerun, previous, options);
  return run;
}

interface LoadedWorkflow {
  name: string;
  template: WorkflowTemplate;
  jobs: Map<string, Job>;
  /** Raw job mappings, for what the converted model drops (`with:`, env). */
  rawJobs: Map<string, MappingToken>;
  /** Job ids, each after everything it needs (definition order otherwise). */
  order: string[];
  /** Every job a job depends on, directly or not. */
  ancestors: Map<string, string[]>;
}

async function loadWorkflow(text: string): Promise<LoadedWorkflow> {
  const { template, root, problems } = await parseWorkflowText(text);
  if (problems.length > 0 || !root || !isMapping(root)) {
    throw new Error(`the workflow does not parse:\n${problems.map((p) => p.message).join("\n")}`);
  }
  const jobs = new Map<string, Job>();
  for (const job of template.jobs) {
    if (job.type !== "job") throw new Error(`job ${job.id.value}: reusable workflows are not simulated`);
    jobs.set(job.id.value, job);
  }
  const rawJobs = new Map<string, MappingToken>();
  for (const pair of root.find("jobs") as MappingToken) {
    rawJobs.set(pair.key.toString(), pair.value as MappingToken);
  }
  const order = orderJobs(jobs);
  const ancestors = new Map<string, string[]>();
  for (const id of order) {
    const direct = needsOf(jobs.get(id)!);
    const all = new Set(direct.flatMap((n) => [...ancestors.get(n)!, n]));
    ancestors.set(id, order.filter((o) => all.has(o)));
  }
  const name = root.find("name");
  return { name: name ? name.toString() : "workflow", template, jobs, rawJobs, order, ancestors };
}

const needsOf = (job: Job): string[] => (job.needs ?? []).map((n) => n.value);

/** Topological order; the parser has already rejected cycles and unknown needs. */
function orderJobs(jobs: Map<string, Job>): string[] {
  const order: string[] = [];
  const visit = (id: string) => {
    if (order.includes(id)) return;
    needsOf(jobs.get(id)!).forEach(visit);
    order.push(id);
  };
  [...jobs.keys()].forEach(visit);
  return order;
}

async function runJobs(
  workflow: LoadedWorkflow,
  run: WorkflowRun,
  toRun: Set<string>,
  previous: WorkflowRun | undefined,
  options: Omit<SimulateOptions, "event" | "runId">,
): Promise<void> {
  const defaults = options.actionYml ? actionDefaults(options.actionYml) : undefined;
  for (const id of workflow.order) {
    if (!toRun.has(id)) continue;
    // A failed matrix job re-runs only the legs that did not succeed; a job
    // re-running because something upstream failed runs whole.
    const keepLegs =
      previous && !downstreamOfFailure(workflow, id, previous)
        ? (previous.jobs[id]?.legs ?? []).filter((leg) => leg.outcome === "success")
        : [];
    run.jobs[id] = await runJob(workflow, run, id, keepLegs, { ...options, defaults });
  }
}

/** Whether a job re-runs because something upstream failed (then it runs whole). */
function downstreamOfFailure(workflow: LoadedWorkflow, id: string, previous: WorkflowRun): boolean {
  return workflow.ancestors.get(id)!.some((a) => {
    const result = previous.jobs[a]?.result;
    return result === "failure" || result === "cancelled";
  });
}

interface JobOptions extends Omit<SimulateOptions, "event" | "runId"> {
  defaults: ActionDefaults | undefined;
}

async function runJob(
  workflow: LoadedWorkflow,
  run: WorkflowRun,
  id: string,
  keepLegs: LegRecord[],
  options: JobOptions,
): Promise<JobRecord> {
  const job = workflow.jobs.get(id)!;
  const record: JobRecord = {
    result: "skipped",
    attempt: run.attempt,
    condition: job.if.expression,
    outputs: {},
    legs: [],
  };
  const contexts = jobContexts(workflow, run, job, options);

  try {
    if (!evaluateCondition(job.if.expression, contexts, jobStatus(workflow, run, id))) return record;
  } catch (error) {
    return fail(record, `if: ${messageOf(error)}`);
  }
  run.order.push(id);

  let matrices: Record<string, unknown>[];
  try {
    matrices = keepLegs.length > 0 ? legsToRerun(run, id, keepLegs) : jobMatrices(job, contexts);
  } catch (error) {
    return fail(record, `strategy: ${messageOf(error)}`);
  }
  const ran = await mapLimit(matrices, options.concurrency ?? 2, (matrix) =>
    runLeg(workflow, run, id, matrix, contexts, options),
  );
  record.legs = [...keepLegs, ...ran].sort((a, b) => a.index - b.index);
  record.result = jobResult(record.legs);
  record.outputs = mergeOutputs(record.legs);
  return record;
}

function fail(record: JobRecord, error: string): JobRecord {
  return { ...record, result: "failure", error };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The matrix values of the legs a re-run runs again, with their original indexes. */
function legsToRerun(run: WorkflowRun, id: string, keep: LegRecord[]): Record<string, unknown>[] {
  const kept = new Set(keep.map((leg) => leg.index));
  return run.jobs[id]!.legs
    .filter((leg) => !kept.has(leg.index))
    .map((leg) => ({ ...leg.matrix, [LEG_INDEX]: leg.index }));
}

/** Carries a leg's original index through a re-run (never shown to the action). */
const LEG_INDEX = "\u0000legIndex";

/** A matrix job fails if any leg failed; otherwise it is cancelled if any leg was. */
function jobResult(legs: readonly LegRecord[]): JobResult {
  if (legs.some((leg) => leg.outcome === "failure")) return "failure";
  if (legs.some((leg) => leg.outcome === "cancelled")) return "cancelled";
  return "success";
}

/** GitHub keeps the last non-empty value each output got from any leg. */
function mergeOutputs(legs: readonly LegRecord[]): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const leg of legs) {
    for (const [key, value] of Object.entries(leg.outputs)) if (value !== "") outputs[key] = value;
  }
  return outputs;
}

/** Job-level status functions: from every ancestor's result. */
function jobStatus(workflow: LoadedWorkflow, run: WorkflowRun, id: string): StatusValues {
  const results = workflow.ancestors.get(id)!.map((a) => run.jobs[a]?.result ?? "skipped");
  return {
    success: results.every((r) => r === "success"),
    failure: results.some((r) => r === "failure"),
    cancelled: false,
  };
}

function jobContexts(workflow: LoadedWorkflow, run: WorkflowRun, job: Job, options: JobOptions): Contexts {
  const needs: Record<string, unknown> = {};
  for (const need of needsOf(job)) {
    const record = run.jobs[need];
    needs[need] = { result: record?.result ?? "skipped", outputs: record?.outputs ?? {} };
  }
  return {
    github: githubContext(workflow, run, job.id.value),
    inputs: run.event.name === "workflow_dispatch" ? (run.event.inputs ?? {}) : {},
    vars: options.vars ?? {},
    needs,
  };
}

function githubContext(workflow: LoadedWorkflow, run: WorkflowRun, jobId: string) {
  return {
    event_name: run.event.name,
    run_id: run.runId,
    run_attempt: String(run.attempt),
    job: jobId,
    workflow: workflow.name,
    repository: "bulkhead/simulated",
    server_url: "https://github.com",
    token: SIMULATED_TOKEN,
  };
}

const SIMULATED_TOKEN = "ghs_simulated";

/** The legs of a job: one with no matrix values when it has no strategy. */
function jobMatrices(job: Job, contexts: Contexts): Record<string, unknown>[] {
  const strategy = job.strategy;
  if (!strategy || !isMapping(strategy)) return [{ [LEG_INDEX]: 0 }];
  const matrixToken = strategy.find("matrix");
  if (!matrixToken) return [{ [LEG_INDEX]: 0 }];
  const matrix = evaluateToken(matrixToken, contexts);
  if (!matrix || typeof matrix !== "object" || Array.isArray(matrix)) {
    throw new Error(`matrix must be a mapping, got ${JSON.stringify(matrix)}`);
  }
  const legs = expandMatrix(matrix as Record<string, unknown>);
  if (legs.length === 0) throw new Error("matrix produced no jobs");
  if (legs.length > 256) throw new Error(`matrix produced ${legs.length} jobs; GitHub allows 256`);
  return legs.map((leg, index) => ({ ...leg, [LEG_INDEX]: index }));
}

async function runLeg(
  workflow: LoadedWorkflow,
  run: WorkflowRun,
  jobId: string,
  matrixWithIndex: Record<string, unknown>,
  jobLevel: Contexts,
  options: JobOptions,
): Promise<LegRecord> {
  const { [LEG_INDEX]: index, ...matrix } = matrixWithIndex;
  const job = workflow.jobs.get(jobId)!;
  const raw = workflow.rawJobs.get(jobId)!;
  const hasMatrix = job.strategy !== undefined;
  const steps: Record<string, StepContext> = {};
  const contexts = (): Contexts => ({
    ...jobLevel,
    matrix: hasMatrix ? matrix : null,
    strategy: { "job-index": index },
    steps,
    secrets: { GITHUB_TOKEN: SIMULATED_TOKEN, ...options.secrets },
    env: {},
    job: { status: "success" },
    runner: { os: "Linux", arch: "X64", temp: tmpdir() },
  });
  const jobEnv = mappingToStrings(raw.find("env"), contexts());

  const records: StepRecord[] = [];
  const stepsToken = raw.find("steps");
  const rawSteps = stepsToken && isSequence(stepsToken) ? [...stepsToken] : [];
  let failed = false;
  let cancelled = false;
  for (const [position, step] of job.steps.entries()) {
    const stepRaw = rawSteps[position] as MappingToken;
    const stepStatus = { success: !failed && !cancelled, failure: failed, cancelled: false };
    const record: StepRecord = {
      id: step.id,
      ...("uses" in step ? { uses: step.uses.value } : {}),
      ...("run" in step ? { run: step.run.toString() } : {}),
      outcome: "skipped",
      simulated: false,
      outputs: {},
    };
    records.push(record);
    if (!evaluateCondition(step.if?.expression ?? "success()", contexts(), stepStatus)) {
      steps[step.id] = { outputs: {}, outcome: "skipped", conclusion: "skipped" };
      continue;
    }

    if (isSetupStep(record)) {
      record.outcome = "success";
      record.simulated = true;
    } else if (record.uses) {
      const inputs = actionInputs(stepRaw, record.uses, contexts(), options.defaults);
      const env = {
        ...runnerEnv(workflow, run, jobId),
        ...jobEnv,
        ...mappingToStrings(stepRaw.find("env"), contexts()),
      };
      const call: ActionCall = {
        job: jobId,
        leg: matrix,
        legIndex: index as number,
        step: step.id,
        inputs,
        env,
        runId: run.runId,
        attempt: run.attempt,
      };
      run.calls.push(call);
      const result = await options.runAction(call);
      record.inputs = inputs;
      record.outcome = result.outcome;
      record.outputs = { ...result.outputs };
    } else {
      throw new Error(`job ${jobId}, step ${step.id}: the simulator runs no shell steps (${record.run})`);
    }
    steps[step.id] = { outputs: record.outputs, outcome: record.outcome, conclusion: record.outcome };
    failed ||= record.outcome === "failure";
    cancelled ||= record.outcome === "cancelled";
  }

  const outcome = failed ? "failure" : cancelled ? "cancelled" : "success";
  const outputs = mappingToStrings(job.outputs, contexts());
  return { index: index as number, matrix, attempt: run.attempt, outcome, steps: records, outputs };
}

/** One entry of the `steps` context. */
interface StepContext {
  outputs: Record<string, string>;
  outcome: StepOutcome;
  conclusion: StepOutcome;
}

const isSetupStep = (step: StepRecord): boolean =>
  /^actions\/(checkout|setup-node)@/.test(step.uses ?? "") || step.run?.trim() === "npm ci";

function runnerEnv(workflow: LoadedWorkflow, run: WorkflowRun, jobId: string): Record<string, string> {
  return {
    GITHUB_ACTIONS: "true",
    GITHUB_RUN_ID: run.runId,
    GITHUB_RUN_ATTEMPT: String(run.attempt),
    GITHUB_JOB: jobId,
    GITHUB_EVENT_NAME: run.event.name,
    GITHUB_WORKFLOW: workflow.name,
    GITHUB_REPOSITORY: "bulkhead/simulated",
    GITHUB_SERVER_URL: "https://github.com",
  };
}

/** A mapping of expressions (outputs, env) evaluated to strings. */
function mappingToStrings(token: TemplateToken | undefined, contexts: Contexts): Record<string, string> {
  const result: Record<string, string> = {};
  if (!token || !isMapping(token)) return result;
  for (const pair of token) result[pair.key.toString()] = toInputString(evaluateToken(pair.value, contexts));
  return result;
}

/** `with:` evaluated, then action.yml defaults for the local action's missing inputs. */
function actionInputs(
  step: MappingToken,
  uses: string,
  contexts: Contexts,
  defaults: ActionDefaults | undefined,
): Record<string, string> {
  const inputs = mappingToStrings(step.find("with"), contexts);
  if (!defaults || !uses.startsWith("./")) return inputs;
  const unknown = Object.keys(inputs).filter((name) => !defaults.has(name));
  if (unknown.length > 0) {
    throw new Error(`step uses ${uses} with inputs action.yml does not declare: ${unknown.join(", ")}`);
  }
  for (const [name, token] of defaults) {
    if (!(name in inputs) && token) inputs[name] = toInputString(evaluateToken(token, contexts));
  }
  return inputs;
}

type ActionDefaults = Map<string, TemplateToken | undefined>;

function actionDefaults(actionYml: string): ActionDefaults {
  const { action, problems } = validateAction(actionYml);
  if (!action) throw new Error(`action.yml does not parse:\n${problems.map((p) => p.message).join("\n")}`);
  return new Map((action.inputs ?? []).map((input) => [input.id, input.default]));
}

/** Runs `fn` over items, at most `limit` at a time, results in item order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

// ─── Matrix expansion ────────────────────────────────────────────────────

/**
 * Expands `strategy.matrix` as GitHub does: the product of the vectors,
 * minus combinations an `exclude` entry matches, then each `include` entry
 * is merged into every original combination whose original values it does
 * not change, or, if it fits none, added as a combination of its own.
 */
export function expandMatrix(matrix: Record<string, unknown>): Record<string, unknown>[] {
  const { include = [], exclude = [], ...vectors } = matrix;
  if (!Array.isArray(include) || !Array.isArray(exclude)) throw new Error("include and exclude must be lists");

  let product: Record<string, unknown>[] = Object.keys(vectors).length > 0 ? [{}] : [];
  for (const [key, values] of Object.entries(vectors)) {
    if (!Array.isArray(values) || values.length === 0) {
      throw new Error(`Matrix vector '${key}' does not contain any values`);
    }
    product = product.flatMap((combo) => values.map((value) => ({ ...combo, [key]: value })));
  }
  const originals = product.filter((combo) => !exclude.some((entry) => matches(combo, entry)));

  const merged = originals.map((combo) => ({ ...combo }));
  const added: Record<string, unknown>[] = [];
  for (const entry of include as Record<string, unknown>[]) {
    let fits = false;
    originals.forEach((original, i) => {
      const keepsOriginals = Object.entries(entry).every(
        ([key, value]) => !(key in original) || sameValue(original[key], value),
      );
      if (keepsOriginals) {
        Object.assign(merged[i]!, entry);
        fits = true;
      }
    });
    if (!fits) added.push({ ...entry });
  }
  return [...merged, ...added];
}

const matches = (combo: Record<string, unknown>, entry: Record<string, unknown>) =>
  Object.entries(entry).every(([key, value]) => sameValue(combo[key], value));

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

// ─── Expressions ─────────────────────────────────────────────────────────

/** Truth values of success(), failure() and cancelled() where an expression is evaluated. */
export interface StatusValues {
  success: boolean;
  failure: boolean;
  cancelled: boolean;
}

/** Named contexts: github, inputs, needs, matrix, steps, … as plain JSON. */
export type Contexts = Record<string, unknown>;

/**
 * Evaluates one expression (without `${{ }}`) and returns plain JSON.
 * Throws ExpressionError for a syntax error or an unknown context or
 * function, as GitHub would reject the workflow.
 */
export function evaluateExpression(expression: string, contexts: Contexts, status?: StatusValues): unknown {
  return toJson(evaluateData(expression, contexts, status));
}

/** Evaluates an `if:` condition to a boolean (GitHub's truthiness). */
export function evaluateCondition(expression: string, contexts: Contexts, status: StatusValues): boolean {
  return truthy(evaluateData(expression, contexts, status));
}

function evaluateData(expression: string, contexts: Contexts, status?: StatusValues): data.ExpressionData {
  const functions = status ? statusFunctions(status) : new Map<string, FunctionDefinition>();
  const tokens = new Lexer(expression).lex().tokens;
  const tree = new Parser(tokens, Object.keys(contexts), [...functions.values()]).parse();
  const context = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
  return new Evaluator(tree, context, functions).evaluate();
}

function statusFunctions(status: StatusValues): Map<string, FunctionDefinition> {
  const fixed = (name: string, value: boolean): [string, FunctionDefinition] => [
    name,
    { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value) },
  ];
  return new Map([
    fixed("success", status.success),
    fixed("failure", status.failure),
    fixed("cancelled", status.cancelled),
    fixed("always", true),
  ]);
}

function toJson(value: data.ExpressionData): unknown {
  const text = JSON.stringify(value, data.replacer);
  return text === undefined ? null : JSON.parse(text);
}

/**
 * A template value as plain JSON, evaluating the expressions in it. A
 * string mixing text and `${{ }}` arrives from the parser as format(…).
 */
export function evaluateToken(token: TemplateToken, contexts: Contexts, status?: StatusValues): unknown {
  if (isBasicExpression(token)) return evaluateExpression(token.expression, contexts, status);
  if (isString(token)) return token.value;
  if (isNumber(token)) return token.value;
  if (isBoolean(token)) return token.value;
  if (isSequence(token)) return [...token].map((item) => evaluateToken(item, contexts, status));
  if (isMapping(token)) {
    const result: Record<string, unknown> = {};
    for (const pair of token) result[pair.key.toString()] = evaluateToken(pair.value, contexts, status);
    return result;
  }
  return null;
}

/**
 * A value as the runner passes it to an action input or env var: strings
 * as is, null as "", booleans and numbers as text, objects as JSON.
 */
export function toInputString(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

// ─── Running the real action as a child process ──────────────────────────

export interface ActionProcessOptions {
  /** The action's entry, e.g. action/dist/index.js. */
  entry: string;
  /** Input values by name as in action.yml; each becomes INPUT_<NAME>. */
  inputs: Record<string, string>;
  /** GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT and the like (e.g. ActionCall.env). */
  env?: Record<string, string>;
  cwd?: string;
  /**
   * Stands in for timeout-minutes: after this many ms the process gets
   * SIGINT, then SIGTERM after `graceMs` (as GitHub cancels), and the
   * outcome is "cancelled".
   */
  timeoutMs?: number;
  /** Default 5,000. */
  graceMs?: number;
}

export interface ActionProcessResult {
  outcome: "success" | "failure" | "cancelled";
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** What the action wrote to GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** What it wrote to GITHUB_STEP_SUMMARY. */
  summary: string;
  /** What it wrote to GITHUB_ENV (for later steps). */
  exportedEnv: Record<string, string>;
  stdout: string;
  stderr: string;
}

/**
 * Runs a JavaScript action the way the runner does: `node <entry>` with
 * INPUT_<NAME> variables (upper case, spaces as underscores, dashes kept,
 * as @actions/core reads them) and fresh GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
 * GITHUB_ENV and GITHUB_PATH files. The test's own GITHUB_*, RUNNER_* and
 * INPUT_* variables are not passed on.
 */
export async function runActionProcess(options: ActionProcessOptions): Promise<ActionProcessResult> {
  const dir = await mkdtemp(join(tmpdir(), "bulkhead-action-"));
  const files = {
    GITHUB_OUTPUT: join(dir, "output"),
    GITHUB_STEP_SUMMARY: join(dir, "summary"),
    GITHUB_ENV: join(dir, "env"),
    GITHUB_PATH: join(dir, "path"),
  };
  try {
    await Promise.all(Object.values(files).map((file) => writeFile(file, "")));
    const env: Record<string, string> = { ...inheritedEnv(), ...options.env, ...files, RUNNER_TEMP: dir };
    for (const [name, value] of Object.entries(options.inputs)) {
      env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
    }
    const exit = await spawnNode(options, env);
    const [output, summary, exported] = await Promise.all(
      [files.GITHUB_OUTPUT, files.GITHUB_STEP_SUMMARY, files.GITHUB_ENV].map((f) => readFile(f, "utf8")),
    );
    const outcome = exit.timedOut ? "cancelled" : exit.exitCode === 0 ? "success" : "failure";
    return {
      outcome,
      exitCode: exit.exitCode,
      signal: exit.signal,
      outputs: parseCommandFile(output!),
      summary: summary!,
      exportedEnv: parseCommandFile(exported!),
      stdout: exit.stdout,
      stderr: exit.stderr,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(GITHUB_|RUNNER_|INPUT_|ACTIONS_)/.test(key)) env[key] = value;
  }
  return env;
}

interface ProcessExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

function spawnNode(options: ActionProcessOptions, env: Record<string, string>): Promise<ProcessExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.entry], {
      cwd: options.cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));

    let timedOut = false;
    const timers: NodeJS.Timeout[] = [];
    if (options.timeoutMs !== undefined) {
      timers.push(
        setTimeout(() => {
          timedOut = true;
          child.kill("SIGINT");
          timers.push(setTimeout(() => child.kill("SIGTERM"), options.graceMs ?? 5_000));
        }, options.timeoutMs),
      );
    }
    child.on("error", reject);
    child.on("close", (exitCode, signal) => {
      timers.forEach(clearTimeout);
      resolve({ exitCode, signal, timedOut, stdout, stderr });
    });
  });
}

/**
 * Parses a GITHUB_OUTPUT or GITHUB_ENV file: `name=value` lines and
 * `name<<DELIMITER` … `DELIMITER` blocks (what @actions/core writes).
 */
export function parseCommandFile(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const end = lines.indexOf(delimiter!, i + 1);
      if (end === -1) throw new Error(`${name}: no closing delimiter ${delimiter}`);
      result[name!] = lines.slice(i + 1, end).join("\n");
      i = end;
      continue;
    }
    const eq = line.indexOf("=");
    if (eq <= 0) throw new Error(`cannot parse command file line: ${line}`);
    result[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return result;
}
