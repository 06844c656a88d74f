// The alert command's one Slack message per run (src/github/action/alert.ts).
import { describe, expect, it } from "vitest";
import { makeRedactor } from "../../src/alert/redact.js";
import { SLACK_LIMITS } from "../../src/alert/slack-message.js";
import { runSlackMessage } from "../../src/github/action/alert.js";
import { validateMessage } from "../support/slack-receiver.js";
import { check, failureEvent, gateEvent } from "../alert/events.js";

const redact = makeRedactor([]);

describe("runSlackMessage", () => {
  it("is the plain alert message for a run with one problem", () => {
    const message = runSlackMessage([failureEvent()], redact);
    expect(message.blocks[0]).toMatchObject({ type: "header", text: { text: "❌ flight-delays: stage enrich shard 2/4 failed (attempt 1)" } });
    expect(JSON.stringify(message)).not.toContain("more problem");
    expect(validateMessage(message)).toEqual({ problems: [] });
  });

  it("puts 300 failed shards into one valid message: the first in full, the rest listed", () => {
    const events = Array.from({ length: 300 }, (_, i) => failureEvent({ shard: `${i + 1}/300` }));
    const message = runSlackMessage(events, redact);
    expect(validateMessage(message)).toEqual({ problems: [] });
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain("shard 1/300 failed");
    expect(text).toContain("299 more problems in this run");
    expect(text).toContain("shard 2/300 failed");
    // The next step stays last but one, above the context line.
    expect(JSON.stringify(message.blocks.at(-2))).toContain("Next step");
  });

  it("lists the other problems under a gate with 60 failing checks, within Slack's limits", () => {
    const gate = gateEvent("clean", Array.from({ length: 60 }, (_, i) => check(`check_${i}`)));
    const message = runSlackMessage([gate, failureEvent()], redact);
    expect(validateMessage(message)).toEqual({ problems: [] });
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(JSON.stringify(message.blocks)).toContain("1 more problem in this run");
  });
});
