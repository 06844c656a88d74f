// Running the real `bulkhead` CLI as a child process, from source via tsx.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = path.join(ROOT, "src/cli/bin.ts");
/** tsx's loader by URL, so the CLI runs from source in any working directory. */
const TSX = import.meta.resolve("tsx");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** Starts the CLI in its own process group (so a test can kill the whole tree). */
export function spawnCli(args: string[], options: CliOptions = {}): ChildProcess & { result: Promise<CliResult> } {
  const child = spawn(process.execPath, ["--import", TSX, BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, SLACK_WEBHOOK_URL: undefined, ...options.env } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const result = new Promise<CliResult>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return Object.assign(child, { result });
}

/** Runs the CLI to its end. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return spawnCli(args, options).result;
}

export function makeTempDir(prefix = "bulkhead-test-"): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A deterministic record for id i: values are integers so sums are exact. */
export function numberRecord(i: number) {
  return { id: i, value: (i * 7919) % 1000, group: `g${i % 7}` };
}

/** Writes `count` numbers records as NDJSON; returns the records. */
export function writeNumbers(file: string, count: number) {
  const records = Array.from({ length: count }, (_, i) => numberRecord(i));
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return records;
}
