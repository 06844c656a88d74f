// An emulator of GitHub's results service (ACTIONS_RESULTS_URL): the Twirp
// JSON CacheService and ArtifactService that @actions/cache (v2) and
// @actions/artifact call, with blobs stored in Azurite. Contract:
// /work/shared/github-services.md.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AzuriteHandle } from "./azurite.js";
import { BlobStore } from "./blob-store.js";
import { catchHandlerErrors, listenOnLoopback, readBodyText, sendJson } from "./http-json.js";
import { ARTIFACT_CONTAINER, ArtifactService } from "./results-artifact-service.js";
import type { Artifact } from "./results-artifact-service.js";
import { CACHE_CONTAINER, CacheService } from "./results-cache-service.js";
import type { CacheEntry } from "./results-cache-service.js";
import { CACHE_READ, CACHE_WRITE, makeRuntimeToken, parseRuntimeToken } from "./runtime-token.js";
import type { CacheScope, RuntimeTokenClaims } from "./runtime-token.js";
import { REQUEST_MESSAGES, findMessageProblems } from "./twirp-messages.js";
import { TwirpError } from "./twirp.js";
import type { TwirpCode } from "./twirp.js";

export type { Artifact } from "./results-artifact-service.js";
export type { CacheEntry } from "./results-cache-service.js";
export { CACHE_READ, CACHE_WRITE } from "./runtime-token.js";

export type CacheMethod = "CreateCacheEntry" | "FinalizeCacheEntryUpload" | "GetCacheEntryDownloadURL";
export type ArtifactMethod =
  | "CreateArtifact"
  | "FinalizeArtifact"
  | "ListArtifacts"
  | "GetSignedArtifactURL"
  | "DeleteArtifact";
export type ResultsMethod = CacheMethod | ArtifactMethod;

/** What an injected fault answers instead of the real handler. */
export type ResultsFault =
  /** A Twirp error, e.g. {status 409, code already_exists}. 5xx are retried ~30 s. */
  | { kind: "twirp-error"; code: TwirpCode; msg: string }
  /** HTTP 200 with ok:false and a message, e.g. "cache write denied: …". */
  | { kind: "not-ok"; message?: string }
  /** A non-JSON body with any status; the clients retry it for ~30 s. */
  | { kind: "raw"; status: number; body: string };

/** One Twirp call as the emulator saw it. */
export interface ResultsCall {
  service: string;
  method: string;
  request: unknown;
  status: number;
  response: unknown;
  /** True when an injected fault produced the answer. */
  injected: boolean;
}

export interface StartResultsServiceOptions {
  azurite: AzuriteHandle;
  /** workflow_run_backend_id; default a random UUID. */
  runBackendId?: string;
  /** workflow_job_run_backend_id of the default job; default a random UUID. */
  jobBackendId?: string;
  /** Numeric GITHUB_RUN_ID put into env(); default 1001. */
  runId?: number;
  /** GITHUB_REPOSITORY put into env(); default "bulkhead/bulkhead". */
  repository?: string;
  /** Cache scopes of tokens that do not choose their own; default main, read+write. */
  cacheScopes?: CacheScope[];
  /** How long an unfinalized cache reservation blocks its key; default 10 min. */
  reservationTtlMs?: number;
}

export interface TokenOptions {
  runBackendId?: string;
  jobBackendId?: string;
  cacheScopes?: CacheScope[];
}

export interface EnvOptions extends TokenOptions {
  /** GITHUB_WORKSPACE: the cache tar root and default artifact download dir. */
  workspace?: string;
  /** RUNNER_TEMP: where the cache library builds archives. */
  runnerTemp?: string;
  /** GITHUB_API_URL (read by @actions/artifact findBy); default a closed loopback port. */
  githubApiUrl?: string;
}

