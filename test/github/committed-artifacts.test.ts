// The committed bundle and example workflow must match what the sources
// produce today; otherwise users run stale code.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, makeTempDir, runCli } from "../support/cli.js";
import { validateAction, validateWorkflow } from "../support/workflow-validate.js";

function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe("committed build outputs", () => {
  it("action/dist equals a fresh `npm run bundle`", () => {
    const fresh = makeTempDir("bulkhead-bundle-");
    execFileSync(process.execPath, ["scripts/bundle.mjs", fresh], { cwd: ROOT });
    const committed = path.join(ROOT, "action/dist");
    expect(listTree(committed)).toEqual(listTree(fresh));
    for (const file of listTree(fresh)) {
      const same = readFileSync(path.join(fresh, file)).equals(readFileSync(path.join(committed, file)));
      expect(same, `action/dist/${file} is stale: run npm run bundle and commit`).toBe(true);
    }
  });

  it("the example workflow equals `bulkhead workflow` output and passes both validators", async () => {
    const result = await runCli(["workflow", "pipelines/flight-delays.ts"]);
    expect(result.code, result.stderr).toBe(0);
    const committed = readFileSync(path.join(ROOT, ".github/workflows/flight-delays.yml"), "utf8");
    expect(result.stdout).toBe(committed);
    expect(await validateWorkflow(committed, "flight-delays.yml")).toEqual([]);
  });

  it("the project's own CI workflow and action.yml pass GitHub's parsers", async () => {
    expect(await validateWorkflow(readFileSync(path.join(ROOT, ".github/workflows/ci.yml"), "utf8"), "ci.yml")).toEqual([]);
    expect(validateAction(readFileSync(path.join(ROOT, "action.yml"), "utf8")).problems).toEqual([]);
  });
});
