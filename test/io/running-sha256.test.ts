import { createHash, randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { inlineSha256, sha256AfterPrefix } from "../../src/io/running-sha256.js";
import { tempDir } from "../support/io-fixtures.js";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe("running SHA-256 of a part", () => {
  test("a resumed part's digest covers the committed prefix read from disk, then the bytes fed, in order", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "part.partial");
    // Larger than the worker's 4 MiB read, with bytes after the committed length that must not count.
    const committed = randomBytes(9 * 1024 * 1024 + 123);
    await writeFile(file, Buffer.concat([committed, Buffer.from("not committed")]));
    const appended = [randomBytes(1024 * 1024), Buffer.from("tail\n"), randomBytes(77)];

    const hash = sha256AfterPrefix(file, committed.length);
    for (const bytes of appended) hash.update(bytes);
    expect(await hash.digest()).toBe(sha256(Buffer.concat([committed, ...appended])));
  });

  test("a new part's digest is the digest of the bytes fed", async () => {
    const hash = inlineSha256();
    hash.update(Buffer.from("a\n"));
    hash.update(Buffer.from("b\n"));
    expect(await hash.digest()).toBe(sha256(Buffer.from("a\nb\n")));
  });

  test("says which part and where, when the file is shorter than its committed length", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "short.partial");
    await writeFile(file, "0123456789");
    const hash = sha256AfterPrefix(file, 20);
    hash.update(Buffer.from("more"));
    await expect(hash.digest()).rejects.toThrow(
      `part ${file}: cannot hash the committed bytes to resume: the file ends at byte 10, before the committed 20`,
    );
  });

  test("closing without a digest stops the thread", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "closed.partial");
    await writeFile(file, "x".repeat(1000));
    const hash = sha256AfterPrefix(file, 1000);
    hash.update(Buffer.from("y"));
    await expect(hash.close()).resolves.toBeUndefined();
  });
});
