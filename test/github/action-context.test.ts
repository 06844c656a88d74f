import { afterEach, describe, expect, it, vi } from "vitest";
import { makeActionContext } from "../../src/github/action/context.js";

const base = {
  INPUT_COMMAND: "stage",
  INPUT_PIPELINE: "pipelines/flight-delays.ts",
  INPUT_STAGE: "flights",
  INPUT_SHARD: "2/2",
  "INPUT_GITHUB-TOKEN": "ghs_exampletoken0000000000000000000000",
  GITHUB_RUN_ID: "77",
  GITHUB_RUN_ATTEMPT: "2",
  GITHUB_REPOSITORY: "acme/data",
};

describe("the action's inputs and environment", () => {
  afterEach(() => vi.unstubAllEnvs());

  const stub = (env: Record<string, string>) => {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  };

  it("reads the run, attempt and repository and builds the run link", () => {
    stub(base);
    const context = makeActionContext();
    expect(context).toMatchObject({
      runId: "gh-77",
      attempt: 2,
      owner: "acme",
      repo: "data",
      runUrl: "https://github.com/acme/data/actions/runs/77/attempts/2",
    });
    expect(context.inputs).toMatchObject({ command: "stage", stage: "flights", shard: "2/2", fresh: false, stateDir: ".bulkhead" });
  });

  it("masks the token, the Slack webhook and the values named in BULKHEAD_SECRETS", () => {
    stub({
      ...base,
      "INPUT_SLACK-WEBHOOK-URL": "https://hooks.example.test/T000/B000/secretpath",
      BULKHEAD_SECRETS: "WAREHOUSE_KEY",
      WAREHOUSE_KEY: "wk-81f2c9d0a7",
    });
    const { redact } = makeActionContext();
    const text = `token ${base["INPUT_GITHUB-TOKEN"]} key wk-81f2c9d0a7 base64 ${Buffer.from("wk-81f2c9d0a7").toString("base64")} hook https://hooks.example.test/T000/B000/secretpath`;
    const masked = redact(text);
    for (const secret of [base["INPUT_GITHUB-TOKEN"], "wk-81f2c9d0a7", Buffer.from("wk-81f2c9d0a7").toString("base64"), "secretpath"]) {
      expect(masked).not.toContain(secret);
    }
  });

  it("names every bad input", () => {
    stub({ ...base, INPUT_COMMAND: "deploy", INPUT_SHARD: "", INPUT_FRESH: "yes" });
    expect(() => makeActionContext()).toThrow(
      'invalid action inputs:\ninput command: must be plan, stage, gate or alert\ninput fresh: must be "true" or "false"',
    );
  });
});
