// Alerts: redaction, the shared alert facts, and the channels.
export type { AlertChannel, AlertCheckpoint, AlertEvent, AlertKind } from "./types.js";
export {
  composeRedactors,
  encodedForms,
  makeRedactor,
  MIN_SECRET_LENGTH,
  redactDeep,
  REDACTED,
  type Redactor,
} from "./redact.js";
export {
  formatAlert,
  formatCheckpointLine,
  formatTitle,
  type AlertFact,
  type FailingCheck,
  type FormattedAlert,
  type GateSummary,
} from "./format.js";
export { renderAlertText } from "./render-text.js";
export { makeConsoleChannel, type TextChannelOptions } from "./console-channel.js";
export { makeAlertLogChannel, type AlertLogLine } from "./log-channel.js";
export {
  buildSlackMessage,
  SLACK_LIMITS,
  type SlackBlock,
  type SlackMessage,
  type SlackText,
} from "./slack-message.js";
export {
  makeSlackChannel,
  parseRetryAfter,
  postSlackMessage,
  SlackDeliveryError,
  type SlackChannelOptions,
} from "./slack-channel.js";
export { sendAlert, type ChannelFailure } from "./send.js";
