// Turns an AlertEvent into the facts every channel shows (DESIGN.md
// "Alerts"): title, scope, the error's first lines, the last checkpoint, the
// failing checks of a gate, links and the next step. Every channel renders
// this one structure, so the console, the log, Slack and the issue tell the
// same story. Redaction happens here, before anything is shortened, so a cut
// can never leave half a secret behind.
import type { CheckResult, GateReport, Severity } from "../validate/types.js";
import { redactDeep, type Redactor } from "./redact.js";
import { firstLines, formatCount, truncate, type TextExcerpt } from "./truncate.js";
import type { AlertEvent, AlertKind } from "./types.js";

/** At most this many lines of the error are shown. */
export const ERROR_MAX_LINES = 20;
/** At most this many characters (UTF-16 code units) of the error are shown. */
export const ERROR_MAX_CHARS = 2_000;
/** Observed and expected values of a check are shortened to this (characters). */
export const CHECK_VALUE_MAX_CHARS = 300;

/** One labelled fact, e.g. { label: "Shard", value: "2/4" }. */
export interface AlertFact {
  label: string;
  value: string;
}

/** A check that did not pass, ready to print. */
export interface FailingCheck {
  name: string;
  severity: Severity;
  /** Compact JSON of what was seen, at most 300 characters. */
  observed: string;
  /** Compact JSON of what was wanted, at most 300 characters. */
  expected: string;
  message: string;
}

/** What a failed gate shows. */
export interface GateSummary {
  stage: string;
  /** "3 of 12 checks failed · rows in 1,000 · out 990 · invalid 10" */
  line: string;
  /** Failing checks, `fail` severity first, then warnings. */
  failing: FailingCheck[];
}

/** An alert's facts, redacted and shortened, shared by every channel. */
export interface FormattedAlert {
  kind: AlertKind;
  /** `info` for a recovery, `error` for everything else. */
  level: "error" | "info";
  /** "❌ flight-delays: stage enrich shard 2/4 failed (attempt 1)" */
  title: string;
  /** Pipeline, stage, shard, attempt, run, checkpoint, checks, time. */
  facts: AlertFact[];
  /** The error's first lines; see describeCut() for what was left out. */
  error?: TextExcerpt;
  /** "last checkpoint: row 1,200,000, saved …" or "no checkpoint yet: …". */
  checkpointLine?: string;
  /** "cursor: {…}" when the checkpoint has a cursor. */
  cursorLine?: string;
  gate?: GateSummary;
  runUrl?: string;
  reportUrl?: string;
  nextStep: string;
  at: string;
}

/**
 * Builds the facts of an alert. Every string of the event (error, stage
 * name, check values, cursor) goes through `redact` before it is shortened.
 */
export function formatAlert(
  event: AlertEvent,
  redact: Redactor = (text) => text,
): FormattedAlert {
  const e = redactDeep(event, redact);
  const gate = e.gate && !e.gate.passed ? summariseGate(e.gate) : undefined;

  return {
    kind: e.kind,
    level: e.kind === "recovered" ? "info" : "error",
    title: formatTitle(e),
    facts: collectFacts(e, gate),
    error: e.error ? firstLines(e.error, ERROR_MAX_LINES, ERROR_MAX_CHARS) : undefined,
    checkpointLine: formatCheckpointLine(e),
    cursorLine: formatCursorLine(e),
    gate,
    runUrl: e.runUrl,
    reportUrl: e.reportUrl,
    nextStep: e.nextStep,
    at: e.at,
  };
}

/** The one-line title, with an emoji for the kind of alert. */
export function formatTitle(event: AlertEvent): string {
  const { pipeline } = event;
  const attempt = event.attempt === undefined ? "" : ` (attempt ${event.attempt})`;
  switch (event.kind) {
    case "failure":
      return `❌ ${pipeline}: ${describeWhere(event)} failed${attempt}`;
    case "cancelled":
      return `🚫 ${pipeline}: ${describeWhere(event)} cancelled${attempt}`;
    case "gate": {
      const stage = event.stage ?? event.gate?.stage ?? "?";
      return `⛔ ${pipeline}: gate after stage ${stage} failed`;
    }
    case "recovered":
      return `✅ ${pipeline}: recovered`;
  }
}

