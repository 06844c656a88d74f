// Secrets the local CLI keeps out of its output: the Slack webhook URL and
// the values of the environment variables named in BULKHEAD_SECRETS. The
// redactor also masks credential-shaped text (bearer tokens, passwords in
// URLs) whatever its value; a value it cannot recognise by shape, such as a
// bare API key or its base64, must be declared to be masked.
import { makeRedactor, type Redactor } from "../alert/redact.js";
import type { Logger } from "../pipeline/types.js";

/** The environment variable that names the variables holding secrets. */
export const SECRETS_VARIABLE = "BULKHEAD_SECRETS";

/**
 * The secret values of `env`: SLACK_WEBHOOK_URL and every variable named in
 * BULKHEAD_SECRETS (names separated by commas or spaces, e.g.
 * `BULKHEAD_SECRETS="API_TOKEN,PGPASSWORD"`). Unset names are skipped.
 */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const names = (env[SECRETS_VARIABLE] ?? "").split(/[\s,]+/).filter(Boolean);
  const values = ["SLACK_WEBHOOK_URL", ...names].map((name) => env[name] ?? "");
  return values.filter((value) => value.length > 0);
}

/** A redactor for everything the CLI prints, logs or sends. */
export function makeCliRedactor(env: NodeJS.ProcessEnv): Redactor {
  return makeRedactor(secretsFromEnv(env));
}

/** Wraps a logger so every line is redacted before it is written. */
export function redactLogger(logger: Logger, redact: Redactor): Logger {
  return {
    debug: (message) => logger.debug(redact(message)),
    info: (message) => logger.info(redact(message)),
    warn: (message) => logger.warn(redact(message)),
    error: (message) => logger.error(redact(message)),
  };
}
