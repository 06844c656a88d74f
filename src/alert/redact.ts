// Redaction: every text an alert sends (console, log file, Slack, issue) goes
// through a redactor first, so a secret that leaked into an error message or
// a checkpoint cursor never leaves the machine. Two layers:
//   1. the known secret values, in every encoding they commonly appear in;
//   2. patterns that look like credentials whatever their value (bearer
//      tokens, passwords in URLs, Slack webhooks, GitHub tokens).

/** Replaces credentials in a text with `***`. Idempotent. */
export type Redactor = (text: string) => string;

/** What a redacted value is replaced with. */
export const REDACTED = "***";

/**
 * Secrets shorter than this (in characters) are ignored. A 1–3 character
 * value ("1", "on", "dev") occurs by chance in almost every text — row
 * counts, timestamps, words — so masking it would shred the alert, and the
 * pattern of `***` marks would give the value away anyway. A value that short
 * is not a credential worth protecting.
 */
export const MIN_SECRET_LENGTH = 4;

/**
 * Makes a redactor that masks the given secret values and anything that
 * looks like a credential.
 *
 * For each secret it masks the raw value; its base64 (standard and URL-safe,
 * padded or not) and that of the value followed by "\n" (what `echo secret |
 * base64` prints); its percent-encoding (`encodeURIComponent`, also with `+`
 * for spaces and lower-case hex); its JSON-escaped form (once and twice);
 * and its HTML-escaped form (`&amp;`, as in Slack mrkdwn).
 * Independently of the list it masks `Authorization:` header values,
 * `Bearer <token>`, `Basic <user:password in base64>`, passwords in URLs
 * (`postgres://user:***@host`), Slack webhook URLs, Slack and GitHub tokens,
 * and `password=` / `token:` / `api_key=` style assignments.
 *
 * @example
 * const redact = makeRedactor([process.env.DB_PASSWORD ?? ""]);
 * logger.error(redact(String(error)));
 */
export function makeRedactor(secrets: readonly string[]): Redactor {
  const known = knownSecretsPattern(secrets);
  return (text) => {
    const masked = known ? text.replace(known, REDACTED) : text;
    return redactPatterns(masked);
  };
}

/** Applies redactors one after the other. */
export function composeRedactors(...redactors: Redactor[]): Redactor {
  return (text) => redactors.reduce((acc, redact) => redact(acc), text);
}

/**
 * Returns a copy of `value` with every string in it (object keys included)
 * passed through `redact`. Arrays and plain objects are copied; other
 * values (numbers, Dates, class instances) are kept as they are. Cycles are
 * preserved rather than followed forever.
 */
export function redactDeep<T>(value: T, redact: Redactor): T {
  return redactValue(value, redact, new Map()) as T;
}

function redactValue(
  value: unknown,
  redact: Redactor,
  seen: Map<object, unknown>,
): unknown {
  if (typeof value === "string") return redact(value);
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return seen.get(value);

  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(redactValue(item, redact, seen));
    return copy;
  }
  if (!isPlainObject(value)) return value;

  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [key, item] of Object.entries(value)) {
    copy[redact(key)] = redactValue(item, redact, seen);
  }
  return copy;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

// --- Known secret values ----------------------------------------------------

/** One regular expression matching every encoded form of every secret. */
function knownSecretsPattern(secrets: readonly string[]): RegExp | null {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of encodedForms(secret)) {
      if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
    }
  }
  if (forms.size === 0) return null;

  // Longest first, so a form that contains another is masked whole.
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map(escapeRegExp).join("|"), "g");
}

/** The ways a secret value commonly shows up in logs and error messages. */
export function encodedForms(secret: string): string[] {
  const forms = [secret];
  for (const plain of [secret, `${secret}\n`]) forms.push(...base64Forms(plain));

  const percent = encodeURIComponent(secret);
  forms.push(percent, percent.replace(/%20/g, "+"));
  forms.push(percent.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));

  const json = JSON.stringify(secret).slice(1, -1);
  forms.push(json, JSON.stringify(json).slice(1, -1));
  forms.push(escapeHtml(secret));
  return forms;
}

