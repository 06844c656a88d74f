import { describe, expect, it } from "vitest";
import { formatAlert, formatCheckpointLine, formatTitle } from "../../src/alert/format.js";
import { makeRedactor } from "../../src/alert/redact.js";
import { describeCut, firstLines, truncate } from "../../src/alert/truncate.js";
import { check, DB_PASSWORD, failureEvent, gateEvent } from "./events.js";

describe("formatTitle", () => {
  it("names pipeline, stage, shard and attempt of a failure", () => {
    expect(formatTitle(failureEvent())).toBe(
      "❌ flight-delays: stage enrich shard 2/4 failed (attempt 1)",
    );
  });

  it("says 'run' when no stage is known", () => {
    const event = failureEvent({ stage: undefined, shard: undefined, attempt: undefined });
    expect(formatTitle(event)).toBe("❌ flight-delays: run failed");
  });

  it("names the stage a failed gate ran after", () => {
    expect(formatTitle(gateEvent("clean", [check("delay_range")]))).toBe(
      "⛔ flight-delays: gate after stage clean failed",
    );
  });

  it("marks cancellations and recoveries", () => {
    expect(formatTitle(failureEvent({ kind: "cancelled", attempt: 2 }))).toBe(
      "🚫 flight-delays: stage enrich shard 2/4 cancelled (attempt 2)",
    );
    expect(formatTitle(failureEvent({ kind: "recovered" }))).toBe("✅ flight-delays: recovered");
  });
});

describe("formatCheckpointLine", () => {
  it("gives the row with thousands separators and the save time", () => {
    expect(formatCheckpointLine(failureEvent())).toBe(
      "last checkpoint: row 1,200,000, saved 2026-12-04T10:00:00Z",
    );
  });

  it("says the shard restarts from row 0 when no checkpoint was saved", () => {
    expect(formatCheckpointLine(failureEvent({ checkpoint: null }))).toBe(
      "no checkpoint yet: the shard restarts from row 0",
    );
  });

  it("says nothing when the event does not concern checkpoints", () => {
    expect(formatCheckpointLine(failureEvent({ checkpoint: undefined }))).toBeUndefined();
  });
});

describe("formatAlert", () => {
  it("collects the facts of a failure", () => {
    const alert = formatAlert(failureEvent(), makeRedactor([DB_PASSWORD]));
    expect(alert.level).toBe("error");
    expect(alert.facts).toEqual([
      { label: "Pipeline", value: "flight-delays" },
      { label: "Stage", value: "enrich" },
      { label: "Shard", value: "2/4" },
      { label: "Attempt", value: "1" },
      { label: "Run", value: "9876543210-1" },
      { label: "Checkpoint", value: "row 1,200,000" },
      { label: "Time", value: "2026-12-04T10:05:00Z" },
    ]);
    expect(alert.cursorLine).toBe('cursor: {"row":1200000,"byteOffset":73400320}');
    expect(alert.error?.text.split("\n")[0]).toBe(
      "ConnectionError: could not connect to postgres://etl:***@db.internal:5432/flights",
    );
  });

  it("redacts before shortening, so no part of a secret survives a cut", () => {
    const secret = "abcdefgh-SECRET-ijklmnop";
    const error = "x".repeat(1_990) + secret + "y".repeat(100);
    const alert = formatAlert(failureEvent({ error }), makeRedactor([secret]));
    expect(alert.error?.text).toBe("x".repeat(1_990) + "***" + "y".repeat(7));
    expect(alert.error?.text).not.toContain("abcdefgh");
  });

  it("lists failing checks with fail severity before warnings", () => {
    const event = gateEvent("clean", [
      check("schema", { severity: "warn" }),
      check("row_count", { passed: true }),
      check("delay_range"),
    ]);
    const alert = formatAlert(event);
    expect(alert.gate?.line).toBe("2 of 3 checks failed · rows in 1,000 · out 990 · invalid 10");
    expect(alert.gate?.failing.map((c) => `${c.name}/${c.severity}`)).toEqual([
      "delay_range/fail",
      "schema/warn",
    ]);
    expect(alert.gate?.failing[0].observed).toBe('{"min":-1116,"max":1688}');
    expect(alert.gate?.failing[0].expected).toBe('{"min":-120,"max":1440}');
    expect(alert.facts).toContainEqual({ label: "Checks failed", value: "2 of 3" });
  });

  it("is info level for a recovery", () => {
    expect(formatAlert(failureEvent({ kind: "recovered" })).level).toBe("info");
  });
});

describe("firstLines and truncate", () => {
  it("keeps the first 20 of 30 lines and counts the rest", () => {
    const text = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join("\r\n");
    const excerpt = firstLines(text);
    expect(excerpt.text.split("\n")).toHaveLength(20);
    expect(excerpt.text.endsWith("line 20")).toBe(true);
    expect(excerpt.cutLines).toBe(10);
    // lines 21..30: "\nline NN" is 8 characters each
    expect(excerpt.cutChars).toBe(80);
    expect(describeCut(excerpt)).toBe("… 10 more lines (80 characters) not shown");
  });

  it("keeps 2,000 characters of a 3,500-character line", () => {
    const excerpt = firstLines("e".repeat(3_500));
    expect(excerpt.text).toBe("e".repeat(2_000));
    expect(describeCut(excerpt)).toBe("… 1,500 more characters not shown");
  });

  it("cuts text to the limit and says how much was cut", () => {
    const out = truncate("a".repeat(200), 100);
    expect(out).toHaveLength(100);
    // "… (123 more characters)" is 23 characters: 77 kept + 123 cut = 200
    expect(out).toBe("a".repeat(77) + "… (123 more characters)");
  });

  it("does not split an emoji", () => {
    expect(truncate("🙂🙂🙂", 4)).toBe("🙂…");
  });
});
