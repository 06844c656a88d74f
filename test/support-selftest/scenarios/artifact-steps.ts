// Child process: drives the real @actions/artifact DefaultArtifactClient
// through a list of steps and reports what each returned or threw. File
// contents travel as base64 so tests can compare exact bytes.
import { DefaultArtifactClient } from "@actions/artifact";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { runAsScenario } from "../../support/scenario-main.js";

export type ArtifactStep =
  /** `files`: relative path → base64 content. */
  | { op: "upload"; name: string; files: Record<string, string> }
  | { op: "download"; id: number; into: string }
  | { op: "list" }
  | { op: "delete"; name: string };

export type ArtifactStepResult =
  | { op: "upload"; id?: number; size?: number; digest?: string }
  /** `files`: relative path → base64 content. */
  | { op: "download"; files: Record<string, string> }
  | { op: "list"; artifacts: { id: number; name: string; size: number }[] }
  | { op: "delete"; id: number }
  | { op: string; error: string };

runAsScenario(async (steps: ArtifactStep[]) => {
  const client = new DefaultArtifactClient();
  const results: ArtifactStepResult[] = [];
  // A throwing step is reported and the rest still run, so one scenario can
  // show both a success and the expected failure.
  for (const step of steps) {
    try {
      results.push(await runStep(client, step));
    } catch (error) {
      results.push({ op: step.op, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return results;
});

async function runStep(client: DefaultArtifactClient, step: ArtifactStep): Promise<ArtifactStepResult> {
  const workspace = process.env.GITHUB_WORKSPACE as string;
  switch (step.op) {
    case "upload": {
      const root = join(workspace, "upload", step.name);
      const paths = await writeFiles(root, step.files);
      const { id, size, digest } = await client.uploadArtifact(step.name, paths, root);
      return { op: "upload", id, size, digest };
    }
    case "download": {
      const { downloadPath } = await client.downloadArtifact(step.id, { path: step.into });
      return { op: "download", files: await readTree(downloadPath ?? step.into) };
    }
    case "list": {
      const { artifacts } = await client.listArtifacts();
      return { op: "list", artifacts: artifacts.map(({ id, name, size }) => ({ id, name, size })) };
    }
    case "delete": {
      const { id } = await client.deleteArtifact(step.name);
      return { op: "delete", id };
    }
  }
}

async function writeFiles(root: string, files: Record<string, string>): Promise<string[]> {
  const paths: string[] = [];
  for (const [name, base64] of Object.entries(files)) {
    const path = join(root, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, Buffer.from(base64, "base64"));
    paths.push(path);
  }
  return paths;
}

async function readTree(root: string): Promise<Record<string, string>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: Record<string, string> = {};
  for (const entry of entries.filter((e) => e.isFile())) {
    const path = join(entry.parentPath, entry.name);
    files[relative(root, path)] = (await readFile(path)).toString("base64");
  }
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
}
