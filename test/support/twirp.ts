// Twirp's error model: a status code plus JSON {code, msg}. Every
// deterministic failure is a 4xx with JSON, because the clients retry 5xx and
// non-JSON answers for about 30 s (github-services.md §4, snag 10).

const STATUS_BY_CODE = {
  invalid_argument: 400,
  malformed: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  failed_precondition: 412,
  resource_exhausted: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type TwirpCode = keyof typeof STATUS_BY_CODE;

/** Thrown by a handler to answer a Twirp error. */
export class TwirpError extends Error {
  readonly status: number;

  constructor(
    readonly code: TwirpCode,
    readonly msg: string,
  ) {
    super(`${code}: ${msg}`);
    this.name = "TwirpError";
    this.status = STATUS_BY_CODE[code];
  }

  toJSON(): { code: string; msg: string } {
    return { code: this.code, msg: this.msg };
  }
}
