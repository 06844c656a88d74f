// Case 22, local part: a stage fails with credentials in its error message.
// None of them may reach the CLI's stderr or stdout, the run record, the
// alert log or Slack. Credentials with a recognisable shape are masked by pattern;
// a bare token given through the environment is declared in
// BULKHEAD_SECRETS (names of environment variables).
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackReceiver } from "../support/slack-receiver.js";
import { makeTempDir, runCli } from "../support/cli.js";
import { RELIABILITY, writeKeyedRows } from "./helpers.js";

const TOKEN = "sk_live_Q8p2Zr+7/aBc=x9Yz";
const PG_PASSWORD = "pg-Pa55word-7731";

describe("secrets in a failing stage's error", () => {
  const slack = new SlackReceiver();
  beforeAll(() => slack.start());
  afterAll(() => slack.stop());

  it.each([1, 2])("appear in no output, log or Slack message with %i shard(s)", async (shards) => {
    const dir = makeTempDir();
    writeKeyedRows(path.join(dir, "input.ndjson"), 100);
    const stateDir = path.join(dir, "state");
    const b64 = (text: string) => Buffer.from(text).toString("base64");
    const message = [
      `upstream refused: Authorization: Bearer ${TOKEN}`,
      `token as base64: ${b64(TOKEN)}; from echo: ${b64(`${TOKEN}\n`)}`,
      `token in a URL: https://api.example.test/v1?key=${encodeURIComponent(TOKEN)}&page=2`,
      `database: postgres://etl:${PG_PASSWORD}@db.internal:5432/warehouse`,
      `alerts go to ${slack.url}`,
    ].join("\n");

    const result = await runCli(["run", RELIABILITY, "--state-dir", stateDir, "--json"], {
      env: {
        REL_INPUT: path.join(dir, "input.ndjson"),
        REL_SHARDS: String(shards),
        REL_FAIL_MESSAGE: message,
        API_TOKEN: TOKEN,
        BULKHEAD_SECRETS: "API_TOKEN",
        SLACK_WEBHOOK_URL: slack.url,
      },
      cwd: dir,
    });
    expect(result.code).toBe(1);
    const alertLog = readFileSync(path.join(stateDir, "pipelines/reliability/alerts.jsonl"), "utf8");
    const posted = slack.requests.map((r) => r.body).join("\n");
    const runId = JSON.parse(result.stdout).runId as string;
    const runRecord = readFileSync(path.join(stateDir, "pipelines/reliability/runs", runId, "run.json"), "utf8");
    expect(runRecord).toContain("upstream refused");
    // The failure did get out, with its non-secret parts.
    expect(result.stderr).toContain("upstream refused: Authorization: Bearer ***");
    expect(result.stderr).toContain("postgres://etl:***@db.internal:5432/warehouse");
    expect(alertLog).toContain("upstream refused");
    expect(posted).toContain("upstream refused");

    const forbidden = [
      TOKEN,
      b64(TOKEN),
      b64(TOKEN).replace(/=+$/, ""),
      b64(`${TOKEN}\n`),
      encodeURIComponent(TOKEN),
      PG_PASSWORD,
      slack.url,
      new URL(slack.url).pathname,
    ];
    for (const [where, text] of Object.entries({ stderr: result.stderr, stdout: result.stdout, alertLog, runRecord, slack: posted })) {
      for (const secret of forbidden) expect(text.includes(secret), `${where} holds ${secret}`).toBe(false);
    }
  });
});
