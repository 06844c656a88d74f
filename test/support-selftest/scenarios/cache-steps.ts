// Child process: drives the real @actions/cache (v2) through a list of steps
// inside GITHUB_WORKSPACE and reports what each returned.
import * as cache from "@actions/cache";
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runAsScenario } from "../../support/scenario-main.js";

export type CacheStep =
  | { op: "save"; key: string; files: Record<string, string> }
  | { op: "restore"; key: string; restoreKeys?: string[] };

export type CacheStepResult =
  | { op: "save"; cacheId: number }
  | { op: "restore"; matchedKey: string | undefined; files: Record<string, string> };

/** The cached folder, relative: globbed against cwd, tarred from the workspace. */
const CACHED_DIR = "ckpt";

runAsScenario(async (steps: CacheStep[]) => {
  const workspace = process.env.GITHUB_WORKSPACE as string;
  process.chdir(workspace); // globbing uses cwd, tar uses the workspace (snag 5)
  const results: CacheStepResult[] = [];
  for (const step of steps) results.push(await runStep(step, workspace));
  return results;
});

async function runStep(step: CacheStep, workspace: string): Promise<CacheStepResult> {
  const dir = join(workspace, CACHED_DIR);
  await rm(dir, { recursive: true, force: true });
  if (step.op === "save") {
    await mkdir(dir, { recursive: true });
    for (const [name, text] of Object.entries(step.files)) await writeFile(join(dir, name), text);
    return { op: "save", cacheId: await cache.saveCache([CACHED_DIR], step.key) };
  }
  const matchedKey = await cache.restoreCache([CACHED_DIR], step.key, step.restoreKeys);
  return { op: "restore", matchedKey, files: await readFiles(dir) };
}

async function readFiles(dir: string): Promise<Record<string, string>> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const files: Record<string, string> = {};
  for (const name of names.sort()) files[name] = await readFile(join(dir, name), "utf8");
  return files;
}
