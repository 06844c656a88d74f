// `npm run bench`: the flight-delays job four ways, side by side in one
// sitting, plus what checkpoints, resumes and a 10x input cost.
//
//   npm run bench -- [--runs N] [--json] [--no-build] [--skip-10x]
//
// Every measured job is its own process tree, started from here: wall time
// is from spawn to exit; peak RSS is the largest sum of VmRSS over the whole
// tree (the CLI and its shard children), sampled from /proc every 20 ms.
// Summing VmRSS counts pages the processes share (node's code) once per
// process, so a sharded figure is an upper bound; a peak shorter than one
// sample can be missed. Times are medians over --runs runs (default 3).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const INPUT = path.join(ROOT, "node_modules/vega-datasets/data/flights-3m.parquet");
const PIPELINE = "test/bench/flights-bench.ts";
const TSX = import.meta.resolve("tsx");

interface Flags {
  runs: number;
  json: boolean;
  build: boolean;
  tenfold: boolean;
}

function parseFlags(argv: string[]): Flags {
  const flags: Flags = { runs: 3, json: false, build: true, tenfold: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json") flags.json = true;
    else if (arg === "--no-build") flags.build = false;
    else if (arg === "--skip-10x") flags.tenfold = false;
    else if (arg === "--runs") flags.runs = Number(argv[++i]);
    else throw new Error(`bench: unknown option ${arg}; use --runs N, --json, --no-build, --skip-10x`);
  }
  if (!Number.isInteger(flags.runs) || flags.runs < 1) throw new Error("bench: --runs takes a whole number >= 1");
  return flags;
}

/** One measured process tree. */
interface Measure {
  seconds: number;
  peakRssMb: number;
}

