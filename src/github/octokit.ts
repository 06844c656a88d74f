// The GitHub REST client the action uses for failure issues: Octokit with
// GitHub's rate-limit rules built in. A rate-limited request waits as long
// as GitHub asks (Retry-After, or until x-ratelimit-reset; at least 60 s for
// a secondary limit that names no time) and is retried up to 3 times. Writes
// go out strictly one at a time, as GitHub asks of integrations, because
// concurrent writes are what trips the secondary limit in the first place.
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
// Bottleneck is the queue library plugin-throttling is built on; we only
// construct its write queues so their pacing can be set (see makeOctokit).
import Bottleneck from "bottleneck";
import type { Logger } from "../pipeline/types.js";

const BulkheadOctokit = Octokit.plugin(retry, throttling);

/** The Octokit client made by makeOctokit. */
export type GitHubClient = InstanceType<typeof BulkheadOctokit>;

/** Which GitHub limit a wait is for. */
export type RateLimitKind = "rate-limit" | "secondary-rate-limit";

/** How makeOctokit reaches GitHub and how patiently. */
export interface MakeOctokitOptions {
  /** The token (GITHUB_TOKEN). Never logged; the caller registers it for redaction. */
  token: string;
  /** REST API root; default https://api.github.com. Tests pass the emulator's URL. */
  baseUrl?: string;
  logger: Logger;
  /** Called before each rate-limit wait with the seconds GitHub asked for. */
  onWait?: (seconds: number, kind: RateLimitKind) => void;
  /** Retries after a rate limit or a 5xx; default 3. */
  maxRetries?: number;
  /** A rate limit asking to wait longer than this fails at once; default 900 s (15 min). */
  maxWaitSeconds?: number;
  /**
   * Milliseconds actually waited per second GitHub asks for; default 1,000.
   * Tests pass 1 so a 60 s wait takes 60 ms while onWait still reports 60.
   */
  msPerWaitSecond?: number;
  /**
   * Least time between the starts of two writes; default 1,000 ms, and
   * 3,000 ms for writes that notify people (issues, comments), as GitHub
   * recommends. Tests pass 0.
   */
  minWriteIntervalMs?: number;
}

const DEFAULT_MAX_RETRIES = 3;
const DEFAULT_MAX_WAIT_SECONDS = 900;

/**
 * Makes an Octokit client with retries (5xx, network errors), GitHub's
 * rate-limit rules and serialised writes.
 *
 * @example
 * const octokit = makeOctokit({ token: process.env.GITHUB_TOKEN!, logger });
 */
export function makeOctokit(options: MakeOctokitOptions): GitHubClient {
  const msPerSecond = options.msPerWaitSecond ?? 1_000;
  const octokit = new BulkheadOctokit({
    auth: options.token,
    baseUrl: options.baseUrl,
    userAgent: "bulkhead",
    log: octokitLog(options.logger),
    retry: { retries: options.maxRetries ?? DEFAULT_MAX_RETRIES, retryAfterBaseValue: msPerSecond },
    throttle: {
      onRateLimit: onLimit("rate-limit", options),
      onSecondaryRateLimit: onLimit("secondary-rate-limit", options),
      retryAfterBaseValue: msPerSecond,
      ...writePacing(options.minWriteIntervalMs),
    },
  });
  serialiseWrites(octokit);
  return octokit;
}

/**
 * The handler plugin-throttling calls when GitHub refuses a request for a
 * rate limit. Returning true retries after `seconds`; the plugin has
 * already chosen them: Retry-After, else x-ratelimit-reset for the primary
 * limit, else 60 s for a secondary limit (GitHub's documented rule).
 */
function onLimit(kind: RateLimitKind, options: MakeOctokitOptions) {
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const maxWait = options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
  const what = kind === "rate-limit" ? "rate limit" : "secondary rate limit";

  return (seconds: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    const where = `${request.method} ${request.url}`;
    if (retryCount >= maxRetries) {
      options.logger.warn(`GitHub ${what} on ${where}: giving up after ${maxRetries} retries`);
      return false;
    }
    if (seconds > maxWait) {
      options.logger.warn(`GitHub ${what} on ${where}: GitHub asks to wait ${seconds} s, more than the ${maxWait} s allowed; giving up`);
      return false;
    }
    options.logger.warn(`GitHub ${what} on ${where}: waiting ${seconds} s before retry ${retryCount + 1} of ${maxRetries}`);
    options.onWait?.(seconds, kind);
    return true;
  };
}

/**
 * plugin-throttling keeps its write queues in module state shared by every
 * client, paced at 1 s (3 s for notifying writes). Only when the caller
 * asks for other pacing do we give this client queues of its own.
 */
function writePacing(minWriteIntervalMs: number | undefined) {
  if (minWriteIntervalMs === undefined) return {};
  const queue = () => new Bottleneck.Group({ maxConcurrent: 1, minTime: minWriteIntervalMs });
  return { write: queue(), notifications: queue() };
}

/**
 * Lets one write (POST, PATCH, PUT, DELETE) be in flight at a time,
 * including its retries and rate-limit waits. plugin-throttling only spaces
 * the starts of writes, so a slow write could still overlap the next one.
 */
function serialiseWrites(octokit: GitHubClient): void {
  let previousWrite: Promise<unknown> = Promise.resolve();
  octokit.hook.wrap("request", async (request, options) => {
    if (options.method === "GET" || options.method === "HEAD") return request(options);

    const write = previousWrite.then(() => request(options));
    previousWrite = write.catch(() => undefined);
    return write;
  });
}

/**
 * Octokit's log, routed to ours. Only the message is passed on: Octokit
 * adds the request options (with the Authorization header) as a second
 * argument. Per-request lines, failed ones included, are debug output: a
 * failure that matters reaches the caller as an error.
 */
function octokitLog(logger: Logger) {
  return {
    debug: (message: string) => logger.debug(message),
    info: (message: string) => logger.debug(message),
    warn: (message: string) => logger.warn(message),
    error: (message: string) => logger.debug(message),
  };
}
