// The results emulator's own contract, checked with plain HTTP: routing,
// authentication, request validation and fault injection.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzurite } from "../support/azurite.js";
import type { AzuriteHandle } from "../support/azurite.js";
import { CACHE_READ, startResultsService } from "../support/results-service.js";
import type { ResultsService } from "../support/results-service.js";

let azurite: AzuriteHandle;
let results: ResultsService;

beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite.stop();
});
beforeEach(async () => {
  results = await startResultsService({ azurite, runBackendId: "run-1", jobBackendId: "job-1" });
});
afterEach(async () => {
  await results.stop();
});

async function twirp(
  method: string,
  body: unknown,
  /** null sends no Authorization header. */
  token: string | null = results.makeToken(),
): Promise<{ status: number; body: unknown }> {
  const service = /Artifact/.test(method) ? "ArtifactService" : "CacheService";
  const response = await fetch(`${results.url}/twirp/github.actions.results.api.v1.${service}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const VERSION = "e0ef5a2bd869fd9c";
const ids = { workflow_run_backend_id: "run-1", workflow_job_run_backend_id: "job-1" };

describe("results service routing and validation", () => {
  it("answers an unknown method with Twirp 404 bad_route", async () => {
    expect(await twirp("DeleteCacheEntry", { key: "k", version: VERSION })).toEqual({
      status: 404,
      body: {
        code: "bad_route",
        msg: "no handler for path /twirp/github.actions.results.api.v1.CacheService/DeleteCacheEntry",
      },
    });
  });

  it("answers a call without a bearer token with 401 unauthenticated", async () => {
    expect(await twirp("CreateCacheEntry", { key: "k", version: VERSION }, null)).toEqual({
      status: 401,
      body: { code: "unauthenticated", msg: "missing `Authorization: Bearer <ACTIONS_RUNTIME_TOKEN>` header" },
    });
  });

  it("answers a token without an Actions.Results scope with 401 and the reason", async () => {
    const token = `${Buffer.from("{}").toString("base64url")}.${Buffer.from(JSON.stringify({ scp: "Actions.Other" })).toString("base64url")}.`;
    expect(await twirp("ListArtifacts", ids, token)).toEqual({
      status: 401,
      body: {
        code: "unauthenticated",
        msg: "invalid runtime token: JWT `scp` has no entry Actions.Results:<runBackendId>:<jobBackendId>",
      },
    });
  });

  it("names every malformed field: int64 as a number, camelCase names, missing fields", async () => {
    expect(await twirp("FinalizeCacheEntryUpload", { key: "k", version: VERSION, size_bytes: 12 })).toEqual({
      status: 400,
      body: {
        code: "invalid_argument",
        msg: "FinalizeCacheEntryUpload: field `size_bytes` must be an int64 as a decimal string, got number 12",
      },
    });
    expect(await twirp("GetCacheEntryDownloadURL", { key: "k", version: VERSION, restoreKeys: ["a"] })).toEqual({
      status: 400,
      body: {
        code: "invalid_argument",
        msg: "GetCacheEntryDownloadURL: field `restoreKeys` must use its proto name `restore_keys`",
      },
    });
    expect(await twirp("CreateArtifact", { ...ids, version: 7 })).toEqual({
      status: 400,
      body: { code: "invalid_argument", msg: "CreateArtifact: field `name` is required" },
    });
  });

  it("authorises artifact calls by run id only, whatever the job id", async () => {
    expect(await twirp("ListArtifacts", { ...ids, workflow_job_run_backend_id: "another-job" })).toEqual({
      status: 200,
      body: { artifacts: [] },
    });
    expect(await twirp("ListArtifacts", { ...ids, workflow_run_backend_id: "run-2" })).toEqual({
      status: 403,
      body: {
        code: "permission_denied",
        msg: "the runtime token is for workflow run run-1, but the request names run run-2",
      },
    });
  });

  it("denies cache reads and writes the token's `ac` claim does not grant", async () => {
    const readOnly = results.makeToken({ cacheScopes: [{ scope: "refs/heads/main", permission: CACHE_READ }] });
    expect(await twirp("CreateCacheEntry", { key: "k", version: VERSION }, readOnly)).toEqual({
      status: 200,
      body: { ok: false, message: "cache write denied: the token grants no writable cache scope" },
    });
    const noScopes = results.makeToken({ cacheScopes: [] });
    expect(await twirp("GetCacheEntryDownloadURL", { key: "k", version: VERSION }, noScopes)).toEqual({
      status: 403,
      body: { code: "permission_denied", msg: "cache read denied: the token grants no readable cache scope" },
    });
  });

  it("blocks a reserved key until it is finalized (409 already_exists)", async () => {
    const first = await twirp("CreateCacheEntry", { key: "k", version: VERSION });
    expect(first.status).toBe(200);
    expect(await twirp("CreateCacheEntry", { key: "k", version: VERSION })).toEqual({
      status: 409,
      body: { code: "already_exists", msg: "cache entry with the same key, version, and scope already exists" },
    });
    const [entry] = results.caches();
    expect(entry).toMatchObject({ key: "k", version: VERSION, scope: "refs/heads/main" });
    expect(entry.finalizedAt).toBeUndefined();
  });

  it("answers an injected fault the given number of times, then serves normally", async () => {
    results.injectFault("ListArtifacts", { kind: "twirp-error", code: "unavailable", msg: "try later" });
    results.injectFault("CreateCacheEntry", { kind: "not-ok", message: "cache write denied: forks may not write" });

    expect(await twirp("ListArtifacts", ids)).toEqual({ status: 503, body: { code: "unavailable", msg: "try later" } });
    expect(await twirp("ListArtifacts", ids)).toEqual({ status: 200, body: { artifacts: [] } });
    expect(await twirp("CreateCacheEntry", { key: "k", version: VERSION })).toEqual({
      status: 200,
      body: { ok: false, message: "cache write denied: forks may not write" },
    });
    expect(results.calls.map((c) => [c.method, c.status, c.injected])).toEqual([
      ["ListArtifacts", 503, true],
      ["ListArtifacts", 200, false],
      ["CreateCacheEntry", 200, true],
    ]);
  });

  it("gives the libraries an environment that points only at loopback", () => {
    const env = results.env({ workspace: "/tmp/ws" });
    expect(env).toMatchObject({
      ACTIONS_RESULTS_URL: `${results.url}/`,
      ACTIONS_CACHE_SERVICE_V2: "1",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_WORKSPACE: "/tmp/ws",
      NO_PROXY: "127.0.0.1,localhost",
    });
    const claims = JSON.parse(Buffer.from(env.ACTIONS_RUNTIME_TOKEN.split(".")[1], "base64url").toString());
    expect(claims.scp).toContain("Actions.Results:run-1:job-1");
    expect(JSON.parse(claims.ac)).toEqual([{ Scope: "refs/heads/main", Permission: 3 }]);
    for (const [name, value] of Object.entries(env)) {
      if (/^https?:\/\//.test(value) && name !== "GITHUB_SERVER_URL") expect(value).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    }
  });
});
