// The `bulkhead` command: run, status, check, outputs, workflow.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { makeAlertLogChannel, makeConsoleChannel, makeSlackChannel } from "../alert/index.js";
import type { AlertChannel } from "../alert/types.js";
import { makeFileCheckpointStore } from "../checkpoint/file-store.js";
import { type PipelinePaths, pipelinePaths } from "../engine/paths.js";
import { makeProgress } from "../engine/progress.js";
import { readJsonFile, readRunRecord } from "../engine/run-record.js";
import { runPipeline } from "../engine/run-pipeline.js";
import { shardsOf } from "../engine/run-stage.js";
import { LockedError, isLockHeld } from "../engine/lock.js";
import { WorkflowError, generateWorkflow } from "../github/workflow.js";
import { DefinitionError, UsageError } from "../pipeline/errors.js";
import { loadPipeline } from "../pipeline/load.js";
import { type Logger, type ShardRef, formatShard } from "../pipeline/types.js";
import { makeStderrLogger } from "./logger.js";
import { makeCliRedactor, redactLogger } from "./secrets.js";
import type { Redactor } from "../alert/redact.js";
import { summarizeRun } from "./summary.js";

/** Exit codes (DESIGN.md contract). */
export const EXIT = {
  succeeded: 0,
  failed: 1,
  gated: 2,
  usage: 64,
  sigint: 130,
  sigterm: 143,
} as const;

const DEFAULT_STATE_DIR = ".bulkhead";

function parseShard(text: string): ShardRef {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = match ? Number(match[1]) : 0;
  const count = match ? Number(match[2]) : 0;
  if (!match || index < 1 || index > count) {
    throw new UsageError(`--shard ${text}: expected I/N with 1 ≤ I ≤ N, e.g. 2/4`);
  }
  return { index: index - 1, count };
}

/**
 * Builds the channels: console, the alert log, and Slack when configured,
 * each masking the declared secrets (see secrets.ts) as well as patterns.
 */
function makeAlertChannels(logger: Logger, alertLog: string, env: NodeJS.ProcessEnv, redact: Redactor): AlertChannel[] {
  const channels = [makeConsoleChannel(logger, { redact }), makeAlertLogChannel(alertLog, { redact })];
  if (env.SLACK_WEBHOOK_URL) channels.push(makeSlackChannel({ webhookUrl: env.SLACK_WEBHOOK_URL, redact }));
  return channels;
}

interface RunFlags {
  stage?: string;
  shard?: string;
  fresh?: boolean;
  stateDir: string;
  json?: boolean;
  parallel: boolean;
  debug?: boolean;
}

