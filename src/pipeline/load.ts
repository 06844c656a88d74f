// Loading a pipeline file written in TypeScript. Its `import ... from
// "bulkhead"` resolves to this very copy of Bulkhead (also inside the
// action's bundle), so a repository needs nothing installed to use it.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createJiti } from "jiti";
import { DefinitionError, UsageError } from "./errors.js";
import type { Pipeline } from "./define.js";

/** The entry of this copy of Bulkhead: dist/index.js, or src/index.ts in development. */
function ownEntry(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const name of ["../index.js", "../index.ts", "./index.js"]) {
    const candidate = path.resolve(here, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`cannot find Bulkhead's own entry next to ${here}`);
}

let override: string | undefined;
/** Lets a bundle say where its library entry is (see action/). */
export function setBulkheadEntry(file: string): void {
  override = file;
}

/**
 * Imports a pipeline file and returns its checked default export. Throws
 * UsageError when the file is missing or exports no pipeline, and
 * DefinitionError (naming the file) when the definition is invalid.
 */
export async function loadPipeline(file: string): Promise<Pipeline> {
  const absolute = path.resolve(file);
  if (!existsSync(absolute)) throw new UsageError(`pipeline file not found: ${file}`);
  const jiti = createJiti(import.meta.url, {
    alias: { bulkhead: override ?? ownEntry() },
    tryNative: false,
    moduleCache: true,
    fsCache: true,
  });
  let module: { default?: unknown };
  try {
    module = (await jiti.import(pathToFileURL(absolute).href)) as { default?: unknown };
  } catch (error) {
    if (isDefinitionError(error)) throw new DefinitionError(error.problems, file);
    // A file that does not parse is a bad definition too (exit 64), not a crash.
    if (error instanceof Error && /SyntaxError|ParseError|ERR_UNKNOWN_FILE_EXTENSION/.test(`${error.name} ${error.message} ${(error as NodeJS.ErrnoException).code ?? ""}`)) {
      throw new UsageError(`${file}: cannot load the pipeline file: ${error.message.split("\n")[0]}`);
    }
    throw error;
  }
  const pipeline = module.default;
  if (!isPipeline(pipeline)) {
    throw new UsageError(`${file}: the default export must be definePipeline({...})`);
  }
  return pipeline;
}

function isDefinitionError(error: unknown): error is DefinitionError {
  return error instanceof Error && error.name === "DefinitionError" && Array.isArray((error as DefinitionError).problems);
}

function isPipeline(value: unknown): value is Pipeline {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Pipeline).name === "string" &&
    Array.isArray((value as Pipeline).stages)
  );
}
