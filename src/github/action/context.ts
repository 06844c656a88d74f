// What every action command starts from: its inputs (checked with zod),
// the runner's environment, a logger through @actions/core, and redaction.
import * as core from "@actions/core";
import { z } from "zod";
import { makeRedactor, type Redactor } from "../../alert/redact.js";
import { secretsFromEnv } from "../../cli/secrets.js";
import type { Logger } from "../../pipeline/types.js";

const booleanInput = z
  .enum(["true", "false", ""], { message: 'must be "true" or "false"' })
  .transform((value) => value === "true");

/** The action's inputs (action.yml), one schema for the boundary. */
export const actionInputsSchema = z
  .object({
    command: z.enum(["plan", "stage", "gate", "alert"], { message: "must be plan, stage, gate or alert" }),
    pipeline: z.string().min(1, { message: "is required: the pipeline file, e.g. pipelines/flight-delays.ts" }),
    stage: z.string(),
    shard: z.string(),
    githubToken: z.string(),
    slackWebhookUrl: z.string(),
    fresh: booleanInput,
    stages: z.string(),
    stateDir: z.string().min(1),
    needsResults: z.string(),
  })
  .superRefine((inputs, ctx) => {
    if ((inputs.command === "stage" || inputs.command === "gate") && !inputs.stage) {
      ctx.addIssue({ code: "custom", path: ["stage"], message: `is required for command ${inputs.command}` });
    }
    if (inputs.command === "stage" && !inputs.shard) {
      ctx.addIssue({ code: "custom", path: ["shard"], message: 'is required for command stage, e.g. "1/2"' });
    }
  });
export type ActionInputs = z.infer<typeof actionInputsSchema>;

/** What the runner tells a job about itself. */
export const runnerEnvSchema = z.object({
  GITHUB_RUN_ID: z.string().regex(/^\d+$/, { message: "must be the numeric run id (is this running on GitHub Actions?)" }),
  GITHUB_RUN_ATTEMPT: z.string().regex(/^\d+$/).default("1"),
  GITHUB_REPOSITORY: z.string().regex(/^[^/]+\/[^/]+$/).default("local/local"),
  GITHUB_SERVER_URL: z.string().default("https://github.com"),
  GITHUB_API_URL: z.string().default("https://api.github.com"),
  GITHUB_WORKSPACE: z.string().optional(),
  RUNNER_TEMP: z.string().optional(),
});

export interface ActionContext {
  inputs: ActionInputs;
  /** Set once the pipeline file is loaded. */
  pipelineName: string;
  runId: string;
  attempt: number;
  owner: string;
  repo: string;
  runUrl: string;
  apiUrl: string;
  workspace: string;
  logger: Logger;
  redact: Redactor;
}

function readInputs(): ActionInputs {
  const raw = {
    command: core.getInput("command"),
    pipeline: core.getInput("pipeline"),
    stage: core.getInput("stage"),
    shard: core.getInput("shard"),
    githubToken: core.getInput("github-token"),
    slackWebhookUrl: core.getInput("slack-webhook-url"),
    fresh: core.getInput("fresh"),
    stages: core.getInput("stages"),
    stateDir: core.getInput("state-dir") || ".bulkhead",
    needsResults: core.getInput("needs-results"),
  };
  const parsed = actionInputsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `input ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid action inputs:\n${problems.join("\n")}`);
  }
  return parsed.data;
}

/** A logger through @actions/core; warnings become annotations. */
export function makeActionLogger(redact: Redactor): Logger {
  return {
    debug: (message) => core.debug(redact(message)),
    info: (message) => core.info(redact(message)),
    warn: (message) => core.warning(redact(message)),
    error: (message) => core.error(redact(message)),
  };
}

/** Reads inputs and environment; registers secrets before anything is logged. */
export function makeActionContext(env: NodeJS.ProcessEnv = process.env): ActionContext {
  const inputs = readInputs();
  // Also the values of the variables a workflow names in BULKHEAD_SECRETS,
  // as the local CLI does (secretsFromEnv adds SLACK_WEBHOOK_URL too).
  const secrets = [inputs.githubToken, inputs.slackWebhookUrl, env.ACTIONS_RUNTIME_TOKEN ?? "", ...secretsFromEnv(env)].filter(Boolean);
  for (const secret of secrets) core.setSecret(secret);
  const redact = makeRedactor(secrets);

  const runner = runnerEnvSchema.parse(env);
  const [owner, repo] = runner.GITHUB_REPOSITORY.split("/");
  const attempt = Number(runner.GITHUB_RUN_ATTEMPT);
  return {
    inputs,
    pipelineName: "",
    runId: `gh-${runner.GITHUB_RUN_ID}`,
    attempt,
    owner,
    repo,
    runUrl: `${runner.GITHUB_SERVER_URL}/${runner.GITHUB_REPOSITORY}/actions/runs/${runner.GITHUB_RUN_ID}/attempts/${attempt}`,
    apiUrl: runner.GITHUB_API_URL,
    workspace: runner.GITHUB_WORKSPACE ?? process.cwd(),
    logger: makeActionLogger(redact),
    redact,
  };
}
