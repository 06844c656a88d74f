// reportRunToIssue against the GitHub REST emulator: every request must
// match GitHub's OpenAPI description (the emulator's `violations` stay empty
// after every scenario), and the issues it leaves behind are checked in the
// emulator's state, not in what the code under test says it did.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeRedactor, type Redactor } from "../../src/alert/redact.js";
import type { AlertEvent } from "../../src/alert/types.js";
import {
  FailureIssueError,
  reportRunToIssue,
  type ReportRunOptions,
} from "../../src/github/failure-issue.js";
import { makeOctokit, type GitHubClient, type RateLimitKind } from "../../src/github/octokit.js";
import type { Logger } from "../../src/pipeline/types.js";
import type { CheckResult } from "../../src/validate/types.js";
import { MAX_BODY_CHARACTERS, startGitHubApi, type GitHubApi } from "../support/github-api.js";

const owner = "acme";
const repo = "data";
const TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
const MARKER = "<!-- bulkhead:pipeline=flight-delays -->";
const REPORT_URL = "https://github.com/acme/data/actions/runs/101/artifacts/7";

let github: GitHubApi;
let logs: string[];
let waits: { seconds: number; kind: RateLimitKind }[];

beforeEach(async () => {
  // 5 ms per answer, so writes that overlap show up in maxConcurrentWrites.
  github = await startGitHubApi({ owner, repo, latencyMs: 5 });
  logs = [];
  waits = [];
});

afterEach(async () => {
  expect(github.violations).toEqual([]);
  await github.stop();
});

const logger: Logger = {
  debug: (message) => logs.push(`debug ${message}`),
  info: (message) => logs.push(`info ${message}`),
  warn: (message) => logs.push(`warn ${message}`),
  error: (message) => logs.push(`error ${message}`),
};

/** The product's client pointed at the emulator, with waits shrunk 1,000×. */
function client(): GitHubClient {
  return makeOctokit({
    token: TOKEN,
    baseUrl: github.url,
    logger,
    onWait: (seconds, kind) => waits.push({ seconds, kind }),
    msPerWaitSecond: 1,
    minWriteIntervalMs: 0,
  });
}

const redact: Redactor = makeRedactor([TOKEN]);

function runUrl(run: number): string {
  return `https://github.com/acme/data/actions/runs/${run}`;
}

function failure(run: number, overrides: Partial<AlertEvent> = {}): AlertEvent {
  return {
    kind: "failure",
    pipeline: "flight-delays",
    runId: String(run),
    stage: "enrich",
    shard: "2/4",
    attempt: 1,
    error: "TypeError: cannot read properties of undefined (reading 'carrier')\n    at enrich (pipelines/flight-delays.ts:88:5)",
    checkpoint: { row: 1_200_000, cursor: { row: 1_200_000 }, savedAt: "2026-12-04T10:00:00Z" },
    runUrl: runUrl(run),
    nextStep: "Re-run failed jobs",
    at: "2026-12-04T10:05:00Z",
    ...overrides,
  };
}

function recovered(run: number): AlertEvent {
  return { kind: "recovered", pipeline: "flight-delays", runId: String(run), runUrl: runUrl(run), nextStep: "", at: "2026-12-05T10:00:00Z" };
}

function report(octokit: GitHubClient, run: number, events: AlertEvent[]): ReturnType<typeof reportRunToIssue> {
  const options: ReportRunOptions = {
    octokit,
    owner,
    repo,
    pipeline: "flight-delays",
    events,
    runUrl: runUrl(run),
    reportUrl: REPORT_URL,
    pipelineFile: "pipelines/flight-delays.ts",
    redact,
    logger,
  };
  return reportRunToIssue(options);
}

/** `count` failed shards of one run, each with a 3,500-character error of emoji and CJK text. */
function shardFailures(count: number): AlertEvent[] {
  const words = "失败 🚀 データ 💥 ошибка ";
  return Array.from({ length: count }, (_, i) =>
    failure(301, { shard: `${i + 1}/${count}`, error: fitTo(`Error in shard ${i + 1}: ${words.repeat(200)}`, 3_500) }),
  );
}

/** `text` cut or padded with "." to exactly `length` code units, never splitting an emoji. */
function fitTo(text: string, length: number): string {
  let fitted = "";
  for (const char of text) {
    if (fitted.length + char.length > length) break;
    fitted += char;
  }
  return fitted.padEnd(length, ".");
}

