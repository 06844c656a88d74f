// The Markdown a failure issue (or its comment) shows for one workflow run:
// every failed shard, gate and cancellation with its facts, the links, and
// what to do next. GitHub refuses bodies over 65,536 characters, so the text
// is built under a budget: errors and check lists are shortened first, and
// only then are whole failures left out, with a pointer to the report.
import { formatAlert, type FormattedAlert } from "../alert/format.js";
import type { Redactor } from "../alert/redact.js";
import { describeCheckLine } from "../alert/render-text.js";
import { describeCut, firstLines, formatCount, truncate } from "../alert/truncate.js";
import type { AlertEvent } from "../alert/types.js";

/**
 * Largest issue body or comment we write, in UTF-16 code units. GitHub's
 * limit is 65,536 characters; code units are never fewer than characters,
 * so staying under this budget stays under GitHub's limit.
 */
export const ISSUE_TEXT_BUDGET = 65_000;

/** GitHub's limit on an issue title, in characters. */
const TITLE_MAX_CHARS = 256;
/** A failing check's line is shortened to this many code units. */
const CHECK_LINE_MAX_CHARS = 800;
/** At most this many distinct next steps suggested by the events are listed. */
const NEXT_STEPS_MAX = 5;

/** How much of each failure is shown; the text steps down until it fits. */
interface Detail {
  errorLines: number;
  errorChars: number;
  checks: number;
}

const DETAIL_LEVELS: readonly Detail[] = [
  { errorLines: 20, errorChars: 2_000, checks: 50 },
  { errorLines: 10, errorChars: 800, checks: 20 },
  { errorLines: 5, errorChars: 300, checks: 10 },
  { errorLines: 2, errorChars: 120, checks: 3 },
];

/** What a run report is made of. */
export interface RunReportOptions {
  pipeline: string;
  /** The run's failure, gate and cancelled events, in the order to show them. */
  events: readonly AlertEvent[];
  runUrl: string;
  /** Link to the full report artifact. */
  reportUrl?: string;
  /** The pipeline's file, for the local command; default "<pipeline file>". */
  pipelineFile?: string;
  redact: Redactor;
  /** Largest text to return, in UTF-16 code units; default ISSUE_TEXT_BUDGET. */
  budget?: number;
}

/** "Bulkhead: pipeline flight-delays is failing", redacted, at most 256 characters. */
export function failureIssueTitle(pipeline: string, redact: Redactor): string {
  return truncate(`Bulkhead: pipeline ${redact(pipeline)} is failing`, TITLE_MAX_CHARS);
}

/**
 * Renders one run's failures as Markdown of at most `budget` code units,
 * every part redacted. When everything does not fit, errors and lists of
 * checks are shortened first; then the failures that still do not fit are
 * counted in "…and N more failures; see the report artifact <link>".
 */
export function renderRunReport(options: RunReportOptions): string {
  const { redact } = options;
  const budget = options.budget ?? ISSUE_TEXT_BUDGET;
  const failures = options.events.map((event) => prepareFailure(event, redact));
  const head = renderHead(options);
  const tail = renderNextSteps(options);

  for (const detail of DETAIL_LEVELS) {
    const sections = failures.map((failure) => renderFailure(failure, detail));
    const text = redact(joinBlocks([head, ...sections, tail]));
    if (text.length <= budget) return text;
  }

  const fewest = DETAIL_LEVELS[DETAIL_LEVELS.length - 1];
  const sections = failures.map((failure) => renderFailure(failure, fewest));
  const text = redact(fitSections(head, sections, tail, budget, options));
  // Only pathological inputs (a 60,000-character run URL) get here too long.
  return truncate(text, budget);
}

/** An event with its facts formatted and its full error redacted, once. */
interface PreparedFailure {
  alert: FormattedAlert;
  error?: string;
}

function prepareFailure(event: AlertEvent, redact: Redactor): PreparedFailure {
  return {
    alert: formatAlert(event, redact),
    error: event.error === undefined ? undefined : redact(event.error),
  };
}

/** "## ❌ flight-delays failed in run 42" and the counts and links. */
function renderHead(options: RunReportOptions): string {
  const { redact, events } = options;
  const runId = events[0]?.runId ?? "";
  const links = [`[run ${inline(redact(runId))}](${redact(options.runUrl)})`];
  if (options.reportUrl) links.push(`[full report](${redact(options.reportUrl)})`);
  return [
    `## ❌ ${inline(redact(options.pipeline))} failed in run ${inline(redact(runId))}`,
    `${describeCounts(events)} · ${links.join(" · ")}`,
  ].join("\n");
}

/** "2 shards failed, 1 gate failed, 1 job cancelled" */
export function describeCounts(events: readonly AlertEvent[]): string {
  const count = (kind: AlertEvent["kind"]) => events.filter((e) => e.kind === kind).length;
  const parts: string[] = [];
  const failed = count("failure");
  const gates = count("gate");
  const cancelled = count("cancelled");
  if (failed > 0) parts.push(`${formatCount(failed)} ${failed === 1 ? "shard" : "shards"} failed`);
  if (gates > 0) parts.push(`${formatCount(gates)} ${gates === 1 ? "gate" : "gates"} failed`);
  if (cancelled > 0) parts.push(`${formatCount(cancelled)} cancelled`);
  return parts.length > 0 ? parts.join(", ") : "failed";
}

