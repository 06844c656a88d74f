import { describe, expect, it } from "vitest";
import { definePipeline } from "../../src/pipeline/define.js";
import { DefinitionError } from "../../src/pipeline/errors.js";
import type { Sink, Source } from "../../src/pipeline/types.js";

const source: Source = {
  kind: "test",
  description: "test source",
  async *read() {},
};
const sink: Sink = {
  kind: "test",
  description: "test sink",
  open: async () => {
    throw new Error("not used");
  },
  publish: async () => [],
};

const stage = (id: string, extra: Record<string, unknown> = {}) => ({ id, source, output: sink, ...extra });

function problemsOf(input: unknown): { path: string; message: string }[] {
  try {
    definePipeline(input as never);
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return (error as DefinitionError).problems;
  }
  throw new Error("expected the definition to be rejected");
}

describe("definePipeline", () => {
  it("fills in documented defaults", () => {
    const pipeline = definePipeline({ name: "p", stages: [stage("a")] });
    expect(pipeline.stages[0]).toMatchObject({
      needs: [],
      shards: 1,
      batchSize: 10_000,
      retry: { attempts: 3, minDelayMs: 1_000, maxDelayMs: 30_000, factor: 2, jitter: true },
      checkpoint: { everyRows: 100_000, everySeconds: 30 },
      invalid: { maxFraction: 0 },
      checks: [],
      timeoutMinutes: 60,
    });
    expect(pipeline.runsOn).toBe("ubuntu-latest");
  });

  it("names every bad field by its path, not just the first", () => {
    const problems = problemsOf({
      name: "Bad Name",
      stages: [stage("a", { shards: 0 }), stage("b", { retry: { attempts: "3" }, sourse: 1 })],
    });
    const paths = problems.map((p) => p.path).sort();
    expect(paths).toEqual(["name", "stages[0].shards", "stages[1]", "stages[1].retry.attempts"].sort());
    expect(problems.find((p) => p.path === "stages[1]")?.message).toContain("sourse");
  });

  it("rejects a source that is not a source and a sink that is not a sink", () => {
    const problems = problemsOf({ name: "p", stages: [{ id: "a", source: "data.csv", output: {} }] });
    expect(problems).toEqual([
      { path: "stages[0].source", message: "must be a source, e.g. parquet(...), csv(...), dataset(...)" },
      { path: "stages[0].output", message: "must be a sink, e.g. ndjsonDataset(), sqliteTable(...)" },
    ]);
  });

  it("rejects unknown needs, duplicate ids and cycles, each with its path", () => {
    expect(problemsOf({ name: "p", stages: [stage("a", { needs: ["nope"] })] })).toEqual([
      { path: "stages[0].needs[0]", message: 'unknown stage "nope"' },
    ]);
    expect(problemsOf({ name: "p", stages: [stage("a"), stage("a")] })).toEqual([
      { path: "stages[1].id", message: 'duplicate stage id "a"' },
    ]);
    const cycle = problemsOf({
      name: "p",
      stages: [stage("a", { needs: ["c"] }), stage("b", { needs: ["a"] }), stage("c", { needs: ["b"] })],
    });
    expect(cycle).toHaveLength(1);
    expect(cycle[0].message).toMatch(/^cycle: (a → c → b → a|b → a → c → b|c → b → a → c)$/);
  });

  it("reports a cycle together with a bad field", () => {
    const problems = problemsOf({
      name: "p",
      stages: [stage("a", { needs: ["b"], shards: -1 }), stage("b", { needs: ["a"] })],
    });
    expect(problems.map((p) => p.path).sort()).toEqual(["stages[0].shards", expect.stringMatching(/^stages\[\d\]\.needs$/)].sort());
  });

  it("refuses an aggregate stage with several shards", () => {
    const aggregate = { groupBy: () => "k", initial: () => 0, add: () => 0, finish: () => ({}) };
    expect(problemsOf({ name: "p", stages: [stage("a", { aggregate, shards: 2 })] })).toEqual([
      { path: "stages[0].shards", message: "a stage with an aggregate runs as one shard, got 2" },
    ]);
  });
});