/** Issue body and comments, in order, as GitHub stores them. */
function texts(issueNumber: number): string[] {
  const issue = github.issues().find((i) => i.number === issueNumber);
  const comments = github.comments().filter((c) => c.issueNumber === issueNumber);
  return [issue?.body ?? "", ...comments.map((c) => c.body)];
}

/** "/repos/{owner}/{repo}/issues", as a route or expanded with a query (pagination). */
function isIssueList(url: string): boolean {
  return url === "/repos/{owner}/{repo}/issues" || /\/repos\/[^/]+\/[^/]+\/issues(\?|$)/.test(url);
}

function openIssues() {
  return github.issues().filter((issue) => issue.state === "open");
}

function writes() {
  return github.requests.filter((r) => r.method !== "GET");
}

describe("reportRunToIssue: failures", () => {
  it("opens one labelled issue with the marker, stage, shard, checkpoint, links and next steps", async () => {
    const result = await report(client(), 101, [failure(101)]);

    expect(result).toEqual({ issueNumber: 1, action: "created", duplicatesClosed: [] });
    const [issue] = github.issues();
    expect(github.issues()).toHaveLength(1);
    expect(issue.title).toBe("Bulkhead: pipeline flight-delays is failing");
    expect(issue.labels).toEqual(["bulkhead-failure"]);
    expect(issue.state).toBe("open");
    const body = issue.body ?? "";
    expect(body.split("\n")[0]).toBe(MARKER);
    expect(body).toContain("## ❌ flight-delays failed in run 101\n1 shard failed · [run 101](https://github.com/acme/data/actions/runs/101) · [full report](https://github.com/acme/data/actions/runs/101/artifacts/7)");
    expect(body).toContain("### ❌ flight-delays: stage enrich shard 2/4 failed (attempt 1)\nStage: enrich · Shard: 2/4 · Attempt: 1 · Run: 101 · Checkpoint: row 1,200,000 · Time: 2026-12-04T10:05:00Z\nlast checkpoint: row 1,200,000, saved 2026-12-04T10:00:00Z");
    expect(body).toContain("```text\nTypeError: cannot read properties of undefined (reading 'carrier')\n    at enrich (pipelines/flight-delays.ts:88:5)\n```");
    expect(body).toContain("open the [run page](https://github.com/acme/data/actions/runs/101) and choose **Re-run failed jobs**");
    expect(body).toContain("- Or run it locally: `npx bulkhead run pipelines/flight-delays.ts`");
    expect(github.labels().map((l) => l.name)).toEqual(["bulkhead-failure"]);
    expect(logs).toContain("info pipeline flight-delays: opened failure issue #1 for run 101 (1 shard failed)");
  });

  it("comments on the open issue for a second failing run and opens no second issue", async () => {
    const octokit = client();
    await report(octokit, 101, [failure(101)]);
    const result = await report(octokit, 102, [failure(102, { shard: "3/4", error: "Error: disk full" })]);

    expect(result).toEqual({ issueNumber: 1, action: "commented", duplicatesClosed: [] });
    expect(github.issues()).toHaveLength(1);
    const comments = github.comments();
    expect(comments).toHaveLength(1);
    expect(comments[0].issueNumber).toBe(1);
    expect(comments[0].body).toContain("## ❌ flight-delays failed in run 102");
    expect(comments[0].body).toContain("stage enrich shard 3/4 failed");
    expect(comments[0].body).toContain("Error: disk full");
    expect(comments[0].body).not.toContain(MARKER);
  });

  it("lists both shards of one run in the body of one issue", async () => {
    await report(client(), 101, [
      failure(101, { shard: "1/4", checkpoint: { row: 5_000, cursor: null, savedAt: "2026-12-04T09:58:00Z" } }),
      failure(101, { shard: "3/4", checkpoint: null }),
    ]);

    expect(github.issues()).toHaveLength(1);
    const body = github.issues()[0].body ?? "";
    expect(body).toContain("2 shards failed");
    expect(body).toContain("stage enrich shard 1/4 failed");
    expect(body).toContain("last checkpoint: row 5,000, saved 2026-12-04T09:58:00Z");
    expect(body).toContain("stage enrich shard 3/4 failed");
    expect(body).toContain("no checkpoint yet: the shard restarts from row 0");
    expect(github.comments()).toEqual([]);
  });

  it("shows a failed gate's checks with observed and expected values", async () => {
    const checks: CheckResult[] = [
      { name: "delay_range", severity: "fail", passed: false, observed: { min: -1116 }, expected: { min: -120 }, message: "delays below -120 minutes" },
      { name: "row_count", severity: "fail", passed: true, observed: 990, expected: { min: 1 }, message: "ok" },
    ];
    const gate: AlertEvent = {
      kind: "gate",
      pipeline: "flight-delays",
      runId: "101",
      stage: "clean",
      gate: { pipeline: "flight-delays", stage: "clean", runId: "101", passed: false, counts: { rowsIn: 1_000, rowsOut: 990, rowsInvalid: 10 }, checks, evaluatedAt: "2026-12-04T10:04:00Z" },
      nextStep: "Fix the data or the checks, then re-run the workflow",
      at: "2026-12-04T10:05:00Z",
    };

    await report(client(), 101, [gate]);

    const body = github.issues()[0].body ?? "";
    expect(body).toContain("1 gate failed");
    expect(body).toContain("### ⛔ flight-delays: gate after stage clean failed");
    expect(body).toContain("Gate after stage clean: 1 of 2 checks failed · rows in 1,000 · out 990 · invalid 10");
    expect(body).toContain('- ✗ delay_range [fail]: observed {"min":-1116}; expected {"min":-120} — delays below -120 minutes');
    expect(body).not.toContain("row_count [fail]");
    expect(body).toContain("- Fix the data or the checks, then re-run the workflow");
    // A failed gate leaves every job green: GitHub offers no "Re-run failed jobs".
    expect(body).not.toContain("Re-run failed jobs");
    expect(body).toContain("start the workflow again (**Run workflow**");
  });
});