export interface ResultsService {
  /** The ACTIONS_RESULTS_URL origin, e.g. http://127.0.0.1:40123 */
  url: string;
  runBackendId: string;
  jobBackendId: string;
  /** Every variable the real libraries need, with nothing pointing off-host. */
  env(options?: EnvOptions): Record<string, string>;
  /** An ACTIONS_RUNTIME_TOKEN for another job, run or cache scope list. */
  makeToken(options?: TokenOptions): string;
  /** Cache entries, finalized or only reserved, oldest first (copies). */
  caches(): CacheEntry[];
  /** Artifacts, finalized or not, oldest first (copies). */
  artifacts(): Artifact[];
  /** Every Twirp call, in arrival order. */
  calls: ResultsCall[];
  /** Answers the next `times` calls of `method` with `fault` (after validation). */
  injectFault(method: ResultsMethod, fault: ResultsFault, times?: number): void;
  stop(): Promise<void>;
}

const ROUTE = /^\/twirp\/github\.actions\.results\.api\.v1\.(CacheService|ArtifactService)\/([A-Za-z]+)$/;

/** Starts the results emulator on 127.0.0.1 with blobs in `azurite`. */
export async function startResultsService(options: StartResultsServiceOptions): Promise<ResultsService> {
  const runBackendId = options.runBackendId ?? randomUUID();
  const jobBackendId = options.jobBackendId ?? randomUUID();
  const defaultScopes = options.cacheScopes ?? [{ scope: "refs/heads/main", permission: CACHE_READ | CACHE_WRITE }];

  const blobs = new BlobStore(options.azurite);
  await blobs.createContainer(CACHE_CONTAINER);
  await blobs.createContainer(ARTIFACT_CONTAINER);

  let lastId = 1000;
  const nextId = () => ++lastId;
  const handlers = {
    CacheService: new CacheService(blobs, nextId, options.reservationTtlMs ?? 10 * 60_000),
    ArtifactService: new ArtifactService(blobs, nextId),
  };
  const calls: ResultsCall[] = [];
  const faults: { method: string; fault: ResultsFault }[] = [];

  const server = await listenOnLoopback(
    catchHandlerErrors((req, res) => handleTwirp(req, res, { handlers, calls, faults })),
  );

  const makeToken = (token: TokenOptions = {}) =>
    makeRuntimeToken({
      runBackendId: token.runBackendId ?? runBackendId,
      jobBackendId: token.jobBackendId ?? jobBackendId,
      cacheScopes: token.cacheScopes ?? defaultScopes,
    });

  return {
    url: server.url,
    runBackendId,
    jobBackendId,
    env: (env = {}) =>
      libraryEnv({
        resultsUrl: server.url,
        token: makeToken(env),
        runId: options.runId ?? 1001,
        repository: options.repository ?? "bulkhead/bulkhead",
        ref: (env.cacheScopes ?? defaultScopes)[0]?.scope ?? "refs/heads/main",
        ...env,
      }),
    makeToken,
    caches: () => handlers.CacheService.entries.map((e) => ({ ...e })),
    artifacts: () => handlers.ArtifactService.artifacts.map((a) => ({ ...a })),
    calls,
    injectFault(method, fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push({ method, fault });
    },
    stop: () => server.close(),
  };
}

interface LibraryEnvInput extends EnvOptions {
  resultsUrl: string;
  token: string;
  runId: number;
  repository: string;
  ref: string;
}

/**
 * The environment for a child process running the real libraries. Every URL
 * is loopback; the proxy variables point at a closed loopback port so that a
 * request to any other host fails at once instead of leaving the machine.
 */
function libraryEnv(input: LibraryEnvInput): Record<string, string> {
  const closedPort = "http://127.0.0.1:1";
  const env: Record<string, string> = {
    ACTIONS_RUNTIME_TOKEN: input.token,
    ACTIONS_RESULTS_URL: `${input.resultsUrl}/`,
    ACTIONS_CACHE_SERVICE_V2: "1", // without it the cache silently talks v1 (snag 8)
    // Only read for the GHES check; an emulator URL here would mean GHES (snag 7).
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_API_URL: input.githubApiUrl ?? closedPort,
    GITHUB_REPOSITORY: input.repository,
    GITHUB_REPOSITORY_OWNER: input.repository.split("/")[0],
    GITHUB_RUN_ID: String(input.runId),
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_REF: input.ref,
    GITHUB_ACTIONS: "true",
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
    HTTP_PROXY: closedPort,
    HTTPS_PROXY: closedPort,
    http_proxy: closedPort,
    https_proxy: closedPort,
  };
  if (input.workspace) env.GITHUB_WORKSPACE = input.workspace;
  if (input.runnerTemp) env.RUNNER_TEMP = input.runnerTemp;
  return env;
}

