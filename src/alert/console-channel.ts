// The console channel: the alert, as plain text, through the run's logger.
import type { Logger } from "../pipeline/types.js";
import { formatAlert } from "./format.js";
import { makeRedactor, type Redactor } from "./redact.js";
import { renderAlertText } from "./render-text.js";
import type { AlertChannel } from "./types.js";

/** Options shared by the channels that only write text. */
export interface TextChannelOptions {
  /** Masks secrets; default: pattern redaction only (`makeRedactor([])`). */
  redact?: Redactor;
}

/**
 * Makes a channel that writes each alert as one multi-line message:
 * `logger.error` for failures, gates and cancellations, `logger.info` for a
 * recovery.
 */
export function makeConsoleChannel(
  logger: Logger,
  options: TextChannelOptions = {},
): AlertChannel {
  const redact = options.redact ?? makeRedactor([]);
  return {
    name: "console",
    async send(event) {
      const alert = formatAlert(event, redact);
      const text = redact(renderAlertText(alert));
      if (alert.level === "info") logger.info(text);
      else logger.error(text);
    },
  };
}