/** "stage enrich shard 2/4", "stage enrich", or "run" when no stage is known. */
function describeWhere(event: AlertEvent): string {
  if (event.stage === undefined) return "run";
  const shard = event.shard === undefined ? "" : ` shard ${event.shard}`;
  return `stage ${event.stage}${shard}`;
}

/**
 * "last checkpoint: row 1,200,000, saved 2026-12-04T10:00:00Z" or, when no
 * checkpoint was saved (null), "no checkpoint yet: the shard restarts from
 * row 0". Undefined when the event says nothing about checkpoints.
 */
export function formatCheckpointLine(event: AlertEvent): string | undefined {
  if (event.checkpoint === undefined) return undefined;
  if (event.checkpoint === null) {
    return "no checkpoint yet: the shard restarts from row 0";
  }
  const { row, savedAt } = event.checkpoint;
  return `last checkpoint: row ${formatCount(row)}, saved ${savedAt}`;
}

function formatCursorLine(event: AlertEvent): string | undefined {
  const cursor = event.checkpoint?.cursor;
  if (cursor === undefined || cursor === null) return undefined;
  return `cursor: ${compactJson(cursor, CHECK_VALUE_MAX_CHARS)}`;
}

function collectFacts(event: AlertEvent, gate?: GateSummary): AlertFact[] {
  const facts: AlertFact[] = [{ label: "Pipeline", value: event.pipeline }];
  const stage = event.stage ?? gate?.stage;
  if (stage !== undefined) facts.push({ label: "Stage", value: stage });
  if (event.shard !== undefined) facts.push({ label: "Shard", value: event.shard });
  if (event.attempt !== undefined) {
    facts.push({ label: "Attempt", value: String(event.attempt) });
  }
  facts.push({ label: "Run", value: event.runId });

  if (event.checkpoint === null) facts.push({ label: "Checkpoint", value: "none yet" });
  if (event.checkpoint) {
    facts.push({ label: "Checkpoint", value: `row ${formatCount(event.checkpoint.row)}` });
  }
  if (gate) facts.push({ label: "Checks failed", value: countFailed(event.gate!) });
  facts.push({ label: "Time", value: event.at });
  return facts;
}

/** The gate's counts and failing checks, `fail` severity first. */
export function summariseGate(report: GateReport): GateSummary {
  const failed = report.checks.filter((check) => !check.passed);
  const ordered = [
    ...failed.filter((check) => check.severity === "fail"),
    ...failed.filter((check) => check.severity !== "fail"),
  ];
  const { rowsIn, rowsOut, rowsInvalid } = report.counts;
  const counts =
    `rows in ${formatCount(rowsIn)} · out ${formatCount(rowsOut)}` +
    ` · invalid ${formatCount(rowsInvalid)}`;
  return {
    stage: report.stage,
    line: `${countFailed(report)} checks failed · ${counts}`,
    failing: ordered.map(describeCheck),
  };
}

function countFailed(report: GateReport): string {
  const failed = report.checks.filter((check) => !check.passed).length;
  return `${failed} of ${report.checks.length}`;
}

function describeCheck(check: CheckResult): FailingCheck {
  return {
    name: check.name,
    severity: check.severity,
    observed: compactJson(check.observed, CHECK_VALUE_MAX_CHARS),
    expected: compactJson(check.expected, CHECK_VALUE_MAX_CHARS),
    message: check.message,
  };
}

/** One-line JSON of `value` (String() when it is not JSON), shortened. */
export function compactJson(value: unknown, max: number): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined; // cycles, BigInt
  }
  return truncate(text ?? String(value), max);
}
