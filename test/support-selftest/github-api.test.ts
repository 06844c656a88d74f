// The real @octokit/rest 22 (with plugin-retry and plugin-throttling)
// against the REST emulator. Octokit reads no environment variables and takes
// its baseUrl as an option, so it runs in-process here.
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_BODY_CHARACTERS, startGitHubApi } from "../support/github-api.js";
import type { GitHubApi, StartGitHubApiOptions } from "../support/github-api.js";

const owner = "acme";
const repo = "pipelines";
let github: GitHubApi;

beforeEach(async () => {
  github = await startGitHubApi({ owner, repo, latencyMs: 5 });
});
afterEach(async () => {
  await github.stop();
});

/** Replaces the shared emulator with one started with other options. */
async function restartGitHub(options: Partial<StartGitHubApiOptions>) {
  await github.stop();
  github = await startGitHubApi({ owner, repo, ...options });
}

const ProductOctokit = Octokit.plugin(retry, throttling);

/** Configured like the product: retry + throttling, retrying limits up to twice. */
function makeProductOctokit(onSecondaryRateLimit = (_after: number, _o: unknown, _k: unknown, count: number) => count < 2) {
  return new ProductOctokit({
    auth: "test-token",
    baseUrl: github.url,
    throttle: { onRateLimit: (_after, _o, _k, count) => count < 2, onSecondaryRateLimit },
    retry: { retryAfterBaseValue: 10 }, // ms instead of seconds between 5xx retries
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
}

/**
 * Plain Octokit for tests that need many writes: plugin-throttling spaces
 * writes 1 s apart and issue/comment creation 3 s apart.
 */
function makePlainOctokit() {
  return new Octokit({ auth: "test-token", baseUrl: github.url, log: { debug() {}, info() {}, warn() {}, error() {} } });
}

describe("GitHub REST emulator with the real Octokit", () => {
  it("creates, lists, comments on and closes an issue with zero violations, one write at a time", async () => {
    const octokit = makeProductOctokit();

    const created = await octokit.rest.issues.create({
      owner,
      repo,
      title: "Pipeline flights failed at stage transform",
      body: "shard 2/4, row 180,214",
      labels: ["bulkhead", "bulkhead:failure"],
    });
    const listed = await octokit.rest.issues.listForRepo({ owner, repo, labels: "bulkhead:failure", state: "open" });
    await octokit.rest.issues.createComment({ owner, repo, issue_number: created.data.number, body: "Failed again" });
    const comments = await octokit.rest.issues.listComments({ owner, repo, issue_number: created.data.number });
    await octokit.rest.issues.update({
      owner,
      repo,
      issue_number: created.data.number,
      state: "closed",
      state_reason: "completed",
    });
    const closed = await octokit.rest.issues.get({ owner, repo, issue_number: created.data.number });

    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`${github.url}/repos/${owner}/${repo}/issues/1`);
    expect(listed.data.map((i) => i.number)).toEqual([1]);
    expect(comments.data.map((c) => c.body)).toEqual(["Failed again"]);
    expect(closed.data).toMatchObject({
      state: "closed",
      state_reason: "completed",
      comments: 1,
      labels: [{ name: "bulkhead" }, { name: "bulkhead:failure" }],
      user: { login: "github-actions[bot]", type: "Bot" },
      closed_by: { login: "github-actions[bot]" },
    });
    expect(closed.data.closed_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(github.violations).toEqual([]);
    expect(github.maxConcurrentWrites).toBe(1);
  });

  it("records a request that breaks the OpenAPI description and answers it 422", async () => {
    const octokit = makePlainOctokit();

    // A plain string route opts out of Octokit's types, as a buggy caller might.
    const route: string = "POST /repos/{owner}/{repo}/issues";
    const failure = octokit.request(route, { owner, repo, body: "no title", priority: 1 });

    await expect(failure).rejects.toMatchObject({ status: 422 });
    expect(github.violations).toEqual([
      {
        kind: "request",
        method: "POST",
        path: `/repos/${owner}/${repo}/issues`,
        operationId: "issues/create",
        problems: ["body.title is required", "body.priority is not a documented field"],
      },
    ]);
    expect(github.issues()).toEqual([]);
  });

  it("retries a secondary rate limit and creates the issue exactly once", async () => {
    const waits: number[] = [];
    const octokit = makeProductOctokit((after, _o, _k, count) => {
      waits.push(after);
      return count < 2;
    });
    github.injectSecondaryRateLimit({ onWrite: 1, retryAfterSeconds: 1 });

    await octokit.rest.issues.create({ owner, repo, title: "Stage failed" });

    expect(waits).toEqual([1]);
    expect(github.requests.map((r) => [r.method, r.status, r.injected])).toEqual([
      ["POST", 403, true],
      ["POST", 201, false],
    ]);
    expect(github.issues().map((i) => i.title)).toEqual(["Stage failed"]);
    expect(github.violations).toEqual([]);
  });

  it("retries a 502 through plugin-retry", async () => {
    const octokit = makeProductOctokit();
    github.injectServerError({ status: 502, times: 2 });

    const { data } = await octokit.rest.issues.listForRepo({ owner, repo });

    expect(data).toEqual([]);
    expect(github.requests.map((r) => r.status)).toEqual([502, 502, 200]);
  });

  it("answers an issue body or comment over 65,536 characters 422 like GitHub", async () => {
    const octokit = makePlainOctokit();
    const tooLong = "x".repeat(MAX_BODY_CHARACTERS + 1);

    const failure = octokit.rest.issues.create({ owner, repo, title: "t", body: tooLong });

    await expect(failure).rejects.toMatchObject({
      status: 422,
      response: {
        data: {
          message: "Validation Failed",
          errors: [{ resource: "Issue", code: "custom", field: "body", message: "body is too long (maximum is 65536 characters)" }],
        },
      },
    });
    await octokit.rest.issues.create({ owner, repo, title: "t", body: "x".repeat(MAX_BODY_CHARACTERS) });
    await expect(octokit.rest.issues.createComment({ owner, repo, issue_number: 1, body: tooLong })).rejects.toMatchObject({
      status: 422,
      response: { data: { errors: [{ resource: "IssueComment", message: "body is too long (maximum is 65536 characters)" }] } },
    });
    expect(github.violations).toEqual([]);
  });

  it("filters by label, state and creator and paginates with Link headers", async () => {
    await restartGitHub({ users: { "token-a": "alice", "token-b": "bob" } });
    const a = new Octokit({ auth: "token-a", baseUrl: github.url });
    const b = new Octokit({ auth: "token-b", baseUrl: github.url });

    for (const n of [1, 2, 3]) await a.rest.issues.create({ owner, repo, title: `alice ${n}`, labels: ["bulkhead"] });
    await b.rest.issues.create({ owner, repo, title: "bob 1", labels: ["bulkhead"] });
    await a.rest.issues.create({ owner, repo, title: "unlabelled" });
    await a.rest.issues.update({ owner, repo, issue_number: 2, state: "closed", state_reason: "not_planned" });

    const all = await a.paginate(a.rest.issues.listForRepo, { owner, repo, labels: "bulkhead", state: "all", per_page: 2 });
    const open = await a.rest.issues.listForRepo({ owner, repo, labels: "bulkhead", creator: "alice", sort: "created", direction: "asc" });
    const firstPage = await a.rest.issues.listForRepo({ owner, repo, state: "all", per_page: 2 });

    expect(all.map((i) => i.title)).toEqual(["bob 1", "alice 3", "alice 2", "alice 1"]);
    expect(open.data.map((i) => i.title)).toEqual(["alice 1", "alice 3"]);
    expect(firstPage.headers.link).toBe(
      `<${github.url}/repos/${owner}/${repo}/issues?state=all&per_page=2&page=2>; rel="next", <${github.url}/repos/${owner}/${repo}/issues?state=all&per_page=2&page=3>; rel="last"`,
    );
    expect(github.violations).toEqual([]);
  });

  it("creates and reads labels, refusing a duplicate name 422 already_exists", async () => {
    const octokit = makePlainOctokit();

    await octokit.rest.issues.createLabel({ owner, repo, name: "bulkhead:failure", color: "d73a4a", description: "Pipeline failed" });
    const { data } = await octokit.rest.issues.getLabel({ owner, repo, name: "bulkhead:failure" });
    const duplicate = octokit.rest.issues.createLabel({ owner, repo, name: "Bulkhead:Failure" });
    const missing = octokit.rest.issues.getLabel({ owner, repo, name: "nope" });

    expect(data).toMatchObject({ name: "bulkhead:failure", color: "d73a4a", description: "Pipeline failed", default: false });
    await expect(duplicate).rejects.toMatchObject({
      status: 422,
      response: { data: { errors: [{ resource: "Label", code: "already_exists", field: "name" }] } },
    });
    await expect(missing).rejects.toMatchObject({ status: 404 });
    expect(github.violations).toEqual([]);
  });

  it("flags unknown routes, undocumented query parameters, unemulated operations and unauthenticated calls", async () => {
    const octokit = makePlainOctokit();

    await expect(octokit.request("GET /repos/{owner}/{repo}/failure-issues", { owner, repo })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.request("GET /repos/{owner}/{repo}/issues", { owner, repo, label: "typo" })).rejects.toMatchObject({ status: 422 });
    await expect(octokit.rest.issues.lock({ owner, repo, issue_number: 1 })).rejects.toMatchObject({ status: 404 });
    await octokit.rest.issues.listForRepo({ owner, repo, assignee: "none" });
    const anonymous = new Octokit({ baseUrl: github.url });
    await expect(anonymous.rest.issues.get({ owner, repo, issue_number: 1 })).rejects.toMatchObject({ status: 401 });

    expect(github.violations.map((v) => [v.kind, v.problems])).toEqual([
      ["unknown-route", [`GET /repos/${owner}/${repo}/failure-issues is not an operation in GitHub's OpenAPI description`]],
      ["request", ["query parameter label is not documented"]],
      ["not-emulated", ["issues/lock is a real GitHub operation that this emulator does not implement"]],
      ["not-emulated", ["query parameter assignee is accepted by GitHub but ignored by this emulator"]],
      ["unauthenticated", ["no Authorization header; GitHub requires a token for this repository"]],
    ]);
  });

  it("counts overlapping writes when the caller does not serialise them", async () => {
    await restartGitHub({ latencyMs: 100 });
    const fast = makePlainOctokit();

    await Promise.all([1, 2, 3].map((n) => fast.rest.issues.create({ owner, repo, title: `t${n}` })));

    expect(github.maxConcurrentWrites).toBe(3);
    expect(github.inFlightWrites).toBe(0);
  });
});
