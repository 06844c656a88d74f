// The request messages of GitHub's results services, as the clients send
// them in Twirp JSON (github-services.md §4–6), and a validator that names
// every problem. Field names are the proto (snake_case) names.

type FieldType =
  | "string" // proto string
  | "int32" // JSON number
  | "int64" // decimal string
  | "timestamp" // RFC 3339 string
  | "string[]"
  | "cache-metadata"; // CacheMetadata message; the clients never send it

interface FieldSpec {
  type: FieldType;
  /** The service cannot act without it (an absent proto field is ""/0). */
  required?: boolean;
}

export type MessageSpec = Record<string, FieldSpec>;

const ids: MessageSpec = {
  workflow_run_backend_id: { type: "string", required: true },
  workflow_job_run_backend_id: { type: "string", required: true },
};

/** Request message per method, keyed by "Service/Method". */
export const REQUEST_MESSAGES: Record<string, MessageSpec> = {
  "CacheService/CreateCacheEntry": {
    metadata: { type: "cache-metadata" },
    key: { type: "string", required: true },
    version: { type: "string", required: true },
  },
  "CacheService/FinalizeCacheEntryUpload": {
    metadata: { type: "cache-metadata" },
    key: { type: "string", required: true },
    size_bytes: { type: "int64", required: true },
    version: { type: "string", required: true },
  },
  "CacheService/GetCacheEntryDownloadURL": {
    metadata: { type: "cache-metadata" },
    key: { type: "string", required: true },
    restore_keys: { type: "string[]" },
    version: { type: "string", required: true },
  },
  "ArtifactService/CreateArtifact": {
    ...ids,
    name: { type: "string", required: true },
    expires_at: { type: "timestamp" },
    version: { type: "int32", required: true },
    mime_type: { type: "string" }, // StringValue wrapper: the bare string
  },
  "ArtifactService/FinalizeArtifact": {
    ...ids,
    name: { type: "string", required: true },
    size: { type: "int64", required: true },
    hash: { type: "string" },
  },
  "ArtifactService/ListArtifacts": {
    ...ids,
    name_filter: { type: "string" },
    id_filter: { type: "int64" }, // Int64Value wrapper: the bare value
  },
  "ArtifactService/GetSignedArtifactURL": { ...ids, name: { type: "string", required: true } },
  "ArtifactService/DeleteArtifact": { ...ids, name: { type: "string", required: true } },
};

const INT64 = /^-?\d+$/;
// RFC 3339 as protobuf's JSON mapping writes it: Z or an offset, optional fraction.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Lists every way `body` breaks `spec`; empty when it conforms. */
export function findMessageProblems(body: unknown, spec: MessageSpec): string[] {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return ["body must be a JSON object"];
  }
  const problems: string[] = [];
  const record = body as Record<string, unknown>;

  for (const [name, value] of Object.entries(record)) {
    const field = spec[name];
    if (!field) {
      problems.push(unknownFieldProblem(name, spec));
      continue;
    }
    const problem = fieldTypeProblem(value, field.type);
    if (problem) problems.push(`field \`${name}\` ${problem}`);
  }
  for (const [name, field] of Object.entries(spec)) {
    if (field.required && isAbsent(record[name])) {
      problems.push(`field \`${name}\` is required`);
    }
  }
  return problems;
}

function unknownFieldProblem(name: string, spec: MessageSpec): string {
  const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return snake in spec
    ? `field \`${name}\` must use its proto name \`${snake}\``
    : `unknown field \`${name}\``;
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === "" || value === 0 || value === "0";
}

function fieldTypeProblem(value: unknown, type: FieldType): string | undefined {
  switch (type) {
    case "string":
      return typeof value === "string" ? undefined : `must be a string, got ${describe(value)}`;
    case "int32":
      return Number.isInteger(value) ? undefined : `must be an integer number, got ${describe(value)}`;
    case "int64":
      return typeof value === "string" && INT64.test(value)
        ? undefined
        : `must be an int64 as a decimal string, got ${describe(value)}`;
    case "timestamp":
      return typeof value === "string" && RFC3339.test(value)
        ? undefined
        : `must be an RFC 3339 timestamp string, got ${describe(value)}`;
    case "string[]":
      return Array.isArray(value) && value.every((v) => typeof v === "string")
        ? undefined
        : `must be an array of strings, got ${describe(value)}`;
    case "cache-metadata":
      return typeof value === "object" && value !== null && !Array.isArray(value)
        ? undefined
        : `must be a CacheMetadata object, got ${describe(value)}`;
  }
}

function describe(value: unknown): string {
  return `${Array.isArray(value) ? "array" : value === null ? "null" : typeof value} ${JSON.stringify(value)}`;
}