interface Job {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const work = mkdtempSync(path.join(tmpdir(), "bulkhead-bench-"));

/** Runs a job to its end; throws (with its stderr tail) if it fails. */
async function measure(job: Job, onSample?: (child: ChildProcess) => boolean): Promise<Measure> {
  settleDisk();
  const started = performance.now();
  const child = spawn(job.command, job.args, {
    cwd: ROOT,
    env: { ...process.env, ...job.env },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let peakKb = 0;
  const sampler = setInterval(() => {
    if (child.pid === undefined) return;
    peakKb = Math.max(peakKb, treeRssKb(child.pid));
    if (onSample?.(child)) process.kill(-child.pid, "SIGKILL");
  }, 20);
  const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0 && signal !== "SIGKILL") {
    throw new Error(`bench: ${job.args.join(" ")} exited with ${code ?? signal}:\n${stderr}`);
  }
  return { seconds, peakRssMb: peakKb / 1024 };
}

/**
 * Writes out what earlier jobs left in the page cache before the next job's
 * clock starts. The script ends with ~417 MB still dirty (a `sync` then
 * takes 0.16 s here); left alone, the kernel writes it back during the next
 * job, so which job paid for it depended on the order of jobs.
 */
function settleDisk(): void {
  execFileSync("sync");
}

/** Sum of VmRSS (kB) of `pid` and all its descendants. */
function treeRssKb(pid: number): number {
  let total = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const current = pending.pop()!;
    try {
      const status = readFileSync(`/proc/${current}/status`, "utf8");
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      for (const task of readdirSync(`/proc/${current}/task`)) {
        const children = readFileSync(`/proc/${current}/task/${task}/children`, "utf8").trim();
        if (children) pending.push(...children.split(" ").map(Number));
      }
    } catch {
      // The process ended between listing and reading.
    }
  }
  return total;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** A fresh directory under the bench's temporary folder. */
function freshDir(name: string): string {
  const dir = path.join(work, name);
  rmSync(dir, { recursive: true, force: true });
  return dir;
}

function scriptJob(input = INPUT): Job {
  return { command: process.execPath, args: ["--import", TSX, "test/bench/script.ts", input, freshDir("script")] };
}

function duckdbJob(): Job {
  return { command: process.execPath, args: ["--import", TSX, "test/bench/duckdb.ts", INPUT, freshDir("duckdb")] };
}

/** The built CLI (what users run) on the bench pipeline, from a fresh state. */
function bulkheadJob(options: { shards: number; stateDir?: string; input?: string; checkpointRows?: string; fresh?: boolean }): Job {
  const stateDir = options.stateDir ?? freshDir("state");
  return {
    command: process.execPath,
    args: ["bin/bulkhead.js", "run", PIPELINE, ...(options.fresh === false ? [] : ["--fresh"]), "--state-dir", stateDir],
    env: {
      BULKHEAD_BENCH_SHARDS: String(options.shards),
      BULKHEAD_BENCH_INPUT: options.input ?? INPUT,
      BULKHEAD_BENCH_OUT: path.join(stateDir, "routes.sqlite"),
      ...(options.checkpointRows ? { BULKHEAD_BENCH_CHECKPOINT_ROWS: options.checkpointRows } : {}),
    },
  };
}

/** Runs each job `runs` times, interleaved so drift hits all alike. */
async function compare(jobs: Record<string, () => Job>, runs: number): Promise<Record<string, Measure[]>> {
  const results: Record<string, Measure[]> = Object.fromEntries(Object.keys(jobs).map((name) => [name, []]));
  for (let run = 1; run <= runs; run++) {
    for (const [name, job] of Object.entries(jobs)) {
      const result = await measure(job());
      results[name].push(result);
      log(`  ${name} run ${run}/${runs}: ${result.seconds.toFixed(2)} s, peak RSS ${result.peakRssMb.toFixed(0)} MB`);
    }
  }
  return results;
}

/** The newest checkpoint row of the flights shard under `stateDir`, or -1. */
function flightsCheckpointRow(stateDir: string): number {
  const runs = path.join(stateDir, "pipelines/flights-bench/runs");
  if (!existsSync(runs)) return -1;
  for (const runId of readdirSync(runs)) {
    const dir = path.join(runs, runId, "stages/flights/checkpoints/shard-1-of-1");
    if (!existsSync(dir)) continue;
    const names = readdirSync(dir).filter((n) => /^\d{9}\.json$/.test(n)).sort();
    for (const name of names.reverse()) {
      try {
        const sealed = JSON.parse(readFileSync(path.join(dir, name), "utf8"));
        return sealed.checkpoint.cursor?.row ?? 0;
      } catch {
        // Being written or pruned; try the previous one.
      }
    }
  }
  return -1;
}

/** sha256 of every part of the flights dataset under `stateDir`. */
function flightsParts(stateDir: string): string[] {
  const runs = path.join(stateDir, "pipelines/flights-bench/runs");
  const runId = readdirSync(runs)[0];
  const manifest = JSON.parse(readFileSync(path.join(runs, runId, "stages/flights/data/manifest.json"), "utf8"));
  return manifest.parts.map((part: { sha256: string }) => part.sha256);
}

/** Kills a 1-shard run at ~90% of `flights`, then times the resume. */
async function measureResume(totalRows: number): Promise<{ seconds: number; killedAtRow: number; identical: boolean }> {
  const full = freshDir("resume-full");
  await measure(bulkheadJob({ shards: 1, stateDir: full }));
  const stateDir = freshDir("resume");
  let killedAtRow = -1;
  await measure(bulkheadJob({ shards: 1, stateDir }), () => {
    const row = flightsCheckpointRow(stateDir);
    if (row < 0.9 * totalRows) return false;
    killedAtRow = row;
    return true;
  });
  if (killedAtRow < 0) throw new Error("bench: the run finished before it could be killed at 90%");
  const resumed = await measure(bulkheadJob({ shards: 1, stateDir, fresh: false }));
  const identical = JSON.stringify(flightsParts(full)) === JSON.stringify(flightsParts(stateDir));
  return { seconds: resumed.seconds, killedAtRow, identical };
}

/** The input repeated `times` times, written by DuckDB with the same row groups. */
async function makeRepeatedInput(times: number): Promise<string> {
  const file = path.join(work, `flights-x${times}.parquet`);
  const code = `
    import { DuckDBInstance } from "@duckdb/node-api";
    const db = await (await DuckDBInstance.create(":memory:")).connect();
    await db.run("COPY (SELECT f.* FROM range(${times}) r, read_parquet('${INPUT}') f ORDER BY r.range) TO '${file}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 272727)");
    db.closeSync();`;
  execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: ROOT, stdio: "inherit" });
  return file;
}

