import { describe, expect, it } from "vitest";
import { type CheckResult, type GateReport, renderGateMarkdown } from "../../src/validate/index.js";

function report(checks: CheckResult[]): GateReport {
  return {
    pipeline: "flight-delays",
    stage: "transform",
    runId: "42",
    passed: checks.every((c) => c.passed || c.severity === "warn"),
    counts: { rowsIn: 3_000_000, rowsOut: 2_999_994, rowsInvalid: 6 },
    checks,
    evaluatedAt: "2024-05-01T12:00:00.000Z",
  };
}

const rangeResult: CheckResult = {
  name: "delay within [-120, 1440]",
  severity: "fail",
  passed: false,
  observed: { values: 2_999_994, outside: 11, min: -1116, max: 1688 },
  expected: { min: -120, max: 1440 },
  message: "delay within [-120, 1440]: 11 of 2,999,994 values outside (min -1116, max 1688)",
  examples: [{ value: 1688, count: 2 }, { value: -1116, count: 1 }],
};

const passedResult: CheckResult = {
  name: "row count at least 1",
  severity: "fail",
  passed: true,
  observed: { rows: 2_999_994 },
  expected: { min: 1 },
  message: "row count at least 1: 2,999,994 rows",
};

const warnResult: CheckResult = {
  name: "origin_state not null",
  severity: "warn",
  passed: false,
  observed: { rows: 10, nulls: 1 },
  expected: { nulls: 0 },
  message: "origin_state not null: 1 of 10 rows is null, missing or empty",
};

const bytes = (text: string) => Buffer.byteLength(text, "utf8");

describe("renderGateMarkdown", () => {
  it("renders a heading, a table with failures first, then details with examples", () => {
    const markdown = renderGateMarkdown(report([passedResult, warnResult, rangeResult]));
    expect(markdown).toBe(
      [
        "## ❌ Gate failed: stage transform",
        "",
        "Pipeline flight-delays, run 42, evaluated 2024-05-01T12:00:00.000Z.",
        "Rows in 3,000,000, out 2,999,994, invalid 6. 3 checks: 1 failed, 1 warned, 1 passed.",
        "",
        "| check | severity | result | observed | expected |",
        "| --- | --- | --- | --- | --- |",
        "| delay within \\[-120, 1440\\] | fail | ❌ failed | values: 2999994, outside: 11, min: -1116, max: 1688 | min: -120, max: 1440 |",
        "| origin\\_state not null | warn | ⚠️ warning | rows: 10, nulls: 1 | nulls: 0 |",
        "| row count at least 1 | fail | ✅ passed | rows: 2999994 | min: 1 |",
        "",
        "### Details",
        "",
        "#### ❌ failed delay within \\[-120, 1440\\]",
        "",
        "delay within \\[-120, 1440\\]: 11 of 2,999,994 values outside (min -1116, max 1688)",
        "",
        "Examples:",
        "- 1688 ×2",
        "- -1116 ×1",
        "",
        "#### ⚠️ warning origin\\_state not null",
        "",
        "origin\\_state not null: 1 of 10 rows is null, missing or empty",
        "",
        "#### ✅ passed row count at least 1",
        "",
        "row count at least 1: 2,999,994 rows",
        "",
      ].join("\n"),
    );
  });

  it("escapes pipes and newlines inside table cells", () => {
    const odd: CheckResult = {
      ...passedResult,
      name: "a|b\nc",
      observed: { value: "x|y\nz" },
      expected: "<b>",
    };
    const row = renderGateMarkdown(report([odd])).split("\n").find((line) => line.startsWith("| a"));
    expect(row).toBe('| a\\|b<br>c | fail | ✅ passed | value: "x\\|y\\\\nz" | \\<b\\> |');
    // Every unescaped pipe is a cell border: 6 of them for 5 cells.
    expect(row!.replace(/\\\|/g, "").split("|")).toHaveLength(7);
  });

  it("cuts a report with 20,000 failing examples to maxBytes and says how many more are in the JSON", () => {
    const examples = Array.from({ length: 20_000 }, (_, i) => ({ value: `bad-value-${i}-${"é".repeat(20)}`, count: i + 1 }));
    const huge: CheckResult = { ...rangeResult, name: "carrier allowed", examples };
    for (const maxBytes of [1_000_000, 50_000, 2_000]) {
      const markdown = renderGateMarkdown(report([huge, passedResult]), { maxBytes });
      expect(bytes(markdown)).toBeLessThanOrEqual(maxBytes);
      const shown = markdown.split("\n").filter((line) => line.startsWith('- "bad-value-')).length;
      expect(shown).toBeGreaterThan(0);
      expect(shown).toBeLessThan(20_000);
      const lastLine = markdown.trimEnd().split("\n").at(-1);
      expect(lastLine).toBe(
        `_Cut to fit ${maxBytes.toLocaleString("en-US")} bytes: the details of 1 check and ${(20_000 - shown).toLocaleString("en-US")} more examples are in the JSON report._`,
      );
    }
  });

  it("cuts table rows when 20,000 checks fail and counts the checks left out", () => {
    const checks = Array.from({ length: 20_000 }, (_, i) => ({ ...warnResult, name: `check ${i}`, examples: [{ value: i, count: 1 }] }));
    const maxBytes = 100_000;
    const markdown = renderGateMarkdown(report(checks), { maxBytes });
    expect(bytes(markdown)).toBeLessThanOrEqual(maxBytes);
    const lines = markdown.split("\n");
    const rows = lines.filter((line) => /^\| check \d/.test(line)).length;
    const details = lines.filter((line) => line.startsWith("#### ")).length;
    const examples = lines.filter((line) => line.startsWith("- ")).length;
    expect(rows).toBeGreaterThan(100);
    expect(lines.at(-2)).toBe(
      `_Cut to fit 100,000 bytes: ${(20_000 - rows).toLocaleString("en-US")} more checks, the details of ${(rows - details).toLocaleString("en-US")} checks and ${(20_000 - examples).toLocaleString("en-US")} more examples are in the JSON report._`,
    );
  });

  it("refuses a maxBytes too small to hold anything useful", () => {
    expect(() => renderGateMarkdown(report([]), { maxBytes: 100 })).toThrow("maxBytes must be at least 1,024, not 100");
  });
});
