// A stateful emulator of the GitHub REST endpoints Bulkhead uses for failure
// issues (issues, issue comments, labels). Every request and response is
// checked against GitHub's official OpenAPI description; anything that breaks
// it is answered 422 and recorded in `violations`.
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { IssueRepository, notFound } from "./github-issues.js";
import type { ApiAnswer, ApiCall, StoredComment, StoredIssue, StoredLabel } from "./github-issues.js";
import { catchHandlerErrors, listenOnLoopback, readBodyText, sendJson } from "./http-json.js";
import { GitHubOpenApi } from "./openapi.js";

export type { StoredComment, StoredIssue, StoredLabel } from "./github-issues.js";
export { MAX_BODY_CHARACTERS, MAX_TITLE_CHARACTERS } from "./github-issues.js";

export interface StartGitHubApiOptions {
  owner: string;
  repo: string;
  /** Token → login. A token not listed acts as `defaultLogin`. */
  users?: Record<string, string>;
  /** Default "github-actions[bot]". */
  defaultLogin?: string;
  /** Holds every response this long (ms), so overlapping writes show up in maxConcurrentWrites. Default 0. */
  latencyMs?: number;
}

/** One request as the emulator received it, and the status it got. */
export interface RecordedRequest {
  method: string;
  /** Path with query string, e.g. /repos/o/r/issues?state=all */
  path: string;
  operationId?: string;
  /** Parsed JSON body, the raw text if it was not JSON, or undefined. */
  body: unknown;
  /** 0 until answered. */
  status: number;
  /** True when an injected fault produced the answer. */
  injected: boolean;
}

export type ViolationKind =
  | "request" // breaks the OpenAPI description
  | "response" // the emulator's own answer breaks it (an emulator bug)
  | "unknown-route" // no such operation in GitHub's REST API
  | "not-emulated" // a real operation or filter this emulator does not implement
  | "unauthenticated"; // no Authorization header

export interface Violation {
  kind: ViolationKind;
  method: string;
  path: string;
  operationId?: string;
  problems: string[];
}

export interface SecondaryRateLimitOptions {
  /** Which write from now on is refused: 1 = the next one. Default 1. */
  onWrite?: number;
  /** Sends Retry-After with this many seconds; omitted by default (octokit then waits its fallback). */
  retryAfterSeconds?: number;
}

export interface ServerErrorOptions {
  /** Default 502. */
  status?: number;
  /** How many consecutive requests fail. Default 1. */
  times?: number;
  /** Count only writes (POST/PATCH/PUT/DELETE). Default false. */
  writesOnly?: boolean;
}

export interface GitHubApi {
  /** Base URL for Octokit's `baseUrl`, e.g. http://127.0.0.1:40111 */
  url: string;
  owner: string;
  repo: string;
  requests: RecordedRequest[];
  violations: Violation[];
  /** Writes being handled right now. */
  readonly inFlightWrites: number;
  /** The most writes ever handled at once; 1 means writes were serialised. */
  readonly maxConcurrentWrites: number;
  issues(): StoredIssue[];
  comments(): StoredComment[];
  labels(): StoredLabel[];
  /** Answers a later write 403 "You have exceeded a secondary rate limit…". */
  injectSecondaryRateLimit(options?: SecondaryRateLimitOptions): void;
  /** Answers the next request(s) with a 5xx. */
  injectServerError(options?: ServerErrorOptions): void;
  stop(): Promise<void>;
}

const WRITE_METHODS = new Set(["POST", "PATCH", "PUT", "DELETE"]);

const SECONDARY_RATE_LIMIT_MESSAGE =
  "You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.";

interface Fault {
  /** Fires on the request whose write (or request) count equals this. */
  at: number;
  counter: "write" | "request";
  answer: ApiAnswer;
}

