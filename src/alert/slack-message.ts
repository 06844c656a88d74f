// Builds the Block Kit message for an alert, within Slack's limits. Anything
// too long is cut with "…" and a note of how much was cut; a gate with many
// failing checks lists the first ones and sums up the rest in one section.
import type { AlertFact, FailingCheck, FormattedAlert } from "./format.js";
import { renderAlertText } from "./render-text.js";
import { describeCut, formatCount, truncate } from "./truncate.js";

/** Slack's documented limits for messages (lengths in characters). */
export const SLACK_LIMITS = {
  /** Blocks per message. */
  blocks: 50,
  /** Header block text (plain_text). */
  headerText: 150,
  /** Section block text. */
  sectionText: 3_000,
  /** Fields per section block. */
  fields: 10,
  /** Text of one field. */
  fieldText: 2_000,
  /** Elements per context block. */
  contextElements: 10,
  /** Top-level `text`: Slack truncates longer; it is shown in notifications. */
  fallbackText: 4_000,
} as const;

/** Failing checks listed one section each; the rest are summed up. */
export const MAX_CHECK_SECTIONS = 15;

/** A Block Kit text object. */
export interface SlackText {
  type: "plain_text" | "mrkdwn";
  text: string;
  emoji?: boolean;
}

/** The block types this channel sends. */
export type SlackBlock =
  | { type: "header"; text: SlackText }
  | { type: "section"; text?: SlackText; fields?: SlackText[] }
  | { type: "context"; elements: SlackText[] }
  | { type: "divider" };

/** The JSON body posted to an incoming webhook. */
export interface SlackMessage {
  /** Plain fallback shown in notifications, at most 4,000 characters. */
  text: string;
  blocks: SlackBlock[];
}

/** Builds the webhook body for a formatted (already redacted) alert. */
export function buildSlackMessage(alert: FormattedAlert): SlackMessage {
  const blocks: SlackBlock[] = [
    headerBlock(alert.title),
    ...factSections(alert.facts),
    ...errorSection(alert),
    ...checkpointSection(alert),
    ...gateSections(alert),
    nextStepSection(alert),
    contextBlock(alert),
  ];
  return {
    text: fitMrkdwn(renderAlertText(alert), SLACK_LIMITS.fallbackText),
    blocks: capBlocks(blocks),
  };
}

/** The title as a header; plain text, so no escaping, cut at 150. */
function headerBlock(title: string): SlackBlock {
  const text = truncate(title, SLACK_LIMITS.headerText);
  return { type: "header", text: { type: "plain_text", text, emoji: true } };
}

/** Facts as two-column fields, ten per section. */
export function factSections(facts: AlertFact[]): SlackBlock[] {
  const sections: SlackBlock[] = [];
  for (let i = 0; i < facts.length; i += SLACK_LIMITS.fields) {
    const fields = facts.slice(i, i + SLACK_LIMITS.fields).map((fact) => {
      const label = `*${escapeMrkdwn(fact.label)}*\n`;
      const value = fitMrkdwn(fact.value, SLACK_LIMITS.fieldText - label.length);
      return mrkdwn(label + value);
    });
    sections.push({ type: "section", fields });
  }
  return sections;
}

function errorSection(alert: FormattedAlert): SlackBlock[] {
  if (!alert.error) return [];
  const cut = describeCut(alert.error);
  const after = cut ? `\n${escapeMrkdwn(cut)}` : "";
  const head = "*Error*\n```";
  const tail = "```" + after;
  const body = fitMrkdwn(
    alert.error.text.replaceAll("```", "`\u200b``"), // keep the code block closed
    SLACK_LIMITS.sectionText - head.length - tail.length,
  );
  return [section(head + body + tail)];
}

function checkpointSection(alert: FormattedAlert): SlackBlock[] {
  const lines = [alert.checkpointLine, alert.cursorLine].filter(
    (line): line is string => line !== undefined,
  );
  if (lines.length === 0) return [];
  return [section(fitMrkdwn(lines.join("\n"), SLACK_LIMITS.sectionText))];
}

