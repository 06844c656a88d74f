// The results emulator's view of Azurite: create containers, hand out SAS
// URLs for the libraries, and read back what they uploaded.
//
// @azure/storage-blob is not a direct dependency of Bulkhead; it is present
// because @actions/artifact and @actions/cache depend on it. Only its pure SAS
// signing functions are used. Requests go through fetch, not an Azure client,
// because an Azure client would freeze this process's proxy settings
// (github-services.md snag 9).
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  BlobSASPermissions,
  StorageSharedKeyCredential,
  generateAccountSASQueryParameters,
  generateBlobSASQueryParameters,
} from "@azure/storage-blob";
import { createHash } from "node:crypto";
import type { AzuriteHandle } from "./azurite.js";

/** A SAS lifetime long enough for any test; GitHub uses minutes to hours. */
const SAS_LIFETIME_MS = 60 * 60 * 1000;

export interface BlobProperties {
  sizeBytes: number;
  contentType: string | undefined;
}

export interface SignedUrlOptions {
  /** Sets the download's Content-Type (SAS `rsct`). */
  contentType?: string;
  /** Sets the download's Content-Disposition (SAS `rscd`). */
  contentDisposition?: string;
}

export class BlobStore {
  private readonly credential: StorageSharedKeyCredential;

  constructor(private readonly azurite: AzuriteHandle) {
    this.credential = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
  }

  /** Path-style blob URL without a SAS. */
  blobUrl(container: string, blob: string): string {
    return `${this.azurite.blobEndpoint}/${container}/${encodeBlobName(blob)}`;
  }

  /** Creates a container; an existing one is fine. */
  async createContainer(container: string): Promise<void> {
    const url = `${this.azurite.blobEndpoint}/${container}?restype=container&${this.accountSas()}`;
    const response = await fetch(url, { method: "PUT" });
    if (response.status !== 201 && response.status !== 409) {
      throw new Error(`Azurite: creating container ${container} answered ${response.status}: ${await response.text()}`);
    }
  }

  /** A service SAS URL allowing create+write: what the upload SDK needs. */
  uploadUrl(container: string, blob: string): string {
    return this.signedUrl(container, blob, "cw", {});
  }

  /** A service SAS URL allowing read, optionally overriding response headers. */
  downloadUrl(container: string, blob: string, options: SignedUrlOptions = {}): string {
    return this.signedUrl(container, blob, "r", options);
  }

  /** Size and content type, or `undefined` if the blob does not exist. */
  async properties(container: string, blob: string): Promise<BlobProperties | undefined> {
    const response = await fetch(`${this.blobUrl(container, blob)}?${this.accountSas()}`, {
      method: "HEAD",
    });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`Azurite: HEAD ${container}/${blob} answered ${response.status}`);
    return {
      sizeBytes: Number(response.headers.get("content-length")),
      contentType: response.headers.get("content-type") ?? undefined,
    };
  }

  /** The blob's bytes, or `undefined` if it does not exist. */
  async read(container: string, blob: string): Promise<Buffer | undefined> {
    const response = await fetch(`${this.blobUrl(container, blob)}?${this.accountSas()}`);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`Azurite: GET ${container}/${blob} answered ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }

  /** "sha256:<hex>" of the blob, or `undefined` if it does not exist. */
  async sha256(container: string, blob: string): Promise<string | undefined> {
    const bytes = await this.read(container, blob);
    return bytes && `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  }

  /** Deletes a blob; a missing one is fine. */
  async delete(container: string, blob: string): Promise<void> {
    const response = await fetch(`${this.blobUrl(container, blob)}?${this.accountSas()}`, {
      method: "DELETE",
    });
    if (response.status !== 202 && response.status !== 404) {
      throw new Error(`Azurite: DELETE ${container}/${blob} answered ${response.status}`);
    }
  }

  private signedUrl(
    container: string,
    blob: string,
    permissions: string,
    options: SignedUrlOptions,
  ): string {
    const sas = generateBlobSASQueryParameters(
      {
        containerName: container,
        blobName: blob,
        permissions: BlobSASPermissions.parse(permissions),
        expiresOn: new Date(Date.now() + SAS_LIFETIME_MS),
        // No `protocol: https`: everything is plain http on loopback (snag 4).
        contentType: options.contentType,
        contentDisposition: options.contentDisposition,
      },
      this.credential,
    ).toString();
    return `${this.blobUrl(container, blob)}?${sas}`;
  }

  /** An account SAS for the emulator's own housekeeping requests. */
  private accountSas(): string {
    return generateAccountSASQueryParameters(
      {
        services: AccountSASServices.parse("b").toString(),
        resourceTypes: AccountSASResourceTypes.parse("sco").toString(),
        permissions: AccountSASPermissions.parse("rwdlac"),
        expiresOn: new Date(Date.now() + SAS_LIFETIME_MS),
      },
      this.credential,
    ).toString();
  }
}

/** Encodes each path segment but keeps the '/' separators. */
function encodeBlobName(blob: string): string {
  return blob.split("/").map(encodeURIComponent).join("/");
}
