// The plan job: checks the pipeline and emits one shard matrix per stage.
import * as core from "@actions/core";
import { loadPipeline } from "../../pipeline/load.js";
import { planMatrix } from "../workflow-matrix.js";
import type { ActionContext } from "./context.js";
import { stageDiagram, writeSummary } from "./summary.js";

export async function runPlan(context: ActionContext): Promise<void> {
  const { inputs, logger } = context;
  const pipeline = await loadPipeline(inputs.pipeline);
  const selected = inputs.stages ? inputs.stages.split(",").map((s) => s.trim()).filter(Boolean) : [];
  const unknown = selected.filter((id) => !pipeline.stages.some((s) => s.id === id));
  if (unknown.length > 0) {
    throw new Error(`input stages: unknown stage ${unknown.join(", ")} (stages: ${pipeline.stages.map((s) => s.id).join(", ")})`);
  }

  const matrices: Record<string, ReturnType<typeof planMatrix>> = {};
  for (const stage of pipeline.stages) {
    const matrix = planMatrix(stage);
    matrices[stage.id] = matrix;
    core.setOutput(`matrix-${stage.id}`, JSON.stringify(matrix));
    logger.info(`stage ${stage.id}: ${stage.shards} shard${stage.shards === 1 ? "" : "s"} in ${matrix.include.length} job${matrix.include.length === 1 ? "" : "s"}`);
  }
  core.setOutput("matrix", JSON.stringify(matrices));
  core.setOutput("status", "succeeded");

  const states = Object.fromEntries(
    pipeline.stages.map((s) => [s.id, selected.length === 0 || selected.includes(s.id) ? "pending" : "skipped"] as const),
  );
  await writeSummary(
    [`## Bulkhead plan: ${pipeline.name}`, "", `Run ${context.runId}, attempt ${context.attempt}.`, "", stageDiagram(pipeline, states)].join("\n"),
  );
}
