import path from "node:path";

/** Resolves a path from a pipeline definition against the base directory. */
export function resolvePath(baseDir: string, file: string): string {
  return path.resolve(baseDir, file);
}