/** The gate's summary, one section per failing check, and the overflow. */
function gateSections(alert: FormattedAlert): SlackBlock[] {
  const gate = alert.gate;
  if (!gate) return [];

  const title = `*Gate after stage ${escapeMrkdwn(gate.stage)}*: `;
  const blocks: SlackBlock[] = [
    section(title + fitMrkdwn(gate.line, SLACK_LIMITS.sectionText - title.length)),
  ];
  const shown = gate.failing.slice(0, MAX_CHECK_SECTIONS);
  blocks.push(...shown.map((check) => section(checkText(check))));

  const rest = gate.failing.slice(MAX_CHECK_SECTIONS);
  if (rest.length > 0) blocks.push(section(overflowText(rest)));
  return blocks;
}

function checkText(check: FailingCheck): string {
  const text =
    `✗ *${escapeMrkdwn(check.name)}* [${check.severity}]\n` +
    `observed \`${escapeMrkdwn(check.observed)}\`\n` +
    `expected \`${escapeMrkdwn(check.expected)}\`\n` +
    escapeMrkdwn(check.message);
  return truncateMrkdwn(text, SLACK_LIMITS.sectionText);
}

/** "…and 45 more failing checks: a, b, c" */
function overflowText(rest: FailingCheck[]): string {
  const head = `…and ${formatCount(rest.length)} more failing checks: `;
  const names = rest.map((check) => check.name).join(", ");
  return escapeMrkdwn(head) + fitMrkdwn(names, SLACK_LIMITS.sectionText - head.length);
}

function nextStepSection(alert: FormattedAlert): SlackBlock {
  const lines = [`*Next step*: ${escapeMrkdwn(alert.nextStep)}`];
  const links = [link(alert.runUrl, "the run"), link(alert.reportUrl, "full report")];
  const present = links.filter((l): l is string => l !== undefined);
  if (present.length > 0) lines.push(present.join(" · "));
  return section(truncateMrkdwn(lines.join("\n"), SLACK_LIMITS.sectionText));
}

/** A Slack link for http(s) URLs; a local path is shown as code. */
function link(url: string | undefined, label: string): string | undefined {
  if (url === undefined) return undefined;
  if (/^https?:\/\/[^\s|<>]+$/.test(url)) return `<${url}|Open ${label}>`;
  return `${label}: \`${escapeMrkdwn(url)}\``;
}

function contextBlock(alert: FormattedAlert): SlackBlock {
  const text = escapeMrkdwn(`${alert.kind} alert · ${alert.at} · sent by Bulkhead`);
  return { type: "context", elements: [mrkdwn(truncateMrkdwn(text, 300))] };
}

/** Keeps the first 49 blocks and says how many more there were. */
function capBlocks(blocks: SlackBlock[]): SlackBlock[] {
  if (blocks.length <= SLACK_LIMITS.blocks) return blocks;
  const kept = blocks.slice(0, SLACK_LIMITS.blocks - 1);
  const cut = blocks.length - kept.length;
  return [...kept, section(`…and ${formatCount(cut)} more blocks not shown`)];
}

function section(text: string): SlackBlock {
  return { type: "section", text: mrkdwn(text) };
}

function mrkdwn(text: string): SlackText {
  return { type: "mrkdwn", text };
}

/** Escapes the three characters Slack's mrkdwn reserves: & < >. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Escapes `raw` and shortens it so the escaped text is at most `max`
 * characters; the "… (N more characters)" note counts characters of `raw`.
 */
export function fitMrkdwn(raw: string, max: number): string {
  if (max <= 0) return "";
  let budget = max;
  for (;;) {
    const escaped = escapeMrkdwn(truncate(raw, budget));
    if (escaped.length <= max) return escaped;
    budget -= escaped.length - max;
  }
}

/** Shortens already-escaped mrkdwn without cutting an entity (`&amp;`) in two. */
function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = truncate(text, max);
  return cut.replace(/&[a-z]{0,3}(?=…)/, "");
}
