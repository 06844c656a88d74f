// GitHub runs the action on Node 24 (action.yml: runs.using node24); this
// machine has Node 20. The npm registry's `node` package provides 24.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, makeTempDir } from "../support/cli.js";

function node24(args: string[], env: Record<string, string> = {}): string {
  return execFileSync("npx", ["-y", "node@24", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 240_000,
  });
}

describe("the bundled action on Node 24", () => {
  it("runs the plan command and writes one matrix per stage", () => {
    expect(node24(["--version"]).trim()).toMatch(/^v24\./);
    const dir = makeTempDir();
    const outputFile = path.join(dir, "github-output");
    writeFileSync(outputFile, "");
    node24([path.join(ROOT, "action/dist/index.js")], {
      INPUT_COMMAND: "plan",
      INPUT_PIPELINE: "pipelines/flight-delays.ts",
      GITHUB_RUN_ID: "42",
      GITHUB_OUTPUT: outputFile,
    });
    const output = readFileSync(outputFile, "utf8");
    // core.setOutput writes name<<delimiter, value, delimiter.
    const matrix = /matrix-flights<<(\S+)\n(.*)\n\1/.exec(output);
    expect(matrix?.[2]).toBe('{"include":[{"shard":"1/2"},{"shard":"2/2"}]}');
  });

  it("runs `bulkhead check` from the built CLI", () => {
    const out = node24([path.join(ROOT, "bin/bulkhead.js"), "check", "pipelines/flight-delays.ts"]);
    expect(out).toContain("pipeline flight-delays is valid: 3 stages (airports×1, flights×2, route-delays×1)");
  });
});
