// The alert log: one JSON line per alert, appended to a file that outlives
// the run (the local state directory, or an artifact on GitHub).
import { mkdir, open } from "node:fs/promises";
import path from "node:path";
import { formatTitle } from "./format.js";
import type { TextChannelOptions } from "./console-channel.js";
import { makeRedactor, redactDeep } from "./redact.js";
import type { AlertChannel, AlertEvent } from "./types.js";

/** One line of the alert log: the event, redacted, plus its title. */
export type AlertLogLine = AlertEvent & { title: string };

/**
 * Makes a channel that appends each alert, redacted, as one JSON line to
 * `file` (JSON Lines), creating its directory. Each line goes to the file in
 * a single write on a handle opened for appending, so lines from concurrent
 * writers never interleave; alerts from this channel are written in the
 * order they were sent. The error text is kept whole (not shortened).
 */
export function makeAlertLogChannel(
  file: string,
  options: TextChannelOptions = {},
): AlertChannel {
  const redact = options.redact ?? makeRedactor([]);
  let queue: Promise<void> = Promise.resolve();

  return {
    name: "alert-log",
    send(event) {
      const entry: AlertLogLine = { ...event, title: formatTitle(event) };
      const line = `${JSON.stringify(redactDeep(entry, redact))}\n`;
      const written = queue.then(() => appendLine(file, line));
      queue = written.catch(() => undefined);
      return written;
    },
  };
}

/** Appends `line` with one write call; fails if the write was partial. */
async function appendLine(file: string, line: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const bytes = Buffer.from(line, "utf8");
  const handle = await open(file, "a");
  try {
    const { bytesWritten } = await handle.write(bytes);
    if (bytesWritten !== bytes.length) {
      throw new Error(
        `alert log ${file}: wrote ${bytesWritten} of ${bytes.length} bytes; the last line is incomplete (disk full?)`,
      );
    }
  } finally {
    await handle.close();
  }
}
