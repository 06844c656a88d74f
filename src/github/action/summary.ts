// Job summaries: Markdown that GitHub shows on the run page. GitHub caps a
// step summary at 1 MiB, so every summary is measured before it is written.
import * as core from "@actions/core";
import { orderStages } from "../../pipeline/dag.js";
import type { Pipeline } from "../../pipeline/define.js";

/** Stays clear of GitHub's 1 MiB step-summary limit. */
export const SUMMARY_BUDGET_BYTES = 900_000;

export type StageState = "pending" | "running" | "succeeded" | "failed" | "gated" | "cancelled" | "skipped";

const STYLE: Record<StageState, string> = {
  pending: "fill:#eaeef2,stroke:#8c959f,color:#24292f",
  running: "fill:#ddf4ff,stroke:#0969da,color:#0a3069",
  succeeded: "fill:#dafbe1,stroke:#1a7f37,color:#116329",
  failed: "fill:#ffebe9,stroke:#cf222e,color:#82071e",
  gated: "fill:#fff8c5,stroke:#9a6700,color:#7d4e00",
  cancelled: "fill:#f6f8fa,stroke:#57606a,color:#24292f,stroke-dasharray: 4 2",
  skipped: "fill:#f6f8fa,stroke:#d0d7de,color:#8c959f",
};

/** A Mermaid flowchart of the stages, each coloured by its state. */
export function stageDiagram(pipeline: Pipeline, states: Record<string, StageState>): string {
  const lines = ["```mermaid", "flowchart LR"];
  const nodeId = (id: string) => `s_${id.replace(/-/g, "_")}`;
  for (const stage of orderStages(pipeline.stages).order) {
    const state = states[stage.id] ?? "pending";
    const shards = `${stage.shards} shard${stage.shards === 1 ? "" : "s"}`;
    lines.push(`  ${nodeId(stage.id)}["${stage.id}<br/>${shards}<br/>${state}"]:::${state}`);
    for (const need of stage.needs) lines.push(`  ${nodeId(need)} --> ${nodeId(stage.id)}`);
  }
  for (const [state, style] of Object.entries(STYLE)) lines.push(`  classDef ${state} ${style}`);
  lines.push("```");
  return lines.join("\n");
}

/** Cuts Markdown to `budget` bytes at a line break, saying what was cut. */
export function fitSummary(markdown: string, budget = SUMMARY_BUDGET_BYTES, more = "the full report artifact"): string {
  if (Buffer.byteLength(markdown) <= budget) return markdown;
  const lines = markdown.split("\n");
  const kept: string[] = [];
  let bytes = 0;
  const reserve = 300;
  for (const line of lines) {
    const size = Buffer.byteLength(line) + 1;
    if (bytes + size > budget - reserve) break;
    kept.push(line);
    bytes += size;
  }
  const dropped = lines.length - kept.length;
  return `${kept.join("\n")}\n\n_…${dropped.toLocaleString("en-US")} more lines are not shown here (GitHub limits a job summary to 1 MiB); see ${more}._\n`;
}

/** Appends Markdown to the job summary, within the size limit. */
export async function writeSummary(markdown: string, more?: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(fitSummary(markdown, SUMMARY_BUDGET_BYTES, more), true).write();
}
