// Building a CheckResult the same way in every check.
import type { CheckResult, Severity } from "./types.js";

/** Builds a result; `examples` is left out when there are none. */
export function makeResult(
  check: { name: string; severity: Severity },
  passed: boolean,
  observed: unknown,
  expected: unknown,
  message: string,
  examples?: unknown[],
): CheckResult {
  const result: CheckResult = {
    name: check.name,
    severity: check.severity,
    passed,
    observed,
    expected,
    message,
  };
  if (examples && examples.length > 0) result.examples = examples;
  return result;
}
