// Runs a library scenario in a child Node process with a clean environment.
//
// Why a child process: the real libraries read their environment at
// different times — GITHUB_API_URL when @actions/github is imported, the
// Azure SDK's NO_PROXY once per process, cache paths against process.cwd()
// (github-services.md §1, snags 5, 6, 9). A fresh process per scenario gets
// all of them right and keeps the test runner's own env untouched.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface RunScenarioOptions {
  /** Variables from ResultsService.env(); inherited Actions variables are dropped. */
  env: Record<string, string>;
  /** JSON-serialisable input handed to the scenario. */
  input?: unknown;
  /** Kill the child after this long; default 60 000 ms. */
  timeoutMs?: number;
}

export interface ScenarioRun<T> {
  /** What the scenario returned. */
  result: T;
  /** @actions/core writes ::debug:: and ::warning:: lines here. */
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Thrown when the scenario threw or the child failed; carries the output. */
export class ScenarioError extends Error {
  constructor(
    message: string,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = "ScenarioError";
  }
}

/**
 * Runs `scriptPath` (a .ts file calling `runAsScenario`) under tsx and
 * returns its result. A throw inside the scenario becomes a ScenarioError
 * whose message is the scenario's `Name: message`.
 */
export async function runScenario<T>(scriptPath: string, options: RunScenarioOptions): Promise<ScenarioRun<T>> {
  const outDir = await mkdtemp(join(tmpdir(), "bulkhead-scenario-"));
  const outFile = join(outDir, "result.json");
  const started = performance.now();
  try {
    const { code, stdout, stderr } = await spawnNode(
      ["--import", "tsx", scriptPath, JSON.stringify(options.input ?? null), outFile],
      { ...inheritedEnv(), ...options.env },
      options.timeoutMs ?? 60_000,
    );
    const durationMs = Math.round(performance.now() - started);
    const outcome = await readOutcome(outFile);
    if (!outcome) {
      throw new ScenarioError(`scenario ${scriptPath} exited with code ${code} without a result\n${stderr}`, stdout, stderr);
    }
    if (!outcome.ok) throw new ScenarioError(outcome.error, stdout, stderr);
    return { result: outcome.value as T, stdout, stderr, durationMs };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

async function readOutcome(file: string): Promise<Outcome | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as Outcome;
  } catch {
    return undefined;
  }
}

/** The parent's env minus anything that could point a library elsewhere. */
function inheritedEnv(): Record<string, string> {
  const dropped = /^(ACTIONS_|GITHUB_|RUNNER_|CACHE_|SEGMENT_DOWNLOAD)|proxy$/i;
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !dropped.test(entry[0]),
    ),
  );
}

function spawnNode(
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // cwd is the project root so `--import tsx` resolves; scenarios chdir.
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
