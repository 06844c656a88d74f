// github.actions.results.api.v1.ArtifactService (github-services.md §6):
// names unique per run, blobs in Azurite, access authorised by run only.
import type { BlobStore } from "./blob-store.js";
import type { RuntimeTokenClaims } from "./runtime-token.js";
import { TwirpError } from "./twirp.js";

export const ARTIFACT_CONTAINER = "actions-artifacts";

/** One artifact, as tests see it. */
export interface Artifact {
  /** database_id / artifact_id. */
  id: number;
  runBackendId: string;
  /** The job that uploaded it. */
  jobBackendId: string;
  name: string;
  mimeType: string;
  expiresAt?: string;
  createdAt: Date;
  /** Unset until FinalizeArtifact. */
  finalizedAt?: Date;
  size?: number;
  /** "sha256:<hex>" */
  digest?: string;
  blobName: string;
}

interface ArtifactRequest {
  workflow_run_backend_id: string;
  workflow_job_run_backend_id: string;
  name?: string;
  mime_type?: string;
  expires_at?: string;
  version?: number;
  size?: string;
  hash?: string;
  name_filter?: string;
  id_filter?: string;
}

// The characters @actions/artifact itself refuses in names.
const FORBIDDEN_NAME_CHARS = /[":<>|*?\r\n\\/]/;

export class ArtifactService {
  readonly artifacts: Artifact[] = [];

  constructor(
    private readonly blobs: BlobStore,
    private readonly nextId: () => number,
  ) {}

  async CreateArtifact(request: ArtifactRequest, claims: RuntimeTokenClaims): Promise<object> {
    authoriseRun(request, claims);
    const name = request.name as string;
    if (FORBIDDEN_NAME_CHARS.test(name)) {
      throw new TwirpError("invalid_argument", `artifact name ${JSON.stringify(name)} contains a forbidden character`);
    }
    if (this.artifacts.some((a) => a.runBackendId === request.workflow_run_backend_id && a.name === name)) {
      throw new TwirpError("already_exists", "an artifact with this name already exists on the workflow run");
    }

    const id = this.nextId();
    const mimeType = request.mime_type ?? "application/zip";
    const artifact: Artifact = {
      id,
      runBackendId: request.workflow_run_backend_id,
      jobBackendId: request.workflow_job_run_backend_id,
      name,
      mimeType,
      expiresAt: request.expires_at,
      createdAt: new Date(),
      // A *.zip name makes the download client unzip (doc snag 12).
      blobName: `${request.workflow_run_backend_id}/${id}/${name}${mimeType === "application/zip" ? ".zip" : ""}`,
    };
    this.artifacts.push(artifact);
    return { ok: true, signed_upload_url: this.blobs.uploadUrl(ARTIFACT_CONTAINER, artifact.blobName) };
  }

  async FinalizeArtifact(request: ArtifactRequest, claims: RuntimeTokenClaims): Promise<object> {
    authoriseRun(request, claims);
    const artifact = this.artifacts.find(
      (a) => a.runBackendId === request.workflow_run_backend_id && a.name === request.name && !a.finalizedAt,
    );
    if (!artifact) {
      throw new TwirpError("not_found", `no artifact named ${request.name} is waiting to be finalized in this run; call CreateArtifact first`);
    }

    const blob = await this.blobs.properties(ARTIFACT_CONTAINER, artifact.blobName);
    if (!blob) {
      throw new TwirpError("failed_precondition", `nothing was uploaded for artifact ${artifact.name}`);
    }
    if (blob.sizeBytes !== Number(request.size)) {
      throw new TwirpError("invalid_argument", `size ${request.size} does not match the uploaded blob's ${blob.sizeBytes} bytes`);
    }
    const digest = await this.blobs.sha256(ARTIFACT_CONTAINER, artifact.blobName);
    if (request.hash !== undefined && request.hash !== digest) {
      throw new TwirpError("invalid_argument", `hash ${request.hash} does not match the uploaded blob's ${digest}`);
    }

    artifact.finalizedAt = new Date();
    artifact.size = blob.sizeBytes;
    artifact.digest = digest;
    return { ok: true, artifact_id: String(artifact.id) };
  }

  async ListArtifacts(request: ArtifactRequest, claims: RuntimeTokenClaims): Promise<object> {
    authoriseRun(request, claims);
    // The whole run's artifacts, from every job (not only the caller's).
    const listed = this.finalizedInRun(request.workflow_run_backend_id).filter(
      (a) =>
        (request.name_filter === undefined || a.name === request.name_filter) &&
        (request.id_filter === undefined || String(a.id) === request.id_filter),
    );
    return { artifacts: listed.map(toListEntry) };
  }

  async GetSignedArtifactURL(request: ArtifactRequest, claims: RuntimeTokenClaims): Promise<object> {
    authoriseRun(request, claims);
    const artifact = this.findFinalized(request);
    const zipped = artifact.mimeType === "application/zip";
    return {
      signed_url: this.blobs.downloadUrl(ARTIFACT_CONTAINER, artifact.blobName, {
        contentType: artifact.mimeType,
        // Raw (skipArchive) downloads take their file name from here.
        contentDisposition: zipped ? undefined : `attachment; filename="${artifact.name}"`,
      }),
    };
  }

  async DeleteArtifact(request: ArtifactRequest, claims: RuntimeTokenClaims): Promise<object> {
    authoriseRun(request, claims);
    const artifact = this.findFinalized(request);
    await this.blobs.delete(ARTIFACT_CONTAINER, artifact.blobName);
    this.artifacts.splice(this.artifacts.indexOf(artifact), 1);
    return { ok: true, artifact_id: String(artifact.id) };
  }

  private finalizedInRun(runBackendId: string): Artifact[] {
    return this.artifacts
      .filter((a) => a.runBackendId === runBackendId && a.finalizedAt)
      .sort((a, b) => a.id - b.id);
  }

  private findFinalized(request: ArtifactRequest): Artifact {
    const artifact = this.finalizedInRun(request.workflow_run_backend_id).find((a) => a.name === request.name);
    if (!artifact) {
      throw new TwirpError("not_found", `artifact ${request.name} not found in workflow run ${request.workflow_run_backend_id}`);
    }
    return artifact;
  }
}

/**
 * Authorises by run only: a second job of the run sends the uploader's job
 * id when it downloads or deletes (doc snag 11).
 */
function authoriseRun(request: ArtifactRequest, claims: RuntimeTokenClaims): void {
  if (request.workflow_run_backend_id !== claims.runBackendId) {
    throw new TwirpError(
      "permission_denied",
      `the runtime token is for workflow run ${claims.runBackendId}, but the request names run ${request.workflow_run_backend_id}`,
    );
  }
}

function toListEntry(artifact: Artifact): object {
  return {
    workflow_run_backend_id: artifact.runBackendId,
    workflow_job_run_backend_id: artifact.jobBackendId,
    database_id: String(artifact.id),
    name: artifact.name,
    size: String(artifact.size),
    created_at: artifact.createdAt.toISOString(),
    digest: artifact.digest,
  };
}
