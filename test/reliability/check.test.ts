// Case 23, local part: `bulkhead check` refuses what GitHub-hosted runners
// cannot run and warns about what they run differently. (That the plan
// groups 300 shards into at most 256 legs is tested in
// test/github/workflow.test.ts, "groups more than 256 shards into at most
// 256 legs and says so" and the planMatrix tests.)
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { RELIABILITY } from "./helpers.js";

describe("bulkhead check", () => {
  it("exits 64 naming the stage when a stage asks for 10 hours on hosted runners", async () => {
    const result = await runCli(["check", RELIABILITY], { env: { REL_TIMEOUT_MINUTES: "600" } });
    expect(result.code).toBe(64);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "bulkhead: stage load asks for 600 minutes; GitHub-hosted runners stop jobs after 360 minutes (6 hours); split the stage into more shards or set hostedRunners: false\n",
    );
  });

  it("warns that 300 shards run as 150 legs of two, and still accepts the definition", async () => {
    const result = await runCli(["check", RELIABILITY], { env: { REL_SHARDS: "300" } });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      "warning: stage load has 300 shards; a GitHub matrix starts at most 256 jobs, so the plan groups them into 150 jobs of up to 2 shards, run one after another within the stage's 60-minute timeout\n",
    );
    expect(result.stdout).toContain("pipeline reliability is valid: 1 stage (load×300)");
  });
});
