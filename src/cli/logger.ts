// The local logger: human lines on stderr, so stdout stays free for --json.
import type { Logger } from "../pipeline/types.js";

/** Writes `HH:MM:SS level message` lines to `stream`; debug only when asked. */
export function makeStderrLogger(options: { debug?: boolean; stream?: NodeJS.WritableStream } = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const write = (level: string, message: string) => {
    const time = new Date().toISOString().slice(11, 19);
    stream.write(`${time} ${level.padEnd(5)} ${message}\n`);
  };
  return {
    debug: (message) => {
      if (options.debug) write("debug", message);
    },
    info: (message) => write("info", message),
    warn: (message) => write("warn", message),
    error: (message) => write("error", message),
  };
}
