// github.actions.results.api.v1.CacheService (github-services.md §5):
// immutable entries keyed by (scope, key, version), blobs in Azurite.
import type { BlobStore } from "./blob-store.js";
import { CACHE_READ, CACHE_WRITE } from "./runtime-token.js";
import type { CacheScope, RuntimeTokenClaims } from "./runtime-token.js";
import { TwirpError } from "./twirp.js";

export const CACHE_CONTAINER = "actions-cache";

/** One cache entry, as tests see it. */
export interface CacheEntry {
  /** entry_id returned by FinalizeCacheEntryUpload. */
  id: number;
  scope: string;
  key: string;
  version: string;
  createdAt: Date;
  /** Unset while the upload is only reserved. */
  finalizedAt?: Date;
  sizeBytes?: number;
  blobName: string;
}

interface CacheRequest {
  key: string;
  version: string;
  size_bytes?: string;
  restore_keys?: string[];
}

export class CacheService {
  readonly entries: CacheEntry[] = [];

  constructor(
    private readonly blobs: BlobStore,
    private readonly nextId: () => number,
    /** How long an unfinalized reservation blocks its key (doc snag 14). */
    private readonly reservationTtlMs: number,
  ) {}

  async CreateCacheEntry(request: CacheRequest, claims: RuntimeTokenClaims): Promise<object> {
    const scope = writeScope(claims);
    if (!scope) {
      return { ok: false, message: "cache write denied: the token grants no writable cache scope" };
    }
    this.dropExpiredReservations();
    if (this.findBlocking(scope, request.key, request.version)) {
      throw new TwirpError(
        "already_exists",
        "cache entry with the same key, version, and scope already exists",
      );
    }

    const id = this.nextId();
    const entry: CacheEntry = {
      id,
      scope,
      key: request.key,
      version: request.version,
      createdAt: new Date(),
      blobName: `entries/${id}`,
    };
    this.entries.push(entry);
    return { ok: true, signed_upload_url: this.blobs.uploadUrl(CACHE_CONTAINER, entry.blobName) };
  }

  async FinalizeCacheEntryUpload(request: CacheRequest, claims: RuntimeTokenClaims): Promise<object> {
    const scope = writeScope(claims);
    if (!scope) {
      return { ok: false, message: "cache write denied: the token grants no writable cache scope" };
    }
    const entry = this.entries.find(
      (e) => e.scope === scope && e.key === request.key && e.version === request.version && !e.finalizedAt,
    );
    if (!entry) {
      throw new TwirpError(
        "not_found",
        `no reserved cache entry for key ${request.key} version ${request.version} in scope ${scope}; call CreateCacheEntry first`,
      );
    }

    const blob = await this.blobs.properties(CACHE_CONTAINER, entry.blobName);
    if (!blob) {
      throw new TwirpError("failed_precondition", `nothing was uploaded for cache key ${request.key}`);
    }
    const claimed = Number(request.size_bytes);
    if (blob.sizeBytes !== claimed) {
      throw new TwirpError(
        "invalid_argument",
        `size_bytes ${claimed} does not match the uploaded blob's ${blob.sizeBytes} bytes`,
      );
    }

    entry.finalizedAt = new Date();
    entry.sizeBytes = blob.sizeBytes;
    return { ok: true, entry_id: String(entry.id) };
  }

  async GetCacheEntryDownloadURL(request: CacheRequest, claims: RuntimeTokenClaims): Promise<object> {
    const scopes = readScopes(claims);
    if (scopes.length === 0) {
      throw new TwirpError("permission_denied", "cache read denied: the token grants no readable cache scope");
    }
    const entry = this.lookup(scopes, request.key, request.restore_keys ?? [], request.version);
    if (!entry) return { ok: false };
    return {
      ok: true,
      signed_download_url: this.blobs.downloadUrl(CACHE_CONTAINER, entry.blobName),
      matched_key: entry.key,
    };
  }

  /**
   * GitHub's documented order: for each readable scope in turn, the exact
   * key, then the key as a prefix, then each restore key as a prefix. Among
   * prefix matches the most recently created entry wins.
   */
  private lookup(
    scopes: string[],
    key: string,
    restoreKeys: string[],
    version: string,
  ): CacheEntry | undefined {
    for (const scope of scopes) {
      const candidates = this.entries.filter(
        (e) => e.scope === scope && e.version === version && e.finalizedAt,
      );
      const exact = candidates.find((e) => e.key === key);
      if (exact) return exact;
      for (const prefix of [key, ...restoreKeys]) {
        const newest = newestWithPrefix(candidates, prefix);
        if (newest) return newest;
      }
    }
    return undefined;
  }

  private dropExpiredReservations(): void {
    const now = Date.now();
    const live = this.entries.filter(
      (e) => e.finalizedAt || now - e.createdAt.getTime() < this.reservationTtlMs,
    );
    this.entries.splice(0, this.entries.length, ...live);
  }

  /** A finalized entry, or a reservation that has not expired yet. */
  private findBlocking(scope: string, key: string, version: string): CacheEntry | undefined {
    const now = Date.now();
    return this.entries.find(
      (e) =>
        e.scope === scope &&
        e.key === key &&
        e.version === version &&
        (e.finalizedAt || now - e.createdAt.getTime() < this.reservationTtlMs),
    );
  }
}

function newestWithPrefix(entries: CacheEntry[], prefix: string): CacheEntry | undefined {
  // Ids grow with creation time, and unlike timestamps they never tie.
  return entries
    .filter((e) => e.key.startsWith(prefix))
    .reduce<CacheEntry | undefined>((best, e) => (!best || e.id > best.id ? e : best), undefined);
}

function writeScope(claims: RuntimeTokenClaims): string | undefined {
  return scopesOf(claims).find((s) => s.permission & CACHE_WRITE)?.scope;
}

function readScopes(claims: RuntimeTokenClaims): string[] {
  return scopesOf(claims)
    .filter((s) => s.permission & CACHE_READ)
    .map((s) => s.scope);
}

function scopesOf(claims: RuntimeTokenClaims): CacheScope[] {
  if (!claims.cacheScopes) {
    throw new TwirpError("unauthenticated", "the runtime token has no `ac` claim listing cache scopes");
  }
  return claims.cacheScopes;
}