describe("reportRunToIssue: recovery", () => {
  it("comments 'Recovered in <run>' and closes the open issue as completed", async () => {
    const octokit = client();
    await report(octokit, 101, [failure(101)]);
    const result = await report(octokit, 103, [recovered(103)]);

    expect(result).toEqual({ issueNumber: 1, action: "closed", duplicatesClosed: [] });
    const [issue] = github.issues();
    expect(issue.state).toBe("closed");
    expect(issue.stateReason).toBe("completed");
    expect(github.comments().map((c) => c.body)).toEqual(["Recovered in https://github.com/acme/data/actions/runs/103"]);
    expect(logs).toContain("info pipeline flight-delays: recovered; closed failure issue #1");
  });

  it("treats a run with no events as a success", async () => {
    const octokit = client();
    await report(octokit, 101, [failure(101)]);
    const result = await report(octokit, 103, []);

    expect(result.action).toBe("closed");
    expect(github.issues()[0].state).toBe("closed");
  });

  it("does nothing on success when no failure issue is open", async () => {
    const result = await report(client(), 103, [recovered(103)]);

    expect(result).toEqual({ issueNumber: null, action: "none", duplicatesClosed: [] });
    expect(github.issues()).toEqual([]);
    expect(writes()).toEqual([]);
  });

  it("ignores open issues of other pipelines and issues without the label", async () => {
    const octokit = client();
    await octokit.rest.issues.create({ owner, repo, title: "other", body: "<!-- bulkhead:pipeline=other -->\nx", labels: ["bulkhead-failure"] });
    await octokit.rest.issues.create({ owner, repo, title: "unlabelled", body: `${MARKER}\nx` });

    const result = await report(octokit, 101, [failure(101)]);

    expect(result).toEqual({ issueNumber: 3, action: "created", duplicatesClosed: [] });
    expect(openIssues().map((i) => i.number)).toEqual([1, 2, 3]);
  });
});

