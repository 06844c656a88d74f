import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatAlert } from "../../src/alert/format.js";
import { makeRedactor } from "../../src/alert/redact.js";
import {
  makeSlackChannel,
  parseRetryAfter,
  postSlackMessage,
  SlackDeliveryError,
} from "../../src/alert/slack-channel.js";
import { buildSlackMessage, type SlackBlock } from "../../src/alert/slack-message.js";
import { SlackReceiver } from "../support/slack-receiver.js";
import { check, DB_PASSWORD, failureEvent, gateEvent } from "./events.js";

let receiver: SlackReceiver;
let sleeps: number[];

/** Records the wait and yields a little, so a broken queue would let others overtake. */
async function fakeSleep(ms: number): Promise<void> {
  sleeps.push(ms);
  await new Promise((resolve) => setTimeout(resolve, 20));
}

beforeEach(async () => {
  receiver = new SlackReceiver();
  await receiver.start();
  sleeps = [];
});

afterEach(async () => {
  await receiver.stop();
});

function sectionTexts(message: Record<string, unknown>): string[] {
  return (message.blocks as SlackBlock[]).flatMap((block) =>
    block.type === "section" && block.text ? [block.text.text] : [],
  );
}

describe("Slack message size", () => {
  it("fits a gate with 60 failing checks, a 200-character stage name and a 3,500-character error", async () => {
    const stage = "s".repeat(200);
    const checks = Array.from({ length: 60 }, (_, i) => check(`check_${i + 1}`));
    const event = {
      ...gateEvent(stage, checks),
      shard: "3/60",
      attempt: 2,
      error: "E".repeat(3_500),
      checkpoint: null,
    };
    const channel = makeSlackChannel({ webhookUrl: receiver.url, sleep: fakeSleep });

    await channel.send(event);

    expect(receiver.requests.map((r) => [r.status, r.response, r.problems])).toEqual([
      [200, "ok", []],
    ]);
    const [message] = receiver.messages;
    const header = (message.blocks as SlackBlock[])[0] as { text: { text: string } };
    expect(header.text.text).toHaveLength(150);
    expect(header.text.text.startsWith(`⛔ flight-delays: gate after stage ${"s".repeat(50)}`)).toBe(true);
    expect(header.text.text.endsWith("more characters)")).toBe(true);

    const texts = sectionTexts(message);
    expect(texts).toContain(
      "*Error*\n```" + "E".repeat(2_000) + "```\n… 1,500 more characters not shown",
    );
    // 15 checks get a section each; the other 45 are summed up in one.
    expect(texts.filter((t) => t.startsWith("✗ *check_"))).toHaveLength(15);
    const names = Array.from({ length: 45 }, (_, i) => `check_${i + 16}`).join(", ");
    expect(texts).toContain(`…and 45 more failing checks: ${names}`);
    expect(texts).toContain("no checkpoint yet: the shard restarts from row 0");
    expect((message.text as string).length).toBeLessThanOrEqual(4_000);
  });

  it("splits 12 fields into sections of 10 and 2", async () => {
    const alert = formatAlert(failureEvent());
    alert.facts = Array.from({ length: 12 }, (_, i) => ({
      label: `Fact ${i + 1}`,
      value: "v".repeat(2_500),
    }));
    const message = buildSlackMessage(alert);

    await postSlackMessage(message, { webhookUrl: receiver.url, sleep: fakeSleep });

    expect(receiver.requests.map((r) => r.problems)).toEqual([[]]);
    const fieldCounts = (receiver.messages[0].blocks as SlackBlock[]).flatMap((b) =>
      b.type === "section" && b.fields ? [b.fields.length] : [],
    );
    expect(fieldCounts).toEqual([10, 2]);
  });

  it("escapes & < > for mrkdwn and masks the password", async () => {
    const channel = makeSlackChannel({
      webhookUrl: receiver.url,
      redact: makeRedactor([DB_PASSWORD]),
    });
    await channel.send(failureEvent({ error: `x < y && password ${DB_PASSWORD}` }));

    const body = receiver.requests[0].body;
    expect(body).not.toContain(DB_PASSWORD);
    expect(body).not.toContain(encodeURIComponent(DB_PASSWORD));
    expect(sectionTexts(receiver.messages[0])[0]).toBe(
      "*Error*\n```x &lt; y &amp;&amp; password ***```",
    );
  });
});

