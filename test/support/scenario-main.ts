// The child side of run-scenario.ts: read the input, run, write the outcome.
import { writeFileSync } from "node:fs";

/** Runs `scenario` with the JSON input from argv and reports to the parent. */
export function runAsScenario<I, O>(scenario: (input: I) => Promise<O>): void {
  const [input, outFile] = process.argv.slice(2);
  const write = (outcome: object) => writeFileSync(outFile, JSON.stringify(outcome));
  scenario(JSON.parse(input) as I).then(
    (value) => write({ ok: true, value }),
    (error: unknown) => {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      write({ ok: false, error: text });
      process.exitCode = 1;
    },
  );
}
