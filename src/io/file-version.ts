import { createHash } from "node:crypto";
import { open } from "node:fs/promises";

const SAMPLE = 64 * 1024;

/**
 * A file's version: its size and a hash of its first and last 64 KiB. Not
 * the modification time, which a fresh checkout or `npm ci` changes on a
 * CI runner although the content is the same. An edit in the middle that
 * keeps the size exactly is not seen; hashing whole files on every start
 * would cost more than it saves.
 */
export async function fileVersion(file: string): Promise<string> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const hash = createHash("sha256");
    const head = Buffer.alloc(Math.min(SAMPLE, size));
    await handle.read(head, 0, head.length, 0);
    hash.update(head);
    if (size > SAMPLE) {
      const tail = Buffer.alloc(Math.min(SAMPLE, size - SAMPLE));
      await handle.read(tail, 0, tail.length, size - tail.length);
      hash.update(tail);
    }
    return `${size}:${hash.digest("hex").slice(0, 16)}`;
  } finally {
    await handle.close();
  }
}
