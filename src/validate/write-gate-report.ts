// Writing a gate report next to the run: gate-<stage>.json (complete) and
// gate-<stage>.md (cut to 1,000,000 bytes), each atomically.
import { randomUUID } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderGateMarkdown } from "./render-gate-markdown.js";
import type { GateReport } from "./types.js";

/** Paths of the two files writeGateReport() wrote. */
export interface GateReportFiles {
  json: string;
  markdown: string;
}

/**
 * Writes gate-<stage>.json and gate-<stage>.md into `dir` (created if
 * needed), each through a temporary file and a rename, so a reader sees the
 * old file or the new one, never half of one. Characters other than
 * letters, digits, ".", "_" and "-" in the stage id become "_".
 */
export async function writeGateReport(dir: string, report: GateReport): Promise<GateReportFiles> {
  await mkdir(dir, { recursive: true });
  const base = join(dir, `gate-${safeFileName(report.stage)}`);
  const files = { json: `${base}.json`, markdown: `${base}.md` };
  await writeAtomically(files.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeAtomically(files.markdown, renderGateMarkdown(report));
  return files;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, text, "utf8");
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function safeFileName(stage: string): string {
  const safe = stage.replace(/[^A-Za-z0-9._-]/g, "_");
  return safe === "" || /^\.+$/.test(safe) ? "_" : safe;
}