async function runCommand(file: string, flags: RunFlags): Promise<number> {
  // Error messages from stages can carry credentials: mask every line.
  const logger = redactLogger(makeStderrLogger({ debug: flags.debug }), makeCliRedactor(process.env));
  // Listen before loading anything: a signal during start-up must not kill
  // the process without the orderly stop below.
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) logger.warn(`received ${signal}: saving checkpoints and stopping`);
    stop.abort(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await runLoaded(file, flags, logger, stop.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

async function runLoaded(file: string, flags: RunFlags, logger: Logger, signal: AbortSignal): Promise<number> {
  const pipeline = await loadPipeline(file);
  if (flags.shard && !flags.stage) throw new UsageError("--shard needs --stage");
  const shard = flags.shard ? parseShard(flags.shard) : undefined;
  const stage = pipeline.stages.find((s) => s.id === flags.stage);
  if (shard && stage && shard.count !== stage.shards) {
    throw new UsageError(`--shard ${flags.shard}: stage ${stage.id} has ${stage.shards} shards`);
  }

  if (signal.aborted) return signal.reason === "SIGTERM" ? EXIT.sigterm : EXIT.sigint;

  const paths = pipelinePaths(flags.stateDir, pipeline.name);
  const outcome = await runPipeline({
      pipeline,
      pipelineFile: file,
      stateDir: flags.stateDir,
      baseDir: process.cwd(),
      fresh: flags.fresh,
      stage: flags.stage,
      shard,
      logger,
      progress: makeProgress({ tty: Boolean(process.stderr.isTTY) && !flags.json, logger }),
      alerts: makeAlertChannels(logger, paths.alertLog, process.env, makeCliRedactor(process.env)),
      signal,
      parallel: flags.parallel,
      redact: makeCliRedactor(process.env),
    });
  if (flags.json) process.stdout.write(`${JSON.stringify(summarizeRun(outcome.record), null, 2)}\n`);
  if (outcome.interruptedBy) return outcome.interruptedBy === "SIGTERM" ? EXIT.sigterm : EXIT.sigint;
  switch (outcome.record.status) {
    case "gated":
      return EXIT.gated;
    case "failed":
      return EXIT.failed;
    default:
      return EXIT.succeeded;
  }
}

/** The unfinished run, or else the last successful one, or null. */
async function readLatestRun(paths: PipelinePaths) {
  const current = (await readJsonFile(paths.currentRun)) as { runId?: string } | null;
  const lastSuccess = (await readJsonFile(paths.lastSuccess)) as { runId?: string } | null;
  const runId = current?.runId ?? lastSuccess?.runId;
  return runId ? await readRunRecord(paths.runRecord(runId)) : null;
}

async function statusCommand(file: string, flags: { stateDir: string; json?: boolean }): Promise<number> {
  const pipeline = await loadPipeline(file);
  const paths = pipelinePaths(flags.stateDir, pipeline.name);
  const record = await readLatestRun(paths);
  const store = makeFileCheckpointStore(paths.runsDir);
  // A run recorded as running with nobody holding the lock was killed.
  const killed = record?.status === "running" && !(await isLockHeld(paths.lock));

  const stages = [];
  for (const stage of pipeline.stages) {
    const stageRecord = record?.stages.find((s) => s.id === stage.id);
    const shards = [];
    for (const shard of shardsOf(stage)) {
      const loaded = record
        ? await store.load({ pipeline: pipeline.name, runId: record.runId, stage: stage.id, shard }).catch(() => null)
        : null;
      const checkpoint = loaded?.checkpoint;
      shards.push({
        shard: formatShard(shard),
        done: checkpoint?.done ?? false,
        row: checkpoint?.cursor?.row ?? null,
        savedAt: checkpoint?.savedAt ?? null,
      });
    }
    const stageStatus = killed && stageRecord?.status === "running" ? "interrupted" : (stageRecord?.status ?? "pending");
    stages.push({ id: stage.id, status: stageStatus, counts: stageRecord?.counts ?? null, shards });
  }
  const runStatus = killed ? "interrupted" : (record?.status ?? "never run");
  const status = { pipeline: pipeline.name, runId: record?.runId ?? null, status: runStatus, stages };

  if (flags.json) {
    process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    return EXIT.succeeded;
  }
  const stopped = killed ? " (no process is running it: run again to resume)" : "";
  const lines = [`pipeline ${status.pipeline}: ${record ? `run ${record.runId} ${runStatus}${stopped}` : "never run"}`];
  for (const stage of stages) {
    lines.push(`  stage ${stage.id}: ${stage.status}`);
    for (const shard of stage.shards) {
      const where = shard.done ? "done" : shard.row === null ? "no checkpoint" : `checkpoint at row ${shard.row.toLocaleString("en-US")} (${shard.savedAt})`;
      lines.push(`    shard ${shard.shard}: ${where}`);
    }
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  return EXIT.succeeded;
}

async function checkCommand(file: string): Promise<number> {
  const pipeline = await loadPipeline(file);
  // The workflow generator knows GitHub's limits (6-hour jobs, 256 legs).
  const { warnings } = generateWorkflow(pipeline, { pipelinePath: repoRelative(file) });
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  process.stdout.write(
    `${file}: pipeline ${pipeline.name} is valid: ${pipeline.stages.length} stage${pipeline.stages.length === 1 ? "" : "s"} (${pipeline.stages.map((s) => `${s.id}×${s.shards}`).join(", ")})\n`,
  );
  return EXIT.succeeded;
}

async function outputsCommand(file: string, flags: { stateDir: string; json?: boolean }): Promise<number> {
  const pipeline = await loadPipeline(file);
  const record = await readLatestRun(pipelinePaths(flags.stateDir, pipeline.name));
  const outputs = (record?.stages ?? []).flatMap((s) => s.outputs.map((o) => ({ stage: s.id, ...o })));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ runId: record?.runId ?? null, outputs }, null, 2)}\n`);
    return EXIT.succeeded;
  }
  if (!record) process.stdout.write(`pipeline ${pipeline.name} has no run yet\n`);
  for (const o of outputs) {
    process.stdout.write(`${o.stage}\t${o.rows}\t${o.sha256}\t${path.relative(process.cwd(), o.path) || o.path}\n`);
  }
  return EXIT.succeeded;
}

async function workflowCommand(file: string, flags: { output?: string; actionRef: string }): Promise<number> {
  const pipeline = await loadPipeline(file);
  // A repository with a package.json installs its dependencies in each job.
  const needsNpmCi = existsSync(path.join(process.cwd(), "package.json"));
  const { yaml, warnings } = generateWorkflow(pipeline, { pipelinePath: repoRelative(file), actionRef: flags.actionRef, needsNpmCi });
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  if (flags.output) {
    await mkdir(path.dirname(flags.output), { recursive: true });
    await writeFile(flags.output, yaml);
    process.stderr.write(`wrote ${flags.output}\n`);
  } else process.stdout.write(yaml);
  return EXIT.succeeded;
}

/** The version in package.json, for --version. */
function packageVersion(): string {
  const file = fileURLToPath(new URL("../../package.json", import.meta.url));
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

/** Workflows name the pipeline file relative to the repository root (the working directory). */
function repoRelative(file: string): string {
  return path.relative(process.cwd(), path.resolve(file)).split(path.sep).join("/");
}

function makeProgram(setExit: (code: number) => void): Command {
  const program = new Command("bulkhead")
    .description("Staged, checkpointed, validated data pipelines, locally and on GitHub Actions")
    .version(packageVersion(), "-V, --version")
    .exitOverride()
    .showHelpAfterError();
  const stateDir = new Option("--state-dir <dir>", "where runs, checkpoints and outputs live").default(DEFAULT_STATE_DIR);

  program
    .command("run")
    .description("run the pipeline, resuming its unfinished run unless --fresh")
    .argument("<pipeline>", "pipeline file, e.g. pipelines/flight-delays.ts")
    .option("--stage <id>", "run only this stage")
    .option("--shard <i/n>", "with --stage: run only this shard, e.g. 2/4")
    .option("--fresh", "start a new run instead of resuming")
    .addOption(stateDir)
    .option("--json", "print a JSON summary on stdout at the end")
    .option("--no-parallel", "run shards one after another in this process")
    .option("--debug", "log checkpoint saves and other internals")
    .action(async (file: string, flags: RunFlags) => setExit(await runCommand(file, flags)));

  program
    .command("status")
    .description("show the current run, stage states and the last checkpoint of each shard")
    .argument("<pipeline>")
    .addOption(stateDir)
    .option("--json", "print JSON")
    .action(async (file: string, flags) => setExit(await statusCommand(file, flags)));

  program
    .command("check")
    .description("check the pipeline definition without running anything")
    .argument("<pipeline>")
    .action(async (file: string) => setExit(await checkCommand(file)));

  program
    .command("outputs")
    .description("list every output file of the latest run with rows and sha256")
    .argument("<pipeline>")
    .addOption(stateDir)
    .option("--json", "print JSON")
    .action(async (file: string, flags) => setExit(await outputsCommand(file, flags)));

  program
    .command("workflow")
    .description("write the GitHub Actions workflow for the pipeline")
    .argument("<pipeline>")
    .option("-o, --output <file>", "write to this file instead of stdout")
    .option("--action-ref <ref>", "the action to use, owner/repo@ref or ./", "./")
    .action(async (file: string, flags) => setExit(await workflowCommand(file, flags)));

  return program;
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.succeeded;
  const program = makeProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (error) {
    const redact = makeCliRedactor(process.env);
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.succeeded : EXIT.usage;
    }
    if (error instanceof DefinitionError || error instanceof UsageError || error instanceof WorkflowError) {
      process.stderr.write(`bulkhead: ${redact(error.message)}\n`);
      return EXIT.usage;
    }
    if (error instanceof LockedError) {
      process.stderr.write(`bulkhead: ${redact(error.message)}\n`);
      return EXIT.failed;
    }
    process.stderr.write(`bulkhead: ${redact(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    return EXIT.failed;
  }
}
