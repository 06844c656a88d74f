// The gate report as Markdown, for GitHub job summaries and alerts: a
// heading, a table of checks, then each check's message and examples.
// Failed checks come first, then warnings, then passed checks, so a report
// cut to fit keeps what matters most.
import { formatCount, formatCountOf } from "./format.js";
import { escapeMarkdown } from "./markdown-escape.js";
import type { CheckResult, GateReport } from "./types.js";

/** Options of renderGateMarkdown(). */
export interface RenderGateMarkdownOptions {
  /** Largest output in UTF-8 bytes, at least 1,024; default 1,000,000 (GitHub job summaries take 1 MiB). */
  maxBytes?: number;
}

/** Room kept for the closing "cut to fit" line. */
const TAIL_RESERVE = 256;

/** Longest observed/expected cell, in characters, before "…". */
const CELL_LIMIT = 300;

/** Lines that are added only while they fit in a byte budget. */
class Budget {
  readonly lines: string[] = [];
  private used = 0;

  constructor(private readonly limit: number) {}

  /** Adds a line if it fits (counting its newline); says whether it did. */
  add(line: string): boolean {
    return this.addAll([line]);
  }

  /** Adds all the lines if they all fit, else none; says whether it did. */
  addAll(lines: string[]): boolean {
    let bytes = 0;
    for (const line of lines) bytes += Buffer.byteLength(line, "utf8") + 1;
    if (this.used + bytes > this.limit) return false;
    this.lines.push(...lines);
    this.used += bytes;
    return true;
  }
}

/** What was left out of a cut report. */
interface Omitted {
  checks: number;
  details: number;
  examples: number;
}

/** Renders a gate report as Markdown of at most maxBytes UTF-8 bytes; when cut, the last line says how much more the JSON report holds. */
export function renderGateMarkdown(report: GateReport, options: RenderGateMarkdownOptions = {}): string {
  const maxBytes = options.maxBytes ?? 1_000_000;
  if (!(maxBytes >= 1_024)) throw new RangeError(`maxBytes must be at least 1,024, not ${maxBytes}`);
  const budget = new Budget(maxBytes - TAIL_RESERVE);
  const checks = orderForReading(report.checks);

  for (const line of headerLines(report)) budget.add(line);
  const shown = addTable(budget, checks);
  const omitted: Omitted = { checks: checks.length - shown, details: 0, examples: 0 };
  for (const check of checks.slice(shown)) omitted.examples += check.examples?.length ?? 0;
  addDetails(budget, checks.slice(0, shown), omitted);

  const lines = budget.lines;
  if (omitted.checks + omitted.details + omitted.examples > 0) lines.push("", cutLine(maxBytes, omitted));
  return `${lines.join("\n")}\n`;
}

/** Failed, then warnings, then passed; the report's order within each. */
function orderForReading(checks: CheckResult[]): CheckResult[] {
  const rank = (c: CheckResult) => (c.passed ? 2 : c.severity === "fail" ? 0 : 1);
  return [...checks].sort((a, b) => rank(a) - rank(b));
}

function headerLines(report: GateReport): string[] {
  const failed = report.checks.filter((c) => !c.passed && c.severity === "fail").length;
  const warned = report.checks.filter((c) => !c.passed && c.severity === "warn").length;
  const { rowsIn, rowsOut, rowsInvalid } = report.counts;
  return [
    `## ${report.passed ? "✅ Gate passed" : "❌ Gate failed"}: stage ${escapeMarkdown(report.stage)}`,
    "",
    `Pipeline ${escapeMarkdown(report.pipeline)}, run ${escapeMarkdown(report.runId)}, evaluated ${report.evaluatedAt}.`,
    `Rows in ${formatCount(rowsIn)}, out ${formatCount(rowsOut)}, invalid ${formatCount(rowsInvalid)}. ` +
      `${formatCountOf(report.checks.length, "check")}: ${formatCount(failed)} failed, ${formatCount(warned)} warned, ` +
      `${formatCount(report.checks.length - failed - warned)} passed.`,
    "",
  ];
}

