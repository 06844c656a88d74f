// The real @actions/artifact 6.2.1 DefaultArtifactClient against the results
// emulator and Azurite, in child processes (see run-scenario.ts for why).
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzurite } from "../support/azurite.js";
import type { AzuriteHandle } from "../support/azurite.js";
import { startResultsService } from "../support/results-service.js";
import type { EnvOptions, ResultsService } from "../support/results-service.js";
import { runScenario } from "../support/run-scenario.js";
import type { ArtifactStep, ArtifactStepResult } from "./scenarios/artifact-steps.js";

const ARTIFACT_STEPS = fileURLToPath(new URL("./scenarios/artifact-steps.ts", import.meta.url));

let azurite: AzuriteHandle;
let results: ResultsService;
let workspace: string;

beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite.stop();
});
beforeEach(async () => {
  results = await startResultsService({ azurite, runBackendId: "run-1", jobBackendId: "job-1" });
  workspace = await mkdtemp(join(tmpdir(), "bulkhead-artifact-selftest-"));
});
afterEach(async () => {
  await results.stop();
  await rm(workspace, { recursive: true, force: true });
});

async function runArtifactSteps(steps: ArtifactStep[], env: EnvOptions = {}) {
  const run = await runScenario<ArtifactStepResult[]>(ARTIFACT_STEPS, {
    env: results.env({ workspace, ...env }),
    input: steps,
  });
  return run.result;
}

/** Random, incompressible bytes as base64 (the scenario's file format). */
function randomFile(size: number): string {
  return randomBytes(size).toString("base64");
}

describe("@actions/artifact against the results emulator", () => {
  it("uploads three artifacts and downloads one by id with identical bytes", async () => {
    const shard1 = { "part-0001.bin": randomFile(70_000), "meta/stats.json": randomFile(300) };
    const into = join(workspace, "download");

    const [a, b, c, list, download] = await runArtifactSteps([
      { op: "upload", name: "stage-data-1", files: shard1 },
      { op: "upload", name: "stage-data-2", files: { "part-0002.bin": randomFile(1_000) } },
      { op: "upload", name: "report", files: { "report.md": randomFile(50) } },
      { op: "list" },
      { op: "download", id: 1001, into },
    ]);

    expect([a, b, c].map((r) => ("id" in r ? r.id : r))).toEqual([1001, 1002, 1003]);
    expect(list).toEqual({
      op: "list",
      artifacts: results.artifacts().map((x) => ({ id: x.id, name: x.name, size: x.size })),
    });
    expect(download).toEqual({ op: "download", files: shard1 });
    const stored = results.artifacts()[0];
    expect(stored.digest).toBe(`sha256:${(a as { digest: string }).digest}`);
  });

  it("refuses a second artifact with the same name in the run with 409", async () => {
    const [first, second] = await runArtifactSteps([
      { op: "upload", name: "report", files: { "r.txt": randomFile(10) } },
      { op: "upload", name: "report", files: { "r.txt": randomFile(10) } },
    ]);

    expect(first).toMatchObject({ op: "upload", id: 1001 });
    expect(second).toEqual({
      op: "upload",
      error:
        "Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run",
    });
    expect(results.artifacts().map((x) => x.name)).toEqual(["report"]);
  });

  it("lets another job of the same run download and delete what the first job uploaded", async () => {
    const files = { "data.bin": randomFile(2_000) };
    await runArtifactSteps([{ op: "upload", name: "stage-data", files }]);

    const secondJob = await runArtifactSteps(
      [{ op: "download", id: 1001, into: join(workspace, "job2") }, { op: "delete", name: "stage-data" }, { op: "list" }],
      { jobBackendId: "job-2" },
    );

    expect(secondJob).toEqual([
      { op: "download", files },
      { op: "delete", id: 1001 },
      { op: "list", artifacts: [] },
    ]);
    // The second job sent the uploader's job id, as GitHub's client does.
    const signed = results.calls.find((c) => c.method === "GetSignedArtifactURL");
    expect(signed?.request).toMatchObject({ workflow_job_run_backend_id: "job-1" });
  });
});
