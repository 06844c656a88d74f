// The SHA-256 a part writer keeps of everything it has written, so that
// finishing a part needs no second read of it.
import { type Hash, createHash } from "node:crypto";
import { Worker } from "node:worker_threads";

/** A SHA-256 fed in order with the bytes of a file as they are written. */
export interface RunningSha256 {
  update(bytes: Buffer): void;
  /** The hex digest of everything fed; call once, last. */
  digest(): Promise<string>;
  /** Stops any background work; the digest is then never needed. */
  close(): Promise<void>;
}

/** Hashes on the calling thread: the bytes of a new file. */
export function inlineSha256(): RunningSha256 {
  const hash: Hash = createHash("sha256");
  return {
    update: (bytes) => hash.update(bytes),
    digest: async () => hash.digest("hex"),
    close: async () => undefined,
  };
}

/**
 * Hashes on a worker thread, starting with the first `length` bytes of
 * `file`: a resumed part, whose committed bytes (hundreds of MB at the end
 * of a long stage) are read and hashed on another core while the shard
 * goes on, instead of holding up its finish. Bytes fed meanwhile queue in
 * the worker and are hashed after the prefix, in order.
 */
export function sha256AfterPrefix(file: string, length: number): RunningSha256 {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, length } });
  // It must not keep a failed run's process alive; digest() refs it while waiting.
  worker.unref();
  // A failure to read the prefix is reported by digest(), where it matters.
  const result = new Promise<string>((resolve, reject) => {
    worker.once("message", (message: { digest?: string; error?: string }) => {
      if (message.digest !== undefined) resolve(message.digest);
      else reject(new Error(`part ${file}: cannot hash the committed bytes to resume: ${message.error}`));
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`part ${file}: the hashing thread stopped (exit ${code})`)));
  });
  result.catch(() => undefined);
  return {
    update: (bytes) => worker.postMessage(bytes),
    async digest() {
      worker.ref();
      worker.postMessage("digest");
      try {
        return await result;
      } finally {
        await worker.terminate();
      }
    },
    close: async () => {
      await worker.terminate();
    },
  };
}

/**
 * The worker, as CommonJS source so it needs no file of its own (the same
 * text runs from src/ under tsx, from dist/ and from the action's bundle).
 * It reads the prefix in 4 MiB pieces, then hashes each message until
 * "digest", answering with the digest or the read error.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { openSync, readSync, closeSync } = require("node:fs");
const hash = createHash("sha256");
let failure = null;
try {
  const fd = openSync(workerData.file, "r");
  try {
    const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
    let offset = 0;
    while (offset < workerData.length) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, workerData.length - offset), offset);
      if (read === 0) throw new Error("the file ends at byte " + offset + ", before the committed " + workerData.length);
      hash.update(buffer.subarray(0, read));
      offset += read;
    }
  } finally {
    closeSync(fd);
  }
} catch (error) {
  failure = error instanceof Error ? error.message : String(error);
}
parentPort.on("message", (message) => {
  if (message === "digest") parentPort.postMessage(failure === null ? { digest: hash.digest("hex") } : { error: failure });
  else if (failure === null) hash.update(message);
});
`;
