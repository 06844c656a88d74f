import { describe, expect, it } from "vitest";
import type { Row } from "../../src/pipeline/types.js";
import { makeStats, mean, notNull, quantile, restoreStats, rowCount, unique } from "../../src/validate/index.js";
import { runGate, seeded } from "./helpers.js";

describe("makeStats / restoreStats", () => {
  const checks = () => [rowCount({ min: 1 }), notNull("id"), unique("id"), mean("v", { max: 1e9 }), quantile("v", 0.99, { max: 1e9 })];

  it("gives one JSON entry per check, null for checks without state", () => {
    const stats = makeStats(checks());
    stats.add([{ id: "a", v: 1 }]);
    const state = stats.state();
    expect(state).toHaveLength(5);
    expect(state[0]).toBeNull();
    expect(state[1]).toEqual({ rows: 1, nulls: 0 });
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it("resumes from a checkpoint's statistics to the same result as one uninterrupted pass", () => {
    const random = seeded(12);
    const records: Row[] = Array.from({ length: 30_000 }, (_, i) => ({ id: `r${i % 29_990}`, v: random() * 1_000 }));
    const uninterrupted = makeStats(checks());
    for (let i = 0; i < records.length; i += 1_000) uninterrupted.add(records.slice(i, i + 1_000));

    const first = makeStats(checks());
    for (let i = 0; i < 17_000; i += 1_000) first.add(records.slice(i, i + 1_000));
    const saved = JSON.parse(JSON.stringify(first.state()));
    const resumed = restoreStats(checks(), saved);
    for (let i = 17_000; i < records.length; i += 1_000) resumed.add(records.slice(i, i + 1_000));

    expect(JSON.stringify(resumed.state())).toBe(JSON.stringify(uninterrupted.state()));
    const a = runGate(checks(), [[records]]);
    expect(a.checks[2].observed).toEqual({ rows: 30_000, distinct: 29_990, duplicates: 10 });
  });

  it("refuses statistics saved for a different set of checks", () => {
    expect(() => restoreStats(checks(), [null, { rows: 0, nulls: 0 }])).toThrow(
      "checkpoint statistics do not fit the stage's 5 checks (found 2 entries); the checks changed since the checkpoint was saved, so run with --fresh",
    );
    expect(() => restoreStats(checks(), [null, null, null, null, null])).toThrow(
      "checkpoint statistics have no state for check id not null; the checks changed since the checkpoint was saved, so run with --fresh",
    );
  });
});
