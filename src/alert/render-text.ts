// The plain-text form of an alert: what the console prints and what Slack
// shows in notifications and in clients that cannot draw blocks.
import type { FailingCheck, FormattedAlert } from "./format.js";
import { describeCut } from "./truncate.js";

/**
 * Renders every fact of an alert as plain text, one fact per line:
 *
 * ```text
 * ❌ flight-delays: stage enrich shard 2/4 failed (attempt 1)
 * Pipeline: flight-delays · Stage: enrich · Shard: 2/4 · Attempt: 1 · …
 * error:
 *   TypeError: cannot read properties of undefined
 * last checkpoint: row 1,200,000, saved 2026-12-04T10:00:00Z
 * run: https://github.com/acme/data/actions/runs/42
 * next step: Re-run failed jobs
 * ```
 */
export function renderAlertText(alert: FormattedAlert): string {
  const lines = [alert.title, alert.facts.map((f) => `${f.label}: ${f.value}`).join(" · ")];

  if (alert.error) {
    lines.push("error:", ...indent(alert.error.text));
    const cut = describeCut(alert.error);
    if (cut) lines.push(`  ${cut}`);
  }
  if (alert.checkpointLine) lines.push(alert.checkpointLine);
  if (alert.cursorLine) lines.push(alert.cursorLine);
  if (alert.gate) {
    lines.push(`gate after stage ${alert.gate.stage}: ${alert.gate.line}`);
    lines.push(...alert.gate.failing.map((check) => `  ${describeCheckLine(check)}`));
  }
  if (alert.runUrl) lines.push(`run: ${alert.runUrl}`);
  if (alert.reportUrl) lines.push(`report: ${alert.reportUrl}`);
  lines.push(`next step: ${alert.nextStep}`);
  return lines.join("\n");
}

/** "✗ delay_range [fail]: observed {…}; expected {…} — message" */
export function describeCheckLine(check: FailingCheck): string {
  return (
    `✗ ${check.name} [${check.severity}]: observed ${check.observed};` +
    ` expected ${check.expected} — ${check.message}`
  );
}

function indent(text: string): string[] {
  return text.split("\n").map((line) => `  ${line}`);
}
