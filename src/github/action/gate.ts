// A gate job: merges the statistics of every shard of a stage (newest
// attempt each), judges the checks, publishes the stage's output and sets
// the `passed` output the next stage's `if:` reads. A shard with no output
// makes the gate fail closed.
import { existsSync } from "node:fs";
import path from "node:path";
import * as core from "@actions/core";
import { pipelinePaths } from "../../engine/paths.js";
import { publishParts } from "../../engine/run-stage.js";
import { loadPipeline } from "../../pipeline/load.js";
import { formatShard } from "../../pipeline/types.js";
import { evaluateGate, mergeStats, renderGateMarkdown, writeGateReport } from "../../validate/index.js";
import type { CheckResult, GateReport, StageCounts } from "../../validate/types.js";
import { downloadStageOutputs, gateArtifactName, uploadGateArtifact } from "../artifacts.js";
import type { ActionContext } from "./context.js";
import { restoreLastSuccess } from "./last-success.js";
import { SUMMARY_BUDGET_BYTES, writeSummary } from "./summary.js";

/** The compact JSON set as the `report` output; the full report is an artifact. */
export interface GateOutput {
  stage: string;
  passed: boolean;
  counts: StageCounts;
  failed: string[];
  warnings: string[];
  artifact: string;
}

export async function runGateCommand(context: ActionContext): Promise<void> {
  const { inputs, logger, attempt } = context;
  const pipeline = await loadPipeline(inputs.pipeline);
  context.pipelineName = pipeline.name;
  const stage = pipeline.stages.find((s) => s.id === inputs.stage);
  if (!stage) throw new Error(`input stage: no stage "${inputs.stage}" in ${inputs.pipeline}`);
  const paths = pipelinePaths(path.resolve(context.workspace, inputs.stateDir), pipeline.name);
  const stageDataDir = paths.stageDataDir(context.runId, stage.id);

  const { found, missing } = await downloadStageOutputs({
    pipeline: pipeline.name,
    stage: stage.id,
    shards: stage.shards,
    attempt,
    stageDataDir,
  });
  const results = found.map((f) => f.result);
  const counts = results.reduce(
    (total, r) => ({
      rowsIn: total.rowsIn + r.counts.rowsIn,
      rowsOut: total.rowsOut + r.counts.rowsOut,
      rowsInvalid: total.rowsInvalid + r.counts.rowsInvalid,
    }),
    { rowsIn: 0, rowsOut: 0, rowsInvalid: 0 },
  );

  const lastSuccess = await restoreLastSuccess(pipeline.name, context.workspace, logger);
  // A missing shard's statistics are passed as null: its checks fail closed.
  const states = stageShardStates(stage.shards, found);
  const report = evaluateGate({
    pipeline: pipeline.name,
    stage: stage.id,
    runId: context.runId,
    checks: stage.checks,
    state: mergeStats(stage.checks, states),
    counts,
    lastSuccess: lastSuccess?.stages[stage.id] ?? null,
    now: new Date(),
  });
  const gate = withShardCheck(report, stage.shards, missing.map(formatShard));

  const files = await writeGateReport(paths.reportsDir(context.runId), gate);
  const published = gate.passed
    ? await publishParts(stage, stageDataDir, context.workspace, results.map((r) => r.outputs))
    : [];
  // Published files outside the stage's data (a SQLite table) go with the report.
  const extra = published.map((o) => o.path).filter((p) => !p.startsWith(stageDataDir) && existsSync(p));
  const artifact = gateArtifactName(pipeline.name, stage.id, attempt);
  await uploadGateArtifact(artifact, [files.json, files.markdown, ...extra], commonRoot([files.json, ...extra]));

  for (const check of gate.checks.filter((c) => !c.passed)) {
    const line = `stage ${stage.id}: check ${check.severity === "fail" ? "FAILED" : "warning"}: ${check.message}`;
    if (check.severity === "fail") logger.error(line);
    else logger.warn(line);
  }
  logger.info(`stage ${stage.id}: gate ${gate.passed ? "passed" : "FAILED"}; full report in artifact ${artifact}`);

  const output: GateOutput = {
    stage: stage.id,
    passed: gate.passed,
    counts,
    failed: gate.checks.filter((c) => !c.passed && c.severity === "fail").map((c) => c.name).slice(0, 20),
    warnings: gate.checks.filter((c) => !c.passed && c.severity === "warn").map((c) => c.name).slice(0, 20),
    artifact,
  };
  core.setOutput("passed", gate.passed ? "true" : "false");
  core.setOutput("report", JSON.stringify(output));
  core.setOutput("status", gate.passed ? "succeeded" : "gated");
  await writeSummary(renderGateMarkdown(gate, { maxBytes: SUMMARY_BUDGET_BYTES }), `the gate report artifact ${artifact}`);
  // The job itself succeeds: `passed` decides what runs next, and the
  // alert job reports the failed gate.
}

function stageShardStates(shards: number, found: { shard: { index: number }; result: { stats: unknown[] } }[]) {
  const states: (unknown[] | null)[] = Array.from({ length: shards }, () => null);
  for (const f of found) states[f.shard.index] = f.result.stats;
  return states;
}

/** Adds the check every gate has: each shard finished and handed over its output. */
function withShardCheck(report: GateReport, shards: number, missing: string[]): GateReport {
  const check: CheckResult = {
    name: "every shard finished",
    severity: "fail",
    passed: missing.length === 0,
    observed: { finished: shards - missing.length, missing },
    expected: { finished: shards },
    message:
      missing.length === 0
        ? `all ${shards} shards finished`
        : `shard ${missing.join(", ")} of ${shards} did not finish (failed, cancelled or timed out); the gate fails closed`,
  };
  return { ...report, passed: report.passed && check.passed, checks: [check, ...report.checks] };
}

function commonRoot(files: string[]): string {
  let root = path.dirname(files[0]);
  for (const file of files) {
    while (!file.startsWith(root + path.sep) && root !== path.dirname(root)) root = path.dirname(root);
  }
  return root;
}
