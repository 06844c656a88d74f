// Fan-out: one alert to every channel. A channel that fails (Slack down)
// must not stop the others (the console and the log still get the alert),
// and its failure is handed back so the caller can say so.
import type { AlertChannel, AlertEvent } from "./types.js";

/** A channel that could not deliver an alert. */
export interface ChannelFailure {
  /** The channel's name, e.g. "slack". */
  channel: string;
  error: Error;
}

/**
 * Sends `event` to every channel at once and waits for all of them. Never
 * throws: returns the failures (empty when every channel delivered), e.g.
 * to print "Slack alert NOT delivered: …" next to the console alert.
 */
export async function sendAlert(
  channels: readonly AlertChannel[],
  event: AlertEvent,
): Promise<ChannelFailure[]> {
  const results = await Promise.allSettled(
    // Wrapped so a channel that throws synchronously is caught too.
    channels.map((channel) => Promise.resolve().then(() => channel.send(event))),
  );
  const failures: ChannelFailure[] = [];
  results.forEach((result, i) => {
    if (result.status === "rejected") {
      failures.push({ channel: channels[i].name, error: asError(result.reason) });
    }
  });
  return failures;
}

function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}
