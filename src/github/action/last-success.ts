// The counts of the pipeline's last successful run, kept in the Actions
// cache under a per-pipeline prefix so relative row-count checks work
// across scheduled runs (each a new workflow run with a fresh runner).
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import * as cache from "@actions/cache";
import { z } from "zod";
import type { Logger } from "../../pipeline/types.js";
import type { StageCounts } from "../../validate/types.js";

const lastSuccessSchema = z.object({
  runId: z.string(),
  finishedAt: z.string(),
  stages: z.record(z.string(), z.object({ rowsIn: z.int(), rowsOut: z.int(), rowsInvalid: z.int() })),
});
export type LastSuccess = z.infer<typeof lastSuccessSchema>;

const prefixOf = (pipeline: string) => `bulkhead-last-success-${pipeline}-`;
const stagingDir = (pipeline: string) => path.join(".bulkhead-cache", "last-success", pipeline);

/** The last successful run's counts, or null (first run, or evicted). */
export async function restoreLastSuccess(pipeline: string, workspace: string, logger: Logger): Promise<LastSuccess | null> {
  const dir = stagingDir(pipeline);
  await rm(path.join(workspace, dir), { recursive: true, force: true });
  try {
    const matched = await cache.restoreCache([dir], prefixOf(pipeline), [prefixOf(pipeline)]);
    if (!matched) return null;
    return lastSuccessSchema.parse(JSON.parse(await readFile(path.join(workspace, dir, "last-success.json"), "utf8")));
  } catch (error) {
    logger.warn(`last successful run's counts could not be read from the Actions cache: ${(error as Error).message}; relative row-count checks compare with nothing`);
    return null;
  }
}

/** Saves this run's counts as the last success (a new key each time). */
export async function saveLastSuccess(
  pipeline: string,
  runId: string,
  attempt: number,
  stages: Record<string, StageCounts>,
  workspace: string,
  logger: Logger,
): Promise<void> {
  const dir = stagingDir(pipeline);
  await rm(path.join(workspace, dir), { recursive: true, force: true });
  await mkdir(path.join(workspace, dir), { recursive: true });
  const record: LastSuccess = { runId, finishedAt: new Date().toISOString(), stages };
  await writeFile(path.join(workspace, dir, "last-success.json"), JSON.stringify(record));
  const key = `${prefixOf(pipeline)}${runId}-a${attempt}-${Date.now()}`;
  try {
    const id = await cache.saveCache([dir], key);
    if (id === -1) throw new Error("the cache refused the entry");
  } catch (error) {
    logger.warn(`last successful run's counts NOT saved to the Actions cache (${key}): ${(error as Error).message}`);
  }
}
