import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { notNull, renderGateMarkdown, writeGateReport } from "../../src/validate/index.js";
import { runGate } from "./helpers.js";

describe("writeGateReport", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "bulkhead-gate-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes gate-<stage>.json and gate-<stage>.md, creating the directory, with no temporary files left", async () => {
    const report = runGate([notNull("state")], [[[{ state: null }, { state: "CA" }]]]);
    const target = join(dir, "reports", "run-1");
    const files = await writeGateReport(target, report);
    expect(files).toEqual({ json: join(target, "gate-transform.json"), markdown: join(target, "gate-transform.md") });
    expect(JSON.parse(await readFile(files.json, "utf8"))).toEqual(report);
    expect(await readFile(files.markdown, "utf8")).toBe(renderGateMarkdown(report));
    expect((await readdir(target)).sort()).toEqual(["gate-transform.json", "gate-transform.md"]);
  });

  it("replaces an earlier report and keeps odd stage ids inside the directory", async () => {
    const first = runGate([notNull("state")], [[[{ state: null }]]]);
    await writeGateReport(dir, { ...first, stage: "../x y" });
    const second = { ...first, stage: "../x y", passed: true };
    const files = await writeGateReport(dir, second);
    expect(files.json).toBe(join(dir, "gate-.._x_y.json"));
    expect(JSON.parse(await readFile(files.json, "utf8")).passed).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(["gate-.._x_y.json", "gate-.._x_y.md"]);
  });
});
