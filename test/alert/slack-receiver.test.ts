import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackReceiver } from "../support/slack-receiver.js";

// The Slack tests rely on this receiver rejecting what Slack rejects; these
// cases check that it does, one limit at a time.
const receiver = new SlackReceiver();
beforeAll(() => receiver.start());
afterAll(() => receiver.stop());

async function post(body: unknown): Promise<[number, string]> {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const response = await fetch(receiver.url, { method: "POST", body: raw });
  return [response.status, await response.text()];
}

const text = (n: number, type = "mrkdwn") => ({ type, text: "x".repeat(n) });
const section = (n: number) => ({ type: "section", text: text(n) });

describe("SlackReceiver", () => {
  it("listens on 127.0.0.1 only", () => {
    expect(new URL(receiver.url).hostname).toBe("127.0.0.1");
  });

  it("accepts a message at every limit", async () => {
    const blocks = [
      { type: "header", text: text(150, "plain_text") },
      { type: "section", fields: Array.from({ length: 10 }, () => text(2_000)) },
      ...Array.from({ length: 47 }, () => section(3_000)),
      { type: "context", elements: [text(10)] },
    ];
    expect(blocks).toHaveLength(50);
    expect(await post({ text: "y".repeat(40_000), blocks })).toEqual([200, "ok"]);
  });

  const invalid: Array<[string, unknown, string]> = [
    ["51 blocks", { blocks: Array.from({ length: 51 }, () => section(1)) }, "invalid_blocks"],
    ["a 151-character header", { blocks: [{ type: "header", text: text(151, "plain_text") }] }, "invalid_blocks"],
    ["a mrkdwn header", { blocks: [{ type: "header", text: text(10) }] }, "invalid_blocks"],
    ["a 3,001-character section", { blocks: [section(3_001)] }, "invalid_blocks"],
    ["11 fields", { blocks: [{ type: "section", fields: Array.from({ length: 11 }, () => text(1)) }] }, "invalid_blocks"],
    ["a 2,001-character field", { blocks: [{ type: "section", fields: [text(2_001)] }] }, "invalid_blocks"],
    ["an empty section", { blocks: [{ type: "section" }] }, "invalid_blocks"],
    ["an unknown block type", { blocks: [{ type: "banner", text: text(1) }] }, "invalid_blocks"],
    ["11 context elements", { blocks: [{ type: "context", elements: Array.from({ length: 11 }, () => text(1)) }] }, "invalid_blocks"],
    ["a 40,001-character text", { text: "y".repeat(40_001) }, "msg_too_long"],
    ["neither text nor blocks", { channel: "#x" }, "no_text"],
    ["a body that is not JSON", "text=hello", "invalid_payload"],
  ];
  for (const [what, body, code] of invalid) {
    it(`rejects ${what} with 400 ${code}`, async () => {
      expect(await post(body)).toEqual([400, code]);
    });
  }

  it("records every request and only the accepted messages", () => {
    expect(receiver.requests).toHaveLength(1 + invalid.length);
    expect(receiver.messages).toHaveLength(1);
    expect(receiver.requests[1].problems).toEqual(["51 blocks > 50"]);
  });
});