describe("reportRunToIssue: two alert jobs at once", () => {
  it("leaves exactly one open issue holding both runs; the other is closed as a duplicate", async () => {
    // Both jobs list before either creates: hold each create until both
    // lists have been answered. Two clients, as two jobs would have.
    let listsAnswered = 0;
    let bothListed!: () => void;
    const barrier = new Promise<void>((resolve) => (bothListed = resolve));
    const racingClient = () => {
      const octokit = client();
      octokit.hook.after("request", (_response, options) => {
        if (options.method === "GET" && isIssueList(options.url) && ++listsAnswered === 2) bothListed();
      });
      octokit.hook.before("request", async (options) => {
        if (options.method === "POST" && isIssueList(options.url)) await barrier;
      });
      return octokit;
    };

    const results = await Promise.all([
      report(racingClient(), 201, [failure(201, { shard: "1/4" })]),
      report(racingClient(), 202, [failure(202, { shard: "4/4" })]),
    ]);

    expect(github.issues()).toHaveLength(2);
    expect(openIssues().map((i) => i.number)).toEqual([1]);
    const duplicate = github.issues()[1];
    expect(duplicate.state).toBe("closed");
    expect(duplicate.stateReason).toBe("duplicate");
    expect(texts(2).slice(1)).toEqual(["Duplicate of #1"]);

    const one = texts(1).join("\n");
    expect(one).toContain("failed in run 201");
    expect(one).toContain("failed in run 202");
    expect(one).toContain("shard 1/4");
    expect(one).toContain("shard 4/4");

    expect(results.map((r) => r.action).sort()).toEqual(["commented", "created"]);
    expect(results.flatMap((r) => r.duplicatesClosed)).toEqual([2]);
    expect(results.map((r) => r.issueNumber)).toEqual([1, 1]);
    const update = github.requests.find((r) => r.method === "PATCH");
    expect(update?.body).toEqual({ state: "closed", state_reason: "duplicate", duplicate_issue_id: github.issues()[0].id });
  });

  it("closes a duplicate left open by an earlier job when it comments", async () => {
    const octokit = client();
    await report(octokit, 101, [failure(101)]);
    await octokit.rest.issues.create({ owner, repo, title: "Bulkhead: pipeline flight-delays is failing", body: `${MARKER}\nleft over`, labels: ["bulkhead-failure"] });

    const result = await report(octokit, 102, [failure(102)]);

    expect(result).toEqual({ issueNumber: 1, action: "commented", duplicatesClosed: [2] });
    expect(openIssues().map((i) => i.number)).toEqual([1]);
    expect(github.issues()[1].stateReason).toBe("duplicate");
  });
});

describe("reportRunToIssue: size limits", () => {
  it("fits 40 failed shards with 3,500-character emoji and CJK errors in one body by shortening the errors", async () => {
    const events = shardFailures(40);
    expect(events.every((e) => e.error?.length === 3_500)).toBe(true);

    const result = await report(client(), 301, events);

    expect(result.action).toBe("created");
    expect(github.requests.find((r) => r.operationId === "issues/create")?.status).toBe(201);
    const body = github.issues()[0].body ?? "";
    expect(body.length).toBeLessThanOrEqual(65_000);
    expect([...body].length).toBeLessThanOrEqual(MAX_BODY_CHARACTERS);
    expect(body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no half emoji
    expect(body).toContain("40 shards failed");
    for (const event of events) expect(body).toContain(`shard ${event.shard} failed`);
    expect(body.match(/^… [\d,]+ more characters not shown$/gm)).toHaveLength(40);
    expect(body).not.toContain("more failures");
  });

  it("lists the failures that fit and counts the rest when 300 shards fail", async () => {
    const events = shardFailures(300);

    await report(client(), 302, events);

    expect(github.requests.find((r) => r.operationId === "issues/create")?.status).toBe(201);
    const body = github.issues()[0].body ?? "";
    expect(body.length).toBeLessThanOrEqual(65_000);
    const shown = events.filter((e) => body.includes(`shard ${e.shard} failed`)).length;
    expect(shown).toBeGreaterThan(0);
    expect(body).toContain(`…and ${300 - shown} more failures; see the report artifact ${REPORT_URL}\n`);
    expect(body).toContain("300 shards failed");
  });

  it("shortens a gate with 20,000 failing rows and 500 failing checks to fit", async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ row: i, carrier: "ZZ", delay: -9_999 }));
    const checks: CheckResult[] = [
      { name: "delay_range", severity: "fail", passed: false, observed: rows, expected: { min: -120 }, message: "20,000 rows have delays below -120 minutes", examples: rows },
      ...Array.from({ length: 499 }, (_, i): CheckResult => ({
        name: `allowed_carrier_${i}`,
        severity: i % 2 === 0 ? "fail" : "warn",
        passed: false,
        observed: rows.slice(0, 200),
        expected: { values: ["AA", "DL", "UA"] },
        message: "carrier not allowed ".repeat(100),
      })),
    ];
    const gate: AlertEvent = {
      kind: "gate",
      pipeline: "flight-delays",
      runId: "302",
      stage: "clean",
      gate: { pipeline: "flight-delays", stage: "clean", runId: "302", passed: false, counts: { rowsIn: 20_000, rowsOut: 0, rowsInvalid: 20_000 }, checks, evaluatedAt: "2026-12-04T10:04:00Z" },
      nextStep: "Fix the data or the checks, then re-run the workflow",
      at: "2026-12-04T10:05:00Z",
    };

    await report(client(), 302, [gate]);

    const body = github.issues()[0].body ?? "";
    expect(body.length).toBeLessThanOrEqual(65_000);
    expect(body).toContain("Gate after stage clean: 500 of 500 checks failed · rows in 20,000 · out 0 · invalid 20,000");
    expect(body).toContain('- ✗ delay_range [fail]: observed [{"row":0,"carrier":"ZZ","delay":-9999},');
    const shown = body.match(/^- ✗ /gm)?.length ?? 0;
    expect(body).toContain(`- …and ${500 - shown} more failing checks`);
  });
});

