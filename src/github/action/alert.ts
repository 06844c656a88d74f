// The alert job: runs after every other job. It turns the run's outcome
// into alerts: the pipeline's failure issue (opened, commented on, or closed
// on recovery) and Slack. A timed-out or cancelled stage counts as a failure
// too: GitHub reports timeouts as "cancelled", which `failure()` misses.
import path from "node:path";
import { readFile } from "node:fs/promises";
import * as core from "@actions/core";
import { z } from "zod";
import { formatAlert } from "../../alert/format.js";
import type { Redactor } from "../../alert/redact.js";
import { renderAlertText } from "../../alert/render-text.js";
import { postSlackMessage } from "../../alert/slack-channel.js";
import { SLACK_LIMITS, type SlackBlock, type SlackMessage, buildSlackMessage, fitMrkdwn } from "../../alert/slack-message.js";
import type { AlertEvent } from "../../alert/types.js";
import { toError } from "../../pipeline/errors.js";
import { loadPipeline } from "../../pipeline/load.js";
import type { Pipeline } from "../../pipeline/define.js";
import type { GateReport } from "../../validate/types.js";
import { downloadArtifactTo, downloadFailureRecords, findGateArtifact } from "../artifacts.js";
import { reportRunToIssue } from "../failure-issue.js";
import { makeOctokit } from "../octokit.js";
import { pipelineNameOfWorkflow } from "../workflow-name.js";
import type { ActionContext } from "./context.js";
import type { GateOutput } from "./gate.js";
import { saveLastSuccess } from "./last-success.js";
import { type StageState, stageDiagram, writeSummary } from "./summary.js";

const needsSchema = z.record(
  z.string(),
  z.object({
    result: z.enum(["success", "failure", "cancelled", "skipped"]),
    outputs: z.record(z.string(), z.string()).default({}),
  }),
);
type Needs = z.infer<typeof needsSchema>;

export async function runAlertCommand(context: ActionContext): Promise<void> {
  const { inputs, logger } = context;
  const needs = parseNeeds(inputs.needsResults);
  let pipeline: Pipeline;
  try {
    pipeline = await loadPipeline(inputs.pipeline);
  } catch (error) {
    // A broken pipeline file fails every job; the alert must not go quiet too.
    return reportUnloadablePipeline(context, needs, toError(error));
  }
  context.pipelineName = pipeline.name;
  const events = await collectEvents(context, pipeline, needs);
  const failed = events.length > 0;

  const problems = await deliverAlerts(context, pipeline.name, events);

  if (!failed) {
    const counts = Object.fromEntries(
      pipeline.stages.flatMap((stage) => {
        const report = gateOutput(needs, stage.id);
        return report ? [[stage.id, report.counts] as const] : [];
      }),
    );
    await saveLastSuccess(pipeline.name, context.runId, context.attempt, counts, context.workspace, logger);
  }

  await writeSummary(runSummary(context, pipeline, needs, events));
  core.setOutput("status", failed ? "failed" : "succeeded");
  // Not delivering an alert is itself worth a red job: nobody else will say it.
  if (problems.length > 0) throw new Error(`alert NOT fully delivered:\n${problems.join("\n")}`);
  // A failed gate leaves every job green; failing here marks the run as
  // failed, so GitHub's own notifications and the run list show it.
  if (failed) core.setFailed(runProblemsMessage(pipeline.name, events));
}

function runProblemsMessage(pipeline: string, events: AlertEvent[]): string {
  const what = events.map((e) => `${e.kind === "gate" ? "gate of" : e.kind} ${e.stage ?? ""}${e.shard ? ` shard ${e.shard}` : ""}`.trim());
  const shown = what.slice(0, 10).join(", ") + (what.length > 10 ? `, and ${what.length - 10} more` : "");
  return `pipeline ${pipeline}: this run has ${events.length} problem${events.length === 1 ? "" : "s"} (${shown}); the alerts went out, see the failure issue`;
}

/**
 * Reports the run to the failure issue and Slack; returns what could not
 * be delivered. Slack hears about failures, and about a recovery that
 * closed an issue: one message per run, however many shards and gates
 * failed in it (one per event would flood the channel and trip Slack's
 * one-message-a-second limit).
 */
