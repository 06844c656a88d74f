// The Slack channel: posts each alert to an incoming webhook as Block Kit,
// one message at a time and in order, retrying what Slack says is
// temporary (429 after Retry-After, 5xx and network errors with exponential
// backoff). A message that cannot be delivered throws SlackDeliveryError;
// the failure is never swallowed.
import { formatAlert } from "./format.js";
import { composeRedactors, makeRedactor, type Redactor } from "./redact.js";
import { buildSlackMessage, type SlackMessage } from "./slack-message.js";
import { truncate } from "./truncate.js";
import type { AlertChannel } from "./types.js";

/** How to reach Slack and how hard to try. */
export interface SlackChannelOptions {
  /** The incoming webhook URL. Treated as a secret: never printed. */
  webhookUrl: string;
  /** The fetch to use; default: the global fetch. */
  fetch?: typeof fetch;
  /** Retries after the first attempt (429, 5xx, network errors); default 5. */
  maxRetries?: number;
  /** First backoff wait for 5xx and network errors, doubled each retry; default 1,000 ms. */
  backoffMs?: number;
  /** Longest backoff wait; default 30,000 ms. */
  maxBackoffMs?: number;
  /** A 429 asking to wait longer than this fails at once; default 60,000 ms. */
  maxRetryAfterMs?: number;
  /** Per-request timeout; default 10,000 ms. */
  timeoutMs?: number;
  /** Waits `ms` milliseconds; default setTimeout. Tests inject a fake. */
  sleep?: (ms: number) => Promise<void>;
  /** Masks secrets; default: pattern redaction. The webhook URL is always masked. */
  redact?: Redactor;
}

/** Posting to Slack failed for good; the alert was not delivered. */
export class SlackDeliveryError extends Error {
  /** HTTP status of the last response; undefined after a network error. */
  readonly status: number | undefined;
  /** Body of the last response, redacted and at most 500 characters. */
  readonly body: string;
  /** Requests made, including retries. */
  readonly attempts: number;

  constructor(
    details: { status?: number; body: string; attempts: number; reason: string },
    cause?: unknown,
  ) {
    const status = details.status === undefined ? "no response" : `HTTP ${details.status}`;
    const body = details.body ? ` ${JSON.stringify(details.body)}` : "";
    const tries = details.attempts === 1 ? "1 attempt" : `${details.attempts} attempts`;
    super(
      `Slack alert NOT delivered: ${status}${body} after ${tries} (${details.reason}); check the webhook URL and Slack's status, the alert is still in the console and the alert log`,
      { cause },
    );
    this.name = "SlackDeliveryError";
    this.status = details.status;
    this.body = details.body;
    this.attempts = details.attempts;
  }
}

/**
 * Makes a channel that posts alerts to a Slack incoming webhook. Messages
 * go out one at a time in the order `send` was called, so five alerts sent
 * at once arrive in order even when one of them has to wait for a 429.
 * A failed message rejects its own `send` and does not hold up the next.
 */
export function makeSlackChannel(options: SlackChannelOptions): AlertChannel {
  const redact = composeRedactors(
    options.redact ?? makeRedactor([]),
    makeRedactor([options.webhookUrl]),
  );
  let queue: Promise<void> = Promise.resolve();

  return {
    name: "slack",
    send(event) {
      const message = buildSlackMessage(formatAlert(event, redact));
      const delivered = queue.then(() => postSlackMessage(message, options, redact));
      queue = delivered.catch(() => undefined);
      return delivered;
    },
  };
}

/**
 * Posts one message to the webhook, retrying 429 (after Retry-After) and
 * 5xx or network errors (exponential backoff) up to `maxRetries` times.
 * Throws SlackDeliveryError at once for other 4xx answers, or when retries
 * run out.
 */
export async function postSlackMessage(
  message: SlackMessage,
  options: SlackChannelOptions,
  redact: Redactor = makeRedactor([options.webhookUrl]),
): Promise<void> {
  const maxRetries = options.maxRetries ?? 5;
  const sleep = options.sleep ?? defaultSleep;
  const body = JSON.stringify(message);

  for (let attempt = 1; ; attempt++) {
    const outcome = await postOnce(body, options, redact);
    if (outcome.ok) return;

    const wait = retryWait(outcome, attempt, options);
    const retriesLeft = attempt <= maxRetries;
    if (wait.reason !== undefined || !retriesLeft) {
      throw new SlackDeliveryError(
        {
          status: outcome.status,
          body: outcome.body,
          attempts: attempt,
          reason: wait.reason ?? `gave up after ${maxRetries} retries`,
        },
        outcome.cause,
      );
    }
    await sleep(wait.ms);
  }
}

/** What one request came back with. */
interface PostOutcome {
  ok: boolean;
  status?: number;
  /** Redacted, at most 500 characters. */
  body: string;
  retryAfter?: string | null;
  cause?: unknown;
}

async function postOnce(
  body: string,
  options: SlackChannelOptions,
  redact: Redactor,
): Promise<PostOutcome> {
  const doFetch = options.fetch ?? fetch;
  try {
    const response = await doFetch(options.webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    return {
      ok: response.ok,
      status: response.status,
      body: truncate(redact(text), 500),
      retryAfter: response.headers.get("retry-after"),
    };
  } catch (error) {
    const cause = redactError(error, redact);
    return { ok: false, body: truncate(cause.message, 500), cause };
  }
}

/**
 * A copy of a thrown value safe to keep as `cause`: fetch errors can quote
 * the URL ("Failed to parse URL from https://hooks.slack.com/…").
 */
function redactError(thrown: unknown, redact: Redactor): Error {
  const original = thrown instanceof Error ? thrown : new Error(String(thrown));
  const inner = original.cause instanceof Error ? `: ${original.cause.message}` : "";
  const copy = new Error(redact(original.message + inner));
  copy.name = original.name;
  return copy;
}

/**
 * How long to wait before retrying, or why not to retry: 429 waits
 * Retry-After, 5xx and network errors back off exponentially, anything
 * else (400 invalid_blocks, 403, 404 no_service) is final.
 */
function retryWait(
  outcome: PostOutcome,
  attempt: number,
  options: SlackChannelOptions,
): { ms: number; reason?: string } {
  const backoff = Math.min(
    (options.backoffMs ?? 1_000) * 2 ** (attempt - 1),
    options.maxBackoffMs ?? 30_000,
  );
  const { status } = outcome;
  if (status === undefined || status >= 500) return { ms: backoff };
  if (status !== 429) return { ms: 0, reason: "Slack rejected the message; retrying cannot help" };

  const asked = parseRetryAfter(outcome.retryAfter ?? null, Date.now());
  const limit = options.maxRetryAfterMs ?? 60_000;
  if (asked === undefined) return { ms: backoff };
  if (asked > limit) {
    return { ms: 0, reason: `rate limited; Slack asked to wait ${asked} ms, more than the ${limit} ms allowed` };
  }
  return { ms: asked };
}

/**
 * Reads a Retry-After header as milliseconds: delay-seconds ("2") or an
 * HTTP date. Undefined when missing or unreadable.
 */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(header)) return Math.round(Number(header) * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
