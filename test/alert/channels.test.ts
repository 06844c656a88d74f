import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeConsoleChannel } from "../../src/alert/console-channel.js";
import { makeAlertLogChannel } from "../../src/alert/log-channel.js";
import { makeRedactor } from "../../src/alert/redact.js";
import { sendAlert } from "../../src/alert/send.js";
import { makeSlackChannel } from "../../src/alert/slack-channel.js";
import type { AlertChannel } from "../../src/alert/types.js";
import type { Logger } from "../../src/pipeline/types.js";
import { SlackReceiver } from "../support/slack-receiver.js";
import { check, DB_PASSWORD, failureEvent, gateEvent } from "./events.js";

/** A logger that keeps what it was given, by level. */
function captureLogger() {
  const lines: Array<[keyof Logger, string]> = [];
  const logger: Logger = {
    debug: (m) => lines.push(["debug", m]),
    info: (m) => lines.push(["info", m]),
    warn: (m) => lines.push(["warn", m]),
    error: (m) => lines.push(["error", m]),
  };
  return { logger, lines };
}

const redact = makeRedactor([DB_PASSWORD]);
const base64Password = Buffer.from(DB_PASSWORD).toString("base64");

describe("console channel", () => {
  it("prints every fact DESIGN.md asks for, as one error message, without the password", async () => {
    const { logger, lines } = captureLogger();
    await makeConsoleChannel(logger, { redact }).send(failureEvent());

    expect(lines).toHaveLength(1);
    const [level, text] = lines[0];
    expect(level).toBe("error");
    expect(text.split("\n")).toEqual([
      "❌ flight-delays: stage enrich shard 2/4 failed (attempt 1)",
      "Pipeline: flight-delays · Stage: enrich · Shard: 2/4 · Attempt: 1 · Run: 9876543210-1 · Checkpoint: row 1,200,000 · Time: 2026-12-04T10:05:00Z",
      "error:",
      "  ConnectionError: could not connect to postgres://etl:***@db.internal:5432/flights",
      "      at connect (src/io/postgres.ts:42:11)",
      "      at enrich (pipelines/flight-delays.ts:88:5)",
      "last checkpoint: row 1,200,000, saved 2026-12-04T10:00:00Z",
      'cursor: {"row":1200000,"byteOffset":73400320}',
      "run: https://github.com/acme/data/actions/runs/9876543210",
      "report: https://github.com/acme/data/actions/runs/9876543210/artifacts/1",
      "next step: Re-run failed jobs",
    ]);
    expect(text).not.toContain(DB_PASSWORD);
  });

  it("prints a failed gate's checks with observed and expected values", async () => {
    const { logger, lines } = captureLogger();
    const event = gateEvent("clean", [check("delay_range"), check("row_count", { passed: true })]);
    await makeConsoleChannel(logger).send(event);

    const text = lines[0][1];
    expect(text).toContain("gate after stage clean: 1 of 2 checks failed · rows in 1,000 · out 990 · invalid 10");
    expect(text).toContain(
      '  ✗ delay_range [fail]: observed {"min":-1116,"max":1688}; expected {"min":-120,"max":1440} — delay_range is out of range; fix the source or widen the check',
    );
    expect(text).not.toContain("row_count");
  });

  it("logs a recovery at info level", async () => {
    const { logger, lines } = captureLogger();
    await makeConsoleChannel(logger).send(failureEvent({ kind: "recovered", error: undefined }));
    expect(lines.map(([level]) => level)).toEqual(["info"]);
    expect(lines[0][1].split("\n")[0]).toBe("✅ flight-delays: recovered");
  });
});

describe("alert log channel", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "bulkhead-alert-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("appends one redacted JSON line per alert, in order, creating directories", async () => {
    const file = path.join(dir, "state", "runs", "alerts.jsonl");
    const channel = makeAlertLogChannel(file, { redact });
    const cursor = { row: 5, token: base64Password };

    await Promise.all(
      [1, 2, 3].map((attempt) =>
        channel.send(failureEvent({ attempt, checkpoint: { row: 5, cursor, savedAt: "t" } })),
      ),
    );

    const content = await readFile(file, "utf8");
    expect(content.endsWith("\n")).toBe(true);
    expect(content).not.toContain(DB_PASSWORD);
    expect(content).not.toContain(base64Password);
    const lines = content.trimEnd().split("\n").map((line) => JSON.parse(line));
    expect(lines.map((l) => l.attempt)).toEqual([1, 2, 3]);
    expect(lines[0].title).toBe("❌ flight-delays: stage enrich shard 2/4 failed (attempt 1)");
    expect(lines[0].checkpoint).toEqual({ row: 5, cursor: { row: 5, token: "***" }, savedAt: "t" });
    expect(lines[0].error.split("\n")[0]).toBe(
      "ConnectionError: could not connect to postgres://etl:***@db.internal:5432/flights",
    );
  });
});

describe("sendAlert", () => {
  it("tries every channel even when some throw, and returns their errors", async () => {
    const { logger, lines } = captureLogger();
    const throwsAtOnce: AlertChannel = {
      name: "broken",
      send() {
        throw new Error("broken channel");
      },
    };
    const rejects: AlertChannel = {
      name: "rejects",
      send: () => Promise.reject("not an Error"),
    };

    const failures = await sendAlert(
      [throwsAtOnce, makeConsoleChannel(logger), rejects],
      failureEvent(),
    );

    expect(lines).toHaveLength(1);
    expect(failures.map((f) => [f.channel, f.error.message])).toEqual([
      ["broken", "broken channel"],
      ["rejects", "not an Error"],
    ]);
  });

  it("reports 'Slack alert NOT delivered' while the console still gets the alert", async () => {
    const receiver = new SlackReceiver().respondAlways({ status: 500 });
    await receiver.start();
    try {
      const { logger, lines } = captureLogger();
      const slack = makeSlackChannel({
        webhookUrl: receiver.url,
        maxRetries: 1,
        sleep: async () => {},
      });

      const failures = await sendAlert([makeConsoleChannel(logger), slack], failureEvent());

      expect(lines).toHaveLength(1);
      expect(failures).toHaveLength(1);
      expect(failures[0].channel).toBe("slack");
      expect(failures[0].error.message).toMatch(/^Slack alert NOT delivered: HTTP 500 /);
    } finally {
      await receiver.stop();
    }
  });

  it("returns no failures when every channel delivers", async () => {
    const { logger } = captureLogger();
    expect(await sendAlert([makeConsoleChannel(logger)], failureEvent())).toEqual([]);
  });
});