async function deliverAlerts(context: ActionContext, pipeline: string, events: AlertEvent[]): Promise<string[]> {
  const { inputs, logger } = context;
  const problems: string[] = [];
  const issue = await reportRunToIssue({
    octokit: makeOctokit({ token: inputs.githubToken, baseUrl: context.apiUrl, logger }),
    owner: context.owner,
    repo: context.repo,
    pipeline,
    events,
    runUrl: context.runUrl,
    reportUrl: context.runUrl,
    pipelineFile: inputs.pipeline,
    redact: context.redact,
    logger,
  }).catch((error: Error) => {
    problems.push(error.message);
    return null;
  });
  if (issue) logger.info(`failure issue: ${issue.action}${issue.issueNumber ? ` #${issue.issueNumber}` : ""}`);

  const slackEvents = events.length > 0 ? events : issue?.action === "closed" ? [recoveredEvent(context, pipeline, issue.issueNumber)] : [];
  if (inputs.slackWebhookUrl && slackEvents.length > 0) {
    await postSlackMessage(runSlackMessage(slackEvents, context.redact), { webhookUrl: inputs.slackWebhookUrl }, context.redact).catch(
      (error: Error) => problems.push(error.message),
    );
  }
  return problems;
}

/**
 * The pipeline file does not load (a syntax error, an invalid definition),
 * so the plan and every job after it failed or were skipped. The pipeline's
 * name, which finds its issue, then comes from the workflow's name, which
 * the generator writes as "Bulkhead: <pipeline>".
 */
async function reportUnloadablePipeline(context: ActionContext, needs: Needs, error: Error): Promise<void> {
  const { inputs } = context;
  const name = pipelineNameOfWorkflow(process.env.GITHUB_WORKFLOW ?? "");
  if (!name) throw error;
  context.pipelineName = name;
  const failedJobs = Object.entries(needs)
    .filter(([, need]) => need.result === "failure" || need.result === "cancelled")
    .map(([job]) => job);
  const event: AlertEvent = {
    kind: "failure",
    pipeline: name,
    runId: context.runId,
    runUrl: context.runUrl,
    attempt: context.attempt,
    at: new Date().toISOString(),
    error: `the pipeline file ${inputs.pipeline} could not be loaded${failedJobs.length > 0 ? ` (failed jobs: ${failedJobs.join(", ")})` : ""}:\n${error.message}`,
    nextStep: `Fix ${inputs.pipeline} (check it with: npx bulkhead check ${inputs.pipeline}), then run the workflow again.`,
  };
  const problems = await deliverAlerts(context, name, [event]);
  core.setOutput("status", "failed");
  await writeSummary([`## Bulkhead run: ${name}`, "", `Run ${context.runId}, attempt ${context.attempt}: the pipeline file ${inputs.pipeline} could not be loaded.`].join("\n"));
  if (problems.length > 0) throw new Error(`alert NOT fully delivered:\n${problems.join("\n")}`);
  core.setFailed(runProblemsMessage(name, [event]));
}

function parseNeeds(text: string): Needs {
  if (!text) throw new Error("input needs-results is empty: the workflow must pass ${{ toJSON(needs) }}");
  const parsed = needsSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`input needs-results: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function gateOutput(needs: Needs, stageId: string): GateOutput | null {
  const text = needs[`gate-${stageId}`]?.outputs.report;
  if (!text) return null;
  try {
    return JSON.parse(text) as GateOutput;
  } catch {
    return null;
  }
}

/** Every failure of this run attempt, as alert events. */
async function collectEvents(context: ActionContext, pipeline: Pipeline, needs: Needs): Promise<AlertEvent[]> {
  const base = {
    pipeline: pipeline.name,
    runId: context.runId,
    runUrl: context.runUrl,
    at: new Date().toISOString(),
  };
  const rerun = `Open ${context.runUrl} and choose "Re-run failed jobs": failed shards resume from their last checkpoint.`;
  const events: AlertEvent[] = [];
  const workDir = path.join(context.workspace, ".bulkhead-cache", "alert");

  const records = await downloadFailureRecords({ pipeline: pipeline.name, attempt: context.attempt, workDir });
  for (const record of records) {
    events.push({
      ...base,
      kind: record.reason === "failed" ? "failure" : "cancelled",
      stage: record.stage,
      shard: record.shard,
      attempt: record.attempt,
      error: record.reason === "timed out" ? `timed out after ${Math.round(record.elapsedSeconds / 60)} minutes (timeout-minutes: ${record.timeoutMinutes}): ${record.error}` : record.reason === "cancelled" ? `cancelled (manually, or stopped by GitHub): ${record.error}` : record.error,
      checkpoint: record.checkpoint,
      nextStep: rerun,
    });
  }

  for (const stage of pipeline.stages) {
    const job = needs[stage.id];
    const gate = gateOutput(needs, stage.id);
    const reported = records.some((r) => r.stage === stage.id);
    if (job && (job.result === "failure" || job.result === "cancelled") && !reported) {
      // No failure record: the job died before it could write one (or timed out hard).
      events.push({
        ...base,
        kind: job.result === "cancelled" ? "cancelled" : "failure",
        stage: stage.id,
        attempt: context.attempt,
        error: `job ${stage.id} ended as ${job.result === "cancelled" ? "cancelled (a timeout shows up as cancelled)" : "failed"} without leaving a failure record; see the job log`,
        checkpoint: undefined,
        nextStep: rerun,
      });
    }
    if (gate && !gate.passed) {
      events.push({
        ...base,
        kind: "gate",
        stage: stage.id,
        attempt: context.attempt,
        gate: await fetchGateReport(pipeline.name, stage.id, context.attempt, workDir),
        nextStep: `Read the gate report (artifact ${gate.artifact}), fix the data or the check, then re-run the workflow.`,
      });
    }
  }

  // Jobs other than stages (plan, a gate that crashed) can fail too.
  for (const [job, need] of Object.entries(needs)) {
    if (need.result !== "failure" && need.result !== "cancelled") continue;
    if (pipeline.stages.some((s) => s.id === job)) continue;
    if (job.startsWith("gate-") && gateOutput(needs, job.slice("gate-".length))) continue;
    events.push({
      ...base,
      kind: need.result === "cancelled" ? "cancelled" : "failure",
      stage: job,
      attempt: context.attempt,
      error: `job ${job} ${need.result === "cancelled" ? "was cancelled" : "failed"}; see the job log`,
      nextStep: rerun,
    });
  }
  return events;
}

async function fetchGateReport(pipeline: string, stage: string, attempt: number, workDir: string): Promise<GateReport | undefined> {
  const artifact = await findGateArtifact(pipeline, stage, attempt);
  if (!artifact) return undefined;
  const dir = path.join(workDir, "gates", artifact.name);
  await downloadArtifactTo(artifact.id, dir);
  try {
    return JSON.parse(await readFile(path.join(dir, `gate-${stage}.json`), "utf8")) as GateReport;
  } catch {
    return undefined;
  }
}

function recoveredEvent(context: ActionContext, pipeline: string, issueNumber: number | null): AlertEvent {
  return {
    kind: "recovered",
    pipeline,
    runId: context.runId,
    runUrl: context.runUrl,
    at: new Date().toISOString(),
    nextStep: `Nothing to do: this run succeeded${issueNumber ? ` and closed issue #${issueNumber}` : ""}.`,
  };
}

function runSummary(context: ActionContext, pipeline: Pipeline, needs: Needs, events: AlertEvent[]): string {
  const states: Record<string, StageState> = {};
  for (const stage of pipeline.stages) {
    const job = needs[stage.id];
    const gate = gateOutput(needs, stage.id);
    states[stage.id] =
      job?.result === "failure" ? "failed"
      : job?.result === "cancelled" ? "cancelled"
      : job?.result === "skipped" || !job ? "skipped"
      : gate && !gate.passed ? "gated"
      : "succeeded";
  }
  const lines = [`## Bulkhead run: ${pipeline.name}`, "", `Run ${context.runId}, attempt ${context.attempt}: ${events.length === 0 ? "succeeded" : `${events.length} problem${events.length === 1 ? "" : "s"}`}.`, "", stageDiagram(pipeline, states)];
  if (events.length > 0) {
    lines.push("", "| stage | shard | what | last checkpoint |", "| --- | --- | --- | --- |");
    for (const e of events.slice(0, 200)) {
      const what = (e.kind === "gate" ? "gate failed" : (e.error ?? e.kind)).split("\n")[0].replace(/\|/g, "\\|").slice(0, 200);
      const ckpt = e.checkpoint ? `row ${e.checkpoint.row.toLocaleString("en-US")} (${e.checkpoint.savedAt})` : "-";
      lines.push(`| ${e.stage ?? "-"} | ${e.shard ?? "-"} | ${context.redact(what)} | ${ckpt} |`);
    }
  }
  return lines.join("\n");
}

/**
 * The run's one Slack message: the first problem in full (a failed shard
 * comes before the gate it made fail), then a list of the others by title.
 */
export function runSlackMessage(events: readonly AlertEvent[], redact: Redactor): SlackMessage {
  const alerts = events.map((event) => formatAlert(event, redact));
  const first = buildSlackMessage(alerts[0]!);
  const others = alerts.slice(1);
  if (others.length === 0) return first;

  const lines = others.map((alert) => `• ${alert.title}${alert.checkpointLine ? ` (${alert.checkpointLine})` : ""}`).join("\n");
  const head = `*${others.length} more problem${others.length === 1 ? "" : "s"} in this run* (every one is in the failure issue):\n`;
  const summary: SlackBlock = {
    type: "section",
    text: { type: "mrkdwn", text: head + fitMrkdwn(lines, SLACK_LIMITS.sectionText - head.length) },
  };
  // Above the next step and the context line; within Slack's block limit.
  const blocks = [...first.blocks];
  const at = Math.max(1, blocks.length - 2);
  blocks.splice(at, 0, summary);
  if (blocks.length > SLACK_LIMITS.blocks) blocks.splice(at - 1, 1);
  const text = fitMrkdwn(`${renderAlertText(alerts[0]!)}\n\n${others.length} more:\n${lines}`, SLACK_LIMITS.fallbackText);
  return { text, blocks };
}
