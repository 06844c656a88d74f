import { createRequire as bulkheadCreateRequire } from "node:module"; const require = bulkheadCreateRequire(import.meta.url);
import {
  external_exports
} from "./chunk-OLN7TTNI.js";

// src/io/dataset-manifest.ts
import { readFileSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import path from "node:path";

// src/io/io-error.ts
var IoError = class extends Error {
  path;
  constructor(message, path2, options) {
    super(message, options);
    this.name = "IoError";
    this.path = path2;
  }
};
function describeError(error) {
  return error instanceof Error ? error.message : String(error);
}

// src/io/dataset-manifest.ts
var MANIFEST_FILE = "manifest.json";
var manifestSchema = external_exports.strictObject({
  stage: external_exports.string(),
  format: external_exports.enum(["ndjson", "csv"]),
  parts: external_exports.array(
    external_exports.strictObject({
      path: external_exports.string(),
      rows: external_exports.number().int().nonnegative(),
      bytes: external_exports.number().int().nonnegative(),
      sha256: external_exports.string().regex(/^[0-9a-f]{64}$/)
    })
  )
});
async function writeDatasetManifest(dataDir, manifest) {
  const onDisk = {
    ...manifest,
    parts: manifest.parts.map((part) => ({ ...part, path: relativePath(dataDir, part.path) }))
  };
  const target = path.join(dataDir, MANIFEST_FILE);
  const temporary = `${target}.${process.pid}.tmp`;
  const handle = await open(temporary, "w");
  try {
    await handle.writeFile(JSON.stringify(onDisk, null, 2) + "\n");
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, target);
}
function readDatasetManifest(dataDir) {
  const file = path.resolve(dataDir, MANIFEST_FILE);
  let parsed;
  try {
    parsed = manifestSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  } catch (error) {
    throw new IoError(`dataset manifest ${file}: cannot read it (${error.message}); run the stage that produces it first`, file, { cause: error });
  }
  if (!parsed.success) {
    throw new IoError(`dataset manifest ${file}: not a valid manifest:
${external_exports.prettifyError(parsed.error)}`, file);
  }
  const manifest = parsed.data;
  return { ...manifest, parts: manifest.parts.map((part) => ({ ...part, path: path.resolve(dataDir, part.path) })) };
}
function relativePath(dataDir, file) {
  return path.relative(path.resolve(dataDir), path.resolve(dataDir, file)).split(path.sep).join("/");
}

export {
  IoError,
  describeError,
  MANIFEST_FILE,
  writeDatasetManifest,
  readDatasetManifest
};