/** Records per second through the engine's validation with the flights schema. */
async function measureValidation(): Promise<number> {
  const { parquetReadObjects, asyncBufferFromFile } = await import("hyparquet");
  const { compressors } = await import("hyparquet-compressors");
  const { convertRow } = await import("../../src/io/parquet-values.js");
  const { isoTimeParsers } = await import("../../src/io/parquet-time.js");
  const { validateRecords } = await import("../../src/engine/records.js");
  const { flightSchema } = await import("./flights-schema.js");
  const file = await asyncBufferFromFile(INPUT);
  const records = await parquetReadObjects({ file, rowStart: 0, rowEnd: 200_000, compressors, parsers: isoTimeParsers() });
  for (const record of records) convertRow(record);
  const batches = [];
  for (let i = 0; i < records.length; i += 20_000) batches.push({ records: records.slice(i, i + 20_000), firstRow: i, cursor: { row: i } });
  let validated = 0;
  const started = performance.now();
  while (performance.now() - started < 2_000) {
    for (const batch of batches) validated += validateRecords(flightSchema, batch).valid.length;
  }
  return validated / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const cores = availableParallelism();
  if (flags.build) {
    log("building dist/ (npm run build)");
    execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "inherit" });
  }
  log(`bench: ${flags.runs} run(s) each, ${cores} cores, in ${work}`);

  const main = await compare(
    {
      script: () => scriptJob(),
      bulkhead: () => bulkheadJob({ shards: 1 }),
      bulkheadSharded: () => bulkheadJob({ shards: cores }),
      duckdb: () => duckdbJob(),
      bulkheadNoCheckpoints: () => bulkheadJob({ shards: 1, checkpointRows: "none" }),
    },
    flags.runs,
  );
  const seconds = (name: string) => median(main[name].map((m) => m.seconds));
  const peak = (name: string) => Math.max(...main[name].map((m) => m.peakRssMb));

  log("resume: kill -9 at ~90% of `flights`, then run again");
  const resume = await measureResume(3_000_000);

  let rssGrowth10x: number | null = null;
  let peakRss10xMb: number | null = null;
  if (flags.tenfold) {
    log("memory: the same job on the input repeated 10 times");
    const input = await makeRepeatedInput(10);
    const big = await measure(bulkheadJob({ shards: 1, input }));
    peakRss10xMb = big.peakRssMb;
    rssGrowth10x = big.peakRssMb / peak("bulkhead");
    log(`  bulkhead x10: ${big.seconds.toFixed(2)} s, peak RSS ${big.peakRssMb.toFixed(0)} MB`);
    rmSync(input, { force: true });
  }

  log("validation throughput");
  const validateRecordsPerSec = await measureValidation();

  const report = {
    cores,
    runs: flags.runs,
    scriptSeconds: round(seconds("script")),
    bulkheadSeconds: round(seconds("bulkhead")),
    bulkheadShardedSeconds: round(seconds("bulkheadSharded")),
    duckdbSeconds: round(seconds("duckdb")),
    bulkheadNoCheckpointsSeconds: round(seconds("bulkheadNoCheckpoints")),
    ratioVsScript: round(seconds("bulkhead") / seconds("script")),
    ratioShardedVsScript: round(seconds("bulkheadSharded") / seconds("script")),
    checkpointOverhead: round(seconds("bulkhead") / seconds("bulkheadNoCheckpoints") - 1),
    resumeSeconds: round(resume.seconds),
    resumeKilledAtRow: resume.killedAtRow,
    resumeOutputIdentical: resume.identical,
    resumeFraction: round(resume.seconds / seconds("bulkhead")),
    rssGrowth10x: rssGrowth10x === null ? null : round(rssGrowth10x),
    peakRss10xMb: peakRss10xMb === null ? null : Math.round(peakRss10xMb),
    peakRssMb: Math.round(peak("bulkhead")),
    peakRssShardedMb: Math.round(peak("bulkheadSharded")),
    peakRssScriptMb: Math.round(peak("script")),
    peakRssDuckdbMb: Math.round(peak("duckdb")),
    validateRecordsPerSec: Math.round(validateRecordsPerSec),
  };
  rmSync(work, { recursive: true, force: true });

  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const rows: Array<[string, number, number]> = [
    ["script (hand-written)", report.scriptSeconds, report.peakRssScriptMb],
    ["bulkhead, 1 shard", report.bulkheadSeconds, report.peakRssMb],
    [`bulkhead, ${cores} shards`, report.bulkheadShardedSeconds, report.peakRssShardedMb],
    ["bulkhead, 1 shard, no checkpoints", report.bulkheadNoCheckpointsSeconds, Math.round(peak("bulkheadNoCheckpoints"))],
    ["duckdb", report.duckdbSeconds, report.peakRssDuckdbMb],
  ];
  const lines = [
    `| how | median wall (s) | peak RSS of the tree (MB) |`,
    `| --- | ---: | ---: |`,
    ...rows.map(([name, s, mb]) => `| ${name} | ${s.toFixed(2)} | ${mb} |`),
    "",
    `ratio bulkhead / script: ${report.ratioVsScript} (1 shard), ${report.ratioShardedVsScript} (${cores} shards)`,
    `checkpoint overhead: ${(report.checkpointOverhead * 100).toFixed(1)}%`,
    `resume after kill -9 at row ${report.resumeKilledAtRow.toLocaleString("en-US")}: ${report.resumeSeconds} s = ${report.resumeFraction} of a full run; output identical: ${report.resumeOutputIdentical}`,
    `10x input: peak RSS ${report.peakRss10xMb ?? "-"} MB, growth ${report.rssGrowth10x ?? "-"}`,
    `validation: ${report.validateRecordsPerSec.toLocaleString("en-US")} records/s`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

await main();