/** HTML escaping, which Slack mrkdwn and GitHub Markdown output also use. */
function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function base64Forms(plain: string): string[] {
  const bytes = Buffer.from(plain, "utf8");
  const standard = bytes.toString("base64");
  const urlSafe = bytes.toString("base64url");
  const unpadded = standard.replace(/=+$/, "");
  const padding = standard.slice(unpadded.length);
  return [standard, unpadded, urlSafe, urlSafe + padding];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// --- Credential-shaped patterns ---------------------------------------------

interface RedactionPattern {
  /** What the pattern catches, for readers of this file. */
  what: string;
  regex: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

const PATTERNS: RedactionPattern[] = [
  {
    what: "Slack incoming webhook URL (also percent-encoded)",
    regex:
      /(hooks\.slack\.com(?:\/|%2F))(services|workflows|triggers)(?:\/|%2F)[\w-]+(?:(?:\/|%2F)[\w-]+)*/gi,
    replace: (_m, host, kind) => `${host}${kind}/${REDACTED}`,
  },
  {
    what: "GitHub tokens: ghp_, gho_, ghu_, ghs_, ghr_",
    regex: /\b(gh[pousr])_[A-Za-z0-9]{20,}/g,
    replace: (_m, prefix) => `${prefix}_${REDACTED}`,
  },
  {
    what: "GitHub fine-grained personal access token",
    regex: /\bgithub_pat_\w{20,}/g,
    replace: () => `github_pat_${REDACTED}`,
  },
  {
    what: "Slack tokens: xoxb-, xoxp-, xoxa-, ...",
    regex: /\b(xox[abeoprs])-[A-Za-z0-9-]{8,}/g,
    replace: (_m, prefix) => `${prefix}-${REDACTED}`,
  },
  {
    what: "Authorization header value, keeping its scheme (Bearer, token...)",
    regex:
      /\b(authorization["']?\s*[:=]\s*["']?)(?:(bearer|basic|token|digest|bot)\s+)?([^\s"',;]+)/gi,
    replace: (_m, head, scheme) =>
      `${head}${scheme ? `${scheme} ` : ""}${REDACTED}`,
  },
  {
    what: "Bearer token outside a header (needs a digit or . _ - ~ + /)",
    regex: /\b(Bearer)\s+(?=[\w.~+/-]*[\d.~+/_-])[\w.~+/-]{8,}=*/g,
    replace: (_m, scheme) => `${scheme} ${REDACTED}`,
  },
  {
    what: "Basic credentials: base64 of user:password",
    regex: /\b(Basic)\s+([A-Za-z0-9+/]{4,}={0,2})/g,
    replace: (match, scheme, value) =>
      isBase64UserPassword(value) ? `${scheme} ${REDACTED}` : match,
  },
  {
    what: "credentials in a URL: scheme://user:password@host (any scheme)",
    regex:
      /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/?#"'<>]+)(?::([^\s@/?#"'<>]*))?@/gi,
    replace: (_m, scheme, user, password) =>
      password === undefined
        ? `${scheme}${REDACTED}@` // a bare token used as the user name
        : `${scheme}${user}:${REDACTED}@`,
  },
  {
    what: "assignments such as PGPASSWORD=..., api_key: ..., ?access_token=...",
    regex:
      /\b(\w*(?:password|passwd|secret|token|api[_-]?key)["']?\s*[:=]\s*["']?)([^\s"',;&]+)/gi,
    replace: (_m, head) => `${head}${REDACTED}`,
  },
];

function redactPatterns(text: string): string {
  let result = text;
  for (const pattern of PATTERNS) {
    result = result.replace(pattern.regex, pattern.replace);
  }
  return result;
}

/** True when `value` decodes to printable text of the form `user:password`. */
function isBase64UserPassword(value: string): boolean {
  const decoded = Buffer.from(value, "base64").toString("utf8");
  return decoded.includes(":") && /^[\x20-\x7e]+$/.test(decoded);
}
