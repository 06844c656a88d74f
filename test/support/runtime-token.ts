// The ACTIONS_RUNTIME_TOKEN the libraries send: an unsigned JWT whose `scp`
// names the run and job (read by @actions/artifact) and whose `ac` lists the
// cache scopes (read only by the server; github-services.md §3).

/** Cache permission bits inside the `ac` claim: 1 read, 2 write, 3 both. */
export const CACHE_READ = 1;
export const CACHE_WRITE = 2;

export interface CacheScope {
  /** A ref such as "refs/heads/main". */
  scope: string;
  permission: number;
}

export interface RuntimeTokenOptions {
  runBackendId: string;
  jobBackendId: string;
  /** Readable scopes in lookup order; the first writable one takes writes. */
  cacheScopes: CacheScope[];
}

/** What the emulator learns from a token. */
export interface RuntimeTokenClaims {
  runBackendId: string;
  jobBackendId: string;
  /** `undefined` when the token has no `ac` claim. */
  cacheScopes: CacheScope[] | undefined;
}

/** Makes an unsigned (`alg: none`) runtime token; both libraries accept it. */
export function makeRuntimeToken(options: RuntimeTokenOptions): string {
  const header = { alg: "none", typ: "JWT" };
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: "bulkhead-results-emulator",
    iat: now,
    exp: now + 6 * 3600,
    scp: [
      "Actions.ExampleScope",
      `Actions.Results:${options.runBackendId}:${options.jobBackendId}`,
    ].join(" "),
    ac: JSON.stringify(
      options.cacheScopes.map((s) => ({ Scope: s.scope, Permission: s.permission })),
    ),
  };
  return `${base64url(header)}.${base64url(payload)}.`;
}

/**
 * Reads the claims the service relies on, or explains exactly what is
 * wrong. Like GitHub's clients it ignores the signature.
 */
export function parseRuntimeToken(
  token: string,
): { ok: true; claims: RuntimeTokenClaims } | { ok: false; problem: string } {
  const parts = token.split(".");
  if (parts.length < 2) return { ok: false, problem: "token is not a JWT (no '.')" };

  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    return { ok: false, problem: "JWT payload is not base64url JSON" };
  }
  if (typeof payload !== "object" || payload === null) {
    return { ok: false, problem: "JWT payload is not an object" };
  }

  const { scp, ac } = payload as { scp?: unknown; ac?: unknown };
  if (typeof scp !== "string") return { ok: false, problem: "JWT has no string `scp` claim" };
  const results = scp.split(" ").find((entry) => entry.startsWith("Actions.Results:"));
  const ids = results?.split(":");
  if (!ids || ids.length !== 3 || !ids[1] || !ids[2]) {
    return {
      ok: false,
      problem: "JWT `scp` has no entry Actions.Results:<runBackendId>:<jobBackendId>",
    };
  }

  const cacheScopes = parseCacheScopes(ac);
  if (typeof cacheScopes === "string") return { ok: false, problem: cacheScopes };
  return {
    ok: true,
    claims: { runBackendId: ids[1], jobBackendId: ids[2], cacheScopes },
  };
}

function parseCacheScopes(ac: unknown): CacheScope[] | undefined | string {
  if (ac === undefined) return undefined;
  if (typeof ac !== "string") return "JWT `ac` claim must be a JSON string";
  let entries: unknown;
  try {
    entries = JSON.parse(ac);
  } catch {
    return "JWT `ac` claim is not valid JSON";
  }
  if (!Array.isArray(entries)) return "JWT `ac` claim must be a JSON array";
  const scopes: CacheScope[] = [];
  for (const entry of entries) {
    const { Scope, Permission } = (entry ?? {}) as { Scope?: unknown; Permission?: unknown };
    if (typeof Scope !== "string" || typeof Permission !== "number") {
      return "JWT `ac` entries must look like {\"Scope\":\"refs/heads/main\",\"Permission\":3}";
    }
    scopes.push({ scope: Scope, permission: Permission });
  }
  return scopes;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
