// The real @actions/cache 6.3.0 (Twirp v2) against the results emulator and
// Azurite. Each scenario runs in a child process: see run-scenario.ts for why.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzurite } from "../support/azurite.js";
import type { AzuriteHandle } from "../support/azurite.js";
import { CACHE_READ, CACHE_WRITE, startResultsService } from "../support/results-service.js";
import type { EnvOptions, ResultsService } from "../support/results-service.js";
import { runScenario } from "../support/run-scenario.js";
import type { CacheStep, CacheStepResult } from "./scenarios/cache-steps.js";

const CACHE_STEPS = fileURLToPath(new URL("./scenarios/cache-steps.ts", import.meta.url));

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
  results = await startResultsService({ azurite });
  workspace = await mkdtemp(join(tmpdir(), "bulkhead-cache-selftest-"));
});
afterEach(async () => {
  await results.stop();
  await rm(workspace, { recursive: true, force: true });
});

async function runCacheSteps(steps: CacheStep[], env: EnvOptions = {}) {
  return runScenario<CacheStepResult[]>(CACHE_STEPS, {
    env: results.env({ workspace, runnerTemp: join(workspace, ".runner-temp"), ...env }),
    input: steps,
  });
}

describe("@actions/cache against the results emulator", () => {
  it("restores the newest entry under a shared restore-key prefix, and exact keys exactly", async () => {
    const { result } = await runCacheSteps([
      { op: "save", key: "ckpt-stage1-a", files: { "cursor.json": '{"row":10}' } },
      { op: "save", key: "ckpt-stage1-b", files: { "cursor.json": '{"row":20}' } },
      { op: "restore", key: "ckpt-stage1-zzz", restoreKeys: ["ckpt-stage1-"] },
      { op: "restore", key: "ckpt-stage1-a" },
      { op: "restore", key: "other-key" },
    ]);

    expect(result).toEqual([
      { op: "save", cacheId: 1001 },
      { op: "save", cacheId: 1002 },
      { op: "restore", matchedKey: "ckpt-stage1-b", files: { "cursor.json": '{"row":20}' } },
      { op: "restore", matchedKey: "ckpt-stage1-a", files: { "cursor.json": '{"row":10}' } },
      { op: "restore", matchedKey: undefined, files: {} },
    ]);
    expect(results.caches().map((e) => [e.key, e.scope, e.sizeBytes! > 0])).toEqual([
      ["ckpt-stage1-a", "refs/heads/main", true],
      ["ckpt-stage1-b", "refs/heads/main", true],
    ]);
  });

  it("returns -1 without throwing when the key already exists, after the service answered 409", async () => {
    const { result, stdout } = await runCacheSteps([
      { op: "save", key: "ckpt-1", files: { "a.txt": "first" } },
      { op: "save", key: "ckpt-1", files: { "a.txt": "second" } },
      { op: "restore", key: "ckpt-1" },
    ]);

    expect(result).toEqual([
      { op: "save", cacheId: 1001 },
      { op: "save", cacheId: -1 },
      { op: "restore", matchedKey: "ckpt-1", files: { "a.txt": "first" } },
    ]);
    expect(results.calls.filter((c) => c.method === "CreateCacheEntry").map((c) => [c.status, c.response])).toEqual([
      [200, expect.objectContaining({ ok: true })],
      [409, { code: "already_exists", msg: "cache entry with the same key, version, and scope already exists" }],
    ]);
    expect(stdout).toContain(
      "Failed to save: Unable to reserve cache with key ckpt-1, another job may be creating this cache.",
    );
  });

  it("reports an injected 'cache write denied:' as a warning and returns -1", async () => {
    results.injectFault("CreateCacheEntry", { kind: "not-ok", message: "cache write denied: forks may not write" });

    const { result, stdout } = await runCacheSteps([{ op: "save", key: "ckpt-1", files: { "a.txt": "x" } }]);

    expect(result).toEqual([{ op: "save", cacheId: -1 }]);
    expect(stdout).toContain(
      "::warning::Failed to save: Unable to reserve cache with key ckpt-1. More details: cache write denied: forks may not write",
    );
    expect(results.caches()).toEqual([]);
  });

  it("writes to the branch's own scope and falls back to reading the default branch", async () => {
    await runCacheSteps([{ op: "save", key: "ckpt-main", files: { "a.txt": "from main" } }]);
    const feature = {
      cacheScopes: [
        { scope: "refs/heads/feature", permission: CACHE_READ | CACHE_WRITE },
        { scope: "refs/heads/main", permission: CACHE_READ },
      ],
    };

    const { result } = await runCacheSteps(
      [
        { op: "restore", key: "ckpt-feature", restoreKeys: ["ckpt-"] },
        { op: "save", key: "ckpt-feature", files: { "a.txt": "from feature" } },
        { op: "restore", key: "ckpt-x", restoreKeys: ["ckpt-"] },
      ],
      feature,
    );

    expect(result).toEqual([
      { op: "restore", matchedKey: "ckpt-main", files: { "a.txt": "from main" } },
      { op: "save", cacheId: 1002 },
      { op: "restore", matchedKey: "ckpt-feature", files: { "a.txt": "from feature" } },
    ]);
    expect(results.caches().map((e) => [e.key, e.scope])).toEqual([
      ["ckpt-main", "refs/heads/main"],
      ["ckpt-feature", "refs/heads/feature"],
    ]);
  });
});