interface TwirpContext {
  handlers: Record<string, object>;
  calls: ResultsCall[];
  faults: { method: string; fault: ResultsFault }[];
}

async function handleTwirp(req: IncomingMessage, res: ServerResponse, ctx: TwirpContext): Promise<void> {
  const route = ROUTE.exec(new URL(req.url ?? "/", "http://x").pathname);
  const [service, method] = route ? [route[1], route[2]] : ["?", req.url ?? "?"];
  const text = await readBodyText(req);
  let request: unknown = text;
  const answer = (status: number, response: unknown, injected = false) => {
    ctx.calls.push({ service, method, request, status, response, injected });
    if (typeof response === "string") {
      res.writeHead(status, { "content-type": "text/plain" }).end(response);
    } else {
      sendJson(res, status, response);
    }
  };

  try {
    const handler = routeHandler(req, route, ctx);
    const claims = authenticate(req);
    request = parseJson(text);
    const problems = findMessageProblems(request, REQUEST_MESSAGES[`${service}/${method}`]);
    if (problems.length > 0) throw new TwirpError("invalid_argument", `${method}: ${problems.join("; ")}`);

    const faultIndex = ctx.faults.findIndex((f) => f.method === method);
    if (faultIndex >= 0) {
      const [{ fault }] = ctx.faults.splice(faultIndex, 1);
      return answerFault(fault, answer);
    }
    answer(200, await handler(request, claims));
  } catch (error) {
    if (!(error instanceof TwirpError)) throw error;
    answer(error.status, error.toJSON());
  }
}

type Handler = (request: unknown, claims: RuntimeTokenClaims) => Promise<object>;

function routeHandler(req: IncomingMessage, route: RegExpExecArray | null, ctx: TwirpContext): Handler {
  if (req.method !== "POST") {
    throw new TwirpError("bad_route", `unsupported method ${req.method} (only POST is allowed)`);
  }
  if (!route || !REQUEST_MESSAGES[`${route[1]}/${route[2]}`]) {
    throw new TwirpError("bad_route", `no handler for path ${req.url}`);
  }
  const handler = (ctx.handlers[route[1]] as Record<string, unknown>)[route[2]];
  const contentType = req.headers["content-type"] ?? "";
  if (!contentType.startsWith("application/json")) {
    throw new TwirpError("bad_route", `unexpected Content-Type ${JSON.stringify(contentType)}; the emulator speaks only application/json`);
  }
  return (handler as Handler).bind(ctx.handlers[route[1]]);
}

function authenticate(req: IncomingMessage): RuntimeTokenClaims {
  const header = req.headers.authorization ?? "";
  const match = /^Bearer (\S+)$/.exec(header);
  if (!match) throw new TwirpError("unauthenticated", "missing `Authorization: Bearer <ACTIONS_RUNTIME_TOKEN>` header");
  const parsed = parseRuntimeToken(match[1]);
  if (!parsed.ok) throw new TwirpError("unauthenticated", `invalid runtime token: ${parsed.problem}`);
  return parsed.claims;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new TwirpError("malformed", "the JSON request body could not be decoded");
  }
}

function answerFault(fault: ResultsFault, answer: (status: number, body: unknown, injected: boolean) => void): void {
  switch (fault.kind) {
    case "twirp-error": {
      const error = new TwirpError(fault.code, fault.msg);
      return answer(error.status, error.toJSON(), true);
    }
    case "not-ok":
      return answer(200, fault.message === undefined ? { ok: false } : { ok: false, message: fault.message }, true);
    case "raw":
      return answer(fault.status, fault.body, true);
  }
}