describe("reportRunToIssue: rate limits and errors", () => {
  it("waits 60 s on a secondary rate limit without Retry-After and records all 40 runs, one write at a time", async () => {
    const octokit = client();
    github.injectSecondaryRateLimit({ onWrite: 21 });
    const started = Date.now();

    // 40 alert jobs sharing one client, all at once.
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => report(octokit, 401 + i, [failure(401 + i, { shard: `${i + 1}/40` })])),
    );

    expect(Date.now() - started).toBeLessThan(20_000);
    expect(waits).toEqual([{ seconds: 60, kind: "secondary-rate-limit" }]);
    expect(github.requests.filter((r) => r.injected).map((r) => r.status)).toEqual([403]);
    expect(github.maxConcurrentWrites).toBe(1);
    expect(logs.filter((l) => l.startsWith("warn GitHub"))).toEqual([
      expect.stringMatching(/^warn GitHub secondary rate limit on (POST|PATCH) \/repos\/\{owner\}\/\{repo\}\/\S+: waiting 60 s before retry 1 of 3$/),
    ]);

    expect(openIssues()).toHaveLength(1);
    const open = openIssues()[0].number;
    expect(results.every((r) => r.issueNumber === open)).toBe(true);
    const all = texts(open).join("\n");
    for (let run = 401; run <= 440; run++) expect(all).toContain(`failed in run ${run}`);
    for (const closed of github.issues().filter((i) => i.state === "closed")) {
      expect(closed.stateReason).toBe("duplicate");
      expect(texts(closed.number)).toContain(`Duplicate of #${open}`);
    }
  });

  it("waits as long as Retry-After says", async () => {
    github.injectSecondaryRateLimit({ onWrite: 1, retryAfterSeconds: 7 });

    await report(client(), 101, [failure(101)]);

    expect(waits).toEqual([{ seconds: 7, kind: "secondary-rate-limit" }]);
    expect(github.issues()).toHaveLength(1);
  });

  it("retries a 502 and still opens exactly one issue", async () => {
    github.injectServerError({ status: 502, writesOnly: true });

    const result = await report(client(), 101, [failure(101)]);

    expect(result.action).toBe("created");
    expect(github.requests.filter((r) => r.injected).map((r) => r.status)).toEqual([502]);
    expect(openIssues()).toHaveLength(1);
  });

  it("throws FailureIssueError with the step and status when GitHub keeps failing", async () => {
    github.injectServerError({ status: 500, times: 4 });

    const error = await report(client(), 101, [failure(101)]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FailureIssueError);
    expect((error as FailureIssueError).status).toBe(500);
    expect((error as FailureIssueError).step).toBe("list the open failure issues");
    expect((error as Error).message).toBe(
      'pipeline flight-delays: failure issue NOT updated: could not list the open failure issues (HTTP 500: Server Error); check that the workflow grants "issues: write" and GitHub\'s status',
    );
  });
});

describe("reportRunToIssue: secrets", () => {
  it("never sends or logs the token found in an error message", async () => {
    const error = [
      `fatal: could not read from https://x-access-token:${TOKEN}@github.com/acme/data.git`,
      `GITHUB_TOKEN=${TOKEN}`,
      `base64: ${Buffer.from(TOKEN).toString("base64")}`,
    ].join("\n");
    const octokit = client();

    await report(octokit, 101, [failure(101, { error, stage: `enrich ${TOKEN}` })]);
    await report(octokit, 102, [failure(102, { error })]);

    const sent = JSON.stringify(github.requests.map((r) => [r.path, r.body]));
    expect(sent).toContain("could not read from https://x-access-token:***\\nGITHUB_TOKEN=***\\nbase64: ***\\n");
    for (const form of [TOKEN, Buffer.from(TOKEN).toString("base64").replace(/=+$/, ""), "16C7e42F292c6912"]) {
      expect(sent).not.toContain(form);
      expect(logs.join("\n")).not.toContain(form);
    }
  });
});
