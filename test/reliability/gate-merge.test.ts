// Case 15: three matrix legs report; leg 2 says invalid first, legs 1 and 3
// valid later. The gate merges every leg's statistics, so the verdict never
// depends on which leg reported last (no "last job output wins").
import { describe, expect, it } from "vitest";
import { evaluateGate, makeStats, mergeStats, range, rowCount } from "../../src/validate/index.js";

const checks = [range("amount", { min: 0, max: 100 }), rowCount({ min: 1 })];

function legState(amounts: number[]) {
  const stats = makeStats(checks);
  stats.add(amounts.map((amount) => ({ amount })));
  return JSON.parse(JSON.stringify(stats.state())) as unknown[];
}

describe("a gate over three legs", () => {
  const leg1 = legState([1, 2, 3]);
  const leg2 = legState([4, 500, 6]);
  const leg3 = legState([7, 8, 9]);

  it.each([
    ["leg 2 first", [leg2, leg1, leg3]],
    ["leg 2 last", [leg1, leg3, leg2]],
    ["in order", [leg1, leg2, leg3]],
  ])("fails when one leg is invalid, whatever the order (%s)", (_, states) => {
    const report = evaluateGate({
      pipeline: "p",
      stage: "s",
      runId: "r",
      checks,
      state: mergeStats(checks, states),
      counts: { rowsIn: 9, rowsOut: 9, rowsInvalid: 0 },
      lastSuccess: null,
      now: new Date(),
    });
    expect(report.passed).toBe(false);
    expect(report.checks[0]).toMatchObject({ passed: false, observed: { values: 9, outside: 1, max: 500 } });
  });
});