/** Adds the table header and as many rows as fit; returns how many rows were added. */
function addTable(budget: Budget, checks: CheckResult[]): number {
  if (!budget.add("| check | severity | result | observed | expected |")) return 0;
  if (!budget.add("| --- | --- | --- | --- | --- |")) return 0;
  let shown = 0;
  for (const check of checks) {
    const cells = [check.name, check.severity, resultLabel(check), describeValue(check.observed), describeValue(check.expected)];
    if (!budget.add(`| ${cells.map((cell, i) => (i === 2 ? cell : escapeMarkdown(cell))).join(" | ")} |`)) break;
    shown += 1;
  }
  return shown;
}

/** Adds each check's message and examples while they fit, counting what does not. */
function addDetails(budget: Budget, checks: CheckResult[], omitted: Omitted): void {
  if (checks.length === 0 || !budget.add("") || !budget.add("### Details")) {
    countLeftOut(checks, 0, 0, omitted);
    return;
  }
  for (let i = 0; i < checks.length; i++) {
    const check = checks[i];
    const block = ["", `#### ${resultLabel(check)} ${escapeMarkdown(check.name)}`, "", escapeMarkdown(check.message)];
    if (!budget.addAll(block)) {
      countLeftOut(checks, i, 0, omitted);
      return;
    }
    const examples = check.examples ?? [];
    if (examples.length > 0 && !budget.addAll(["", "Examples:"])) {
      countLeftOut(checks, i, 0, omitted, false);
      return;
    }
    for (let e = 0; e < examples.length; e++) {
      if (!budget.add(`- ${describeExample(examples[e])}`)) {
        countLeftOut(checks, i, e, omitted, false);
        return;
      }
    }
  }
}

/** Counts the details and examples from checks[from] (its examples from `example` on) as left out. */
function countLeftOut(checks: CheckResult[], from: number, example: number, omitted: Omitted, includeFirst = true): void {
  for (let i = from; i < checks.length; i++) {
    if (i > from || includeFirst) omitted.details += 1;
    const examples = checks[i].examples?.length ?? 0;
    omitted.examples += i === from ? examples - example : examples;
  }
}

function cutLine(maxBytes: number, omitted: Omitted): string {
  const parts: string[] = [];
  if (omitted.checks > 0) parts.push(`${formatCountOf(omitted.checks, "more check", "more checks")}`);
  if (omitted.details > 0) parts.push(`the details of ${formatCountOf(omitted.details, "check")}`);
  if (omitted.examples > 0) parts.push(`${formatCountOf(omitted.examples, "more example", "more examples")}`);
  const listed = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
  return `_Cut to fit ${formatCount(maxBytes)} bytes: ${listed} are in the JSON report._`;
}

function resultLabel(check: CheckResult): string {
  if (check.passed) return "✅ passed";
  return check.severity === "warn" ? "⚠️ warning" : "❌ failed";
}

/** An observed/expected value in a cell: "key: value" pairs for objects, shortened to CELL_LIMIT characters. */
function describeValue(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = "—";
  else if (typeof value === "string") text = value;
  else if (typeof value === "object" && !Array.isArray(value)) {
    text = Object.entries(value).map(([key, v]) => `${key}: ${jsonText(v)}`).join(", ");
  } else text = jsonText(value);
  return text.length > CELL_LIMIT ? `${text.slice(0, CELL_LIMIT - 1)}…` : text;
}

/** An example as a list item: "value ×count (note)" for { value, count }, else its JSON. */
function describeExample(example: unknown): string {
  if (typeof example === "object" && example !== null && "value" in example) {
    const { value, count, note } = example as { value: unknown; count?: unknown; note?: unknown };
    const times = typeof count === "number" ? ` ×${formatCount(count)}` : "";
    const because = typeof note === "string" ? ` (${note})` : "";
    return escapeMarkdown(shorten(`${jsonText(value)}${times}${because}`));
  }
  return escapeMarkdown(shorten(jsonText(example)));
}

function shorten(text: string): string {
  return text.length > CELL_LIMIT ? `${text.slice(0, CELL_LIMIT - 1)}…` : text;
}

function jsonText(value: unknown): string {
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