/** One failure: title, facts, checkpoint, error excerpt, failing checks. */
function renderFailure({ alert, error }: PreparedFailure, detail: Detail): string {
  const lines = [`### ${inline(alert.title)}`, inline(formatFacts(alert))];
  if (alert.checkpointLine) lines.push(inline(alert.checkpointLine));
  if (alert.cursorLine) lines.push(inline(alert.cursorLine));

  if (error !== undefined) {
    const excerpt = firstLines(error, detail.errorLines, detail.errorChars);
    lines.push("", fence(excerpt.text));
    const cut = describeCut(excerpt);
    if (cut) lines.push(cut);
  }

  if (alert.gate) {
    const { failing } = alert.gate;
    lines.push("", inline(`Gate after stage ${alert.gate.stage}: ${alert.gate.line}`));
    for (const check of failing.slice(0, detail.checks)) {
      lines.push(`- ${inline(truncate(describeCheckLine(check), CHECK_LINE_MAX_CHARS))}`);
    }
    const more = failing.length - detail.checks;
    if (more > 0) lines.push(`- …and ${formatCount(more)} more failing checks`);
  }
  return lines.join("\n");
}

/** "Stage: enrich · Shard: 2/4 · Attempt: 1 · …" without the pipeline (it is in the heading). */
function formatFacts(alert: FormattedAlert): string {
  return alert.facts
    .filter((fact) => fact.label !== "Pipeline")
    .map((fact) => `${fact.label}: ${fact.value}`)
    .join(" · ");
}

/** Re-run on the run page, or the local command, and the events' own advice. */
function renderNextSteps(options: RunReportOptions): string {
  const { redact } = options;
  const file = options.pipelineFile ? redact(options.pipelineFile) : "<pipeline file>";
  // A failed gate leaves every job green, so GitHub offers no "Re-run
  // failed jobs" for it: only a failed or cancelled shard can resume.
  const resumable = options.events.some((event) => event.kind === "failure" || event.kind === "cancelled");
  const steps = [
    resumable
      ? `- Fix the cause, then open the [run page](${redact(options.runUrl)}) and choose **Re-run failed jobs**: failed shards resume from their last checkpoint.`
      : `- Fix the data or the check, then start the workflow again (**Run workflow**, or wait for the next scheduled run); see the [run page](${redact(options.runUrl)}).`,
    `- Or run it locally: \`npx bulkhead run ${file}\``,
  ];
  const suggested = [...new Set(options.events.map((event) => event.nextStep))];
  for (const step of suggested.slice(0, NEXT_STEPS_MAX)) {
    steps.push(`- ${inline(truncate(redact(step), CHECK_LINE_MAX_CHARS))}`);
  }
  return ["### What to do next", ...steps].join("\n");
}

/**
 * Keeps as many sections as fit, in order, and counts the rest in one
 * line. Room for that line is kept from the start, at its longest.
 */
function fitSections(
  head: string,
  sections: readonly string[],
  tail: string,
  budget: number,
  options: RunReportOptions,
): string {
  const moreLine = (n: number) => describeMore(n, options);
  const separators = (sections.length + 2) * BLOCK_SEPARATOR.length;
  let room = budget - head.length - tail.length - moreLine(sections.length).length - separators;

  const kept: string[] = [];
  for (const section of sections) {
    if (section.length > room) break;
    kept.push(section);
    room -= section.length;
  }
  const left = sections.length - kept.length;
  return joinBlocks([head, ...kept, left > 0 ? moreLine(left) : "", tail]);
}

/** "…and 12 more failures; see the report artifact <link>" */
function describeMore(count: number, options: RunReportOptions): string {
  const noun = count === 1 ? "failure" : "failures";
  const where = options.reportUrl
    ? `the report artifact ${options.redact(options.reportUrl)}`
    : `the run ${options.redact(options.runUrl)}`;
  return `…and ${formatCount(count)} more ${noun}; see ${where}`;
}

const BLOCK_SEPARATOR = "\n\n";

function joinBlocks(blocks: readonly string[]): string {
  return blocks.filter((block) => block !== "").join(BLOCK_SEPARATOR);
}

/**
 * A fenced code block that `text` cannot break out of: the fence is longer
 * than any run of backticks inside (CommonMark's rule).
 */
function fence(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const marks = "`".repeat(Math.max(3, longest + 1));
  return `${marks}text\n${text}\n${marks}`;
}

/**
 * Text shown outside a code block. `<` is escaped so an error or a check
 * message cannot open an HTML comment or tag that hides the rest.
 */
function inline(text: string): string {
  return text.replace(/</g, "&lt;");
}
