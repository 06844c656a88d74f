import { describe, expect, it } from "vitest";
import { startAzurite } from "../support/azurite.js";
import { BlobStore } from "../support/blob-store.js";

describe("startAzurite", () => {
  it("serves blobs on 127.0.0.1 through SAS URLs and leaves no process behind", async () => {
    const azurite = await startAzurite();
    try {
      expect(azurite.blobEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
      const blobs = new BlobStore(azurite);
      await blobs.createContainer("selftest");

      const upload = await fetch(blobs.uploadUrl("selftest", "dir/hello.txt"), {
        method: "PUT",
        headers: { "x-ms-blob-type": "BlockBlob" },
        body: "hello",
      });
      expect(upload.status).toBe(201);
      const download = await fetch(blobs.downloadUrl("selftest", "dir/hello.txt"));
      expect(await download.text()).toBe("hello");
      // A read-only SAS must not allow writing.
      const denied = await fetch(blobs.downloadUrl("selftest", "dir/other.txt"), {
        method: "PUT",
        headers: { "x-ms-blob-type": "BlockBlob" },
        body: "nope",
      });
      expect(denied.status).toBe(403);
    } finally {
      await azurite.stop();
    }
    expect(() => process.kill(azurite.pid, 0)).toThrow(/ESRCH/);
  });
});