describe("Slack delivery", () => {
  it("delivers five alerts sent at once in order when the third gets 429 Retry-After: 2", async () => {
    receiver.respondTo(3, { status: 429, retryAfter: 2 });
    const channel = makeSlackChannel({ webhookUrl: receiver.url, sleep: fakeSleep });

    await Promise.all(
      [1, 2, 3, 4, 5].map((attempt) => channel.send(failureEvent({ attempt }))),
    );

    expect(sleeps).toEqual([2_000]);
    expect(receiver.requests.map((r) => r.status)).toEqual([200, 200, 429, 200, 200, 200]);
    const titles = receiver.messages.map(
      (m) => ((m.blocks as SlackBlock[])[0] as { text: { text: string } }).text.text,
    );
    expect(titles).toEqual(
      [1, 2, 3, 4, 5].map((n) => `❌ flight-delays: stage enrich shard 2/4 failed (attempt ${n})`),
    );
  });

  it("throws 'NOT delivered' after backing off on a permanent 500", async () => {
    receiver.respondAlways({ status: 500, body: "internal_error" });
    const channel = makeSlackChannel({ webhookUrl: receiver.url, sleep: fakeSleep });

    const error = await channel.send(failureEvent()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect((error as Error).message).toBe(
      'Slack alert NOT delivered: HTTP 500 "internal_error" after 6 attempts (gave up after 5 retries); check the webhook URL and Slack\'s status, the alert is still in the console and the alert log',
    );
    expect(sleeps).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(receiver.requests).toHaveLength(6);
  });

  it("fails at once on a 4xx other than 429", async () => {
    receiver.respondTo(1, { status: 403, body: "invalid_token" });
    const channel = makeSlackChannel({ webhookUrl: receiver.url, sleep: fakeSleep });

    await expect(channel.send(failureEvent())).rejects.toThrow(
      'Slack alert NOT delivered: HTTP 403 "invalid_token" after 1 attempt (Slack rejected the message; retrying cannot help)',
    );
    expect(sleeps).toEqual([]);
    expect(receiver.requests).toHaveLength(1);
  });

  it("a failed message does not hold up the next one", async () => {
    receiver.respondTo(1, { status: 400, body: "invalid_blocks" });
    const channel = makeSlackChannel({ webhookUrl: receiver.url, sleep: fakeSleep });

    const first = channel.send(failureEvent({ attempt: 1 }));
    const second = channel.send(failureEvent({ attempt: 2 }));

    await expect(first).rejects.toThrow("NOT delivered");
    await expect(second).resolves.toBeUndefined();
    expect(receiver.messages).toHaveLength(1);
  });

  it("redacts the response body and never prints the webhook URL", async () => {
    const token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    receiver.respondAlways({ status: 502, body: `bad gateway for ${receiver.url} ${token}` });
    const channel = makeSlackChannel({ webhookUrl: receiver.url, maxRetries: 1, sleep: fakeSleep });

    const error = (await channel.send(failureEvent()).catch((e: unknown) => e)) as SlackDeliveryError;

    expect(error.message).toContain("HTTP 502");
    expect(error.message).not.toContain(receiver.url);
    expect(error.message).not.toContain(token);
    expect(error.body).toBe("bad gateway for *** ghp_***");
  });

  it("retries network errors and reports 'no response'", async () => {
    const failingFetch = (async () => {
      throw new TypeError("fetch failed");
    }) as unknown as typeof fetch;
    const channel = makeSlackChannel({
      webhookUrl: "https://hooks.slack.com/services/T000/B000/never-called",
      fetch: failingFetch,
      maxRetries: 2,
      sleep: fakeSleep,
    });

    await expect(channel.send(failureEvent())).rejects.toThrow(
      'Slack alert NOT delivered: no response "fetch failed" after 3 attempts (gave up after 2 retries)',
    );
    expect(sleeps).toEqual([1_000, 2_000]);
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates as milliseconds", () => {
    const now = Date.parse("2026-12-04T10:00:00Z");
    expect(parseRetryAfter("2", now)).toBe(2_000);
    expect(parseRetryAfter("Fri, 04 Dec 2026 10:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});