/** Starts the REST emulator on 127.0.0.1 for one repository. */
export async function startGitHubApi(options: StartGitHubApiOptions): Promise<GitHubApi> {
  const openApi = await GitHubOpenApi.load();
  const requests: RecordedRequest[] = [];
  const violations: Violation[] = [];
  const faults: Fault[] = [];
  const counts = { writes: 0, requests: 0, inFlightWrites: 0, maxConcurrentWrites: 0 };
  // Created after listening, because its URLs need the port.
  let repository: IssueRepository | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path: req.url ?? "/",
      body: undefined,
      status: 0,
      injected: false,
    };
    requests.push(record);
    const isWrite = WRITE_METHODS.has(record.method);
    countArrival(counts, isWrite);
    const fault = faults.find((f) => f.at === (f.counter === "write" ? counts.writes : counts.requests) && (f.counter === "request" || isWrite));

    try {
      const answer = await answerRequest(req, record, fault);
      await sleep(options.latencyMs ?? 0);
      record.status = answer.status;
      sendJson(res, answer.status, answer.body ?? {}, { ...rateLimitHeaders(), ...answer.headers });
    } finally {
      if (isWrite) counts.inFlightWrites -= 1;
    }
  };

  /** Validates against the spec, then injects a fault or lets the repository answer. */
  const answerRequest = async (
    req: IncomingMessage,
    record: RecordedRequest,
    fault: Fault | undefined,
  ): Promise<ApiAnswer> => {
    const url = new URL(record.path, "http://emulator");
    const violate = (kind: ViolationKind, problems: string[], operationId?: string) =>
      violations.push({ kind, method: record.method, path: record.path, operationId, problems });

    const text = await readBodyText(req);
    const parsed = parseBody(text);
    record.body = parsed.body;
    if (!parsed.ok) {
      violate("request", ["body is not valid JSON"]);
      return githubError(400, "Problems parsing JSON", "https://docs.github.com/rest");
    }

    const match = openApi.match(record.method, url.pathname, url.searchParams, parsed.body, text.length > 0);
    if (!match) {
      violate("unknown-route", [`${record.method} ${url.pathname} is not an operation in GitHub's OpenAPI description`]);
      return notFound({ documentationUrl: "https://docs.github.com/rest" });
    }
    record.operationId = match.operationId;
    const docs = match.documentationUrl;

    if (!req.headers.authorization) {
      violate("unauthenticated", ["no Authorization header; GitHub requires a token for this repository"], match.operationId);
      return githubError(401, "Requires authentication", docs);
    }
    if (match.problems.length > 0) {
      violate("request", match.problems, match.operationId);
      return githubError(422, `Invalid request.\n\n${match.problems.join("\n")}`, docs);
    }
    if (fault) {
      record.injected = true;
      return fault.answer;
    }

    const call: ApiCall = {
      operationId: match.operationId,
      pathParams: match.pathParams,
      query: match.query,
      body: (parsed.body ?? {}) as Record<string, unknown>,
      login: loginFor(req.headers.authorization, options),
      documentationUrl: docs,
    };
    const ignored = repository?.unemulatedFilters(call) ?? [];
    if (ignored.length > 0) {
      violate(
        "not-emulated",
        ignored.map((name) => `query parameter ${name} is accepted by GitHub but ignored by this emulator`),
        match.operationId,
      );
    }
    const answer = repository?.handle(call);
    if (!answer) {
      violate("not-emulated", [`${match.operationId} is a real GitHub operation that this emulator does not implement`], match.operationId);
      return githubError(404, `Not emulated: ${match.operationId}`, docs);
    }

    // The emulator's own answers must match the spec too; a problem here is
    // an emulator bug, reported the same way so tests notice.
    const responseProblems = openApi.checkResponse(record.method, url.pathname, answer.status, answer.body);
    if (responseProblems.length > 0) violate("response", responseProblems, match.operationId);
    return answer;
  };

  const server = await listenOnLoopback(catchHandlerErrors(handle));
  const repo = new IssueRepository(options.owner, options.repo, server.url);
  repository = repo;

  return {
    url: server.url,
    owner: options.owner,
    repo: options.repo,
    requests,
    violations,
    get inFlightWrites() {
      return counts.inFlightWrites;
    },
    get maxConcurrentWrites() {
      return counts.maxConcurrentWrites;
    },
    issues: () => repo.issues.map((i) => ({ ...i, labels: [...i.labels] })),
    comments: () => repo.comments.map((c) => ({ ...c })),
    labels: () => repo.labels.map((l) => ({ ...l })),
    injectSecondaryRateLimit({ onWrite = 1, retryAfterSeconds } = {}) {
      faults.push({ at: counts.writes + onWrite, counter: "write", answer: secondaryRateLimit(retryAfterSeconds) });
    },
    injectServerError({ status = 502, times = 1, writesOnly = false } = {}) {
      const counter = writesOnly ? "write" : "request";
      const current = writesOnly ? counts.writes : counts.requests;
      const message = status === 500 ? "Server Error" : "Bad Gateway";
      for (let i = 1; i <= times; i++) {
        faults.push({ at: current + i, counter, answer: { status, body: { message } } });
      }
    },
    stop: () => server.close(),
  };
}

function countArrival(counts: { writes: number; requests: number; inFlightWrites: number; maxConcurrentWrites: number }, isWrite: boolean): void {
  counts.requests += 1;
  if (!isWrite) return;
  counts.writes += 1;
  counts.inFlightWrites += 1;
  counts.maxConcurrentWrites = Math.max(counts.maxConcurrentWrites, counts.inFlightWrites);
}

function loginFor(authorization: string | undefined, options: StartGitHubApiOptions): string {
  const token = authorization?.replace(/^(token|bearer)\s+/i, "") ?? "";
  return options.users?.[token] ?? options.defaultLogin ?? "github-actions[bot]";
}

/** GitHub's error body shape (basic-error). */
function githubError(status: number, message: string, documentationUrl: string): ApiAnswer {
  return { status, body: { message, documentation_url: documentationUrl, status: String(status) } };
}

function parseBody(text: string): { ok: boolean; body: unknown } {
  if (text.length === 0) return { ok: true, body: undefined };
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: false, body: text };
  }
}

function secondaryRateLimit(retryAfterSeconds: number | undefined): ApiAnswer {
  return {
    status: 403,
    body: {
      message: SECONDARY_RATE_LIMIT_MESSAGE,
      documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
      status: "403",
    },
    headers: retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) },
  };
}

/** A healthy primary rate limit, so octokit's throttling never mistakes a 403 for it. */
function rateLimitHeaders(): Record<string, string> {
  return {
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": "4999",
    "x-ratelimit-used": "1",
    "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
    "x-ratelimit-resource": "core",
    "x-github-api-version-selected": "2022-11-28",
  };
}
