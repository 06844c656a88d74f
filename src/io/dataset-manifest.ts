import { readFileSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import path from "node:path";

import { z } from "zod";

import type { DatasetManifest, OutputFile } from "../pipeline/types.js";
import { IoError } from "./io-error.js";

/** Name of the manifest a dataset sink writes into its stage's dataDir. */
export const MANIFEST_FILE = "manifest.json";

/** manifest.json on disk: part paths are relative to the manifest's folder. */
const manifestSchema = z.strictObject({
  stage: z.string(),
  format: z.enum(["ndjson", "csv"]),
  parts: z.array(
    z.strictObject({
      path: z.string(),
      rows: z.number().int().nonnegative(),
      bytes: z.number().int().nonnegative(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
});

/**
 * Writes `manifest.json` into `dataDir` atomically (temporary file, fsync,
 * rename), with part paths relative to dataDir so the folder can be moved
 * (e.g. uploaded and downloaded as an artifact).
 */
export async function writeDatasetManifest(dataDir: string, manifest: DatasetManifest): Promise<void> {
  const onDisk: DatasetManifest = {
    ...manifest,
    parts: manifest.parts.map((part) => ({ ...part, path: relativePath(dataDir, part.path) })),
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

/**
 * Reads the manifest.json in `dataDir` and returns it with absolute part
 * paths. Synchronous, to fit IoContext.resolveDataset.
 */
export function readDatasetManifest(dataDir: string): DatasetManifest {
  const file = path.resolve(dataDir, MANIFEST_FILE);
  let parsed;
  try {
    parsed = manifestSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  } catch (error) {
    throw new IoError(`dataset manifest ${file}: cannot read it (${(error as Error).message}); run the stage that produces it first`, file, { cause: error });
  }
  if (!parsed.success) {
    throw new IoError(`dataset manifest ${file}: not a valid manifest:\n${z.prettifyError(parsed.error)}`, file);
  }
  const manifest = parsed.data;
  return { ...manifest, parts: manifest.parts.map((part): OutputFile => ({ ...part, path: path.resolve(dataDir, part.path) })) };
}

function relativePath(dataDir: string, file: string): string {
  return path.relative(path.resolve(dataDir), path.resolve(dataDir, file)).split(path.sep).join("/");
}
