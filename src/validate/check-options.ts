// What every check factory accepts, and the errors it throws for a check
// that cannot work as written.
import type { Severity } from "./types.js";

/** Options every check takes. */
export interface CheckOptions {
  /** `fail` stops downstream stages, `warn` only reports; default "fail". */
  severity?: Severity;
  /** Shown in reports; default describes the check, e.g. "delay within [-120, 1440]". */
  name?: string;
}

/** A check was defined with options it cannot work with. */
export class CheckDefinitionError extends Error {
  /** The check's name as it would have been reported. */
  readonly check: string;

  constructor(check: string, message: string) {
    super(`check ${check}: ${message}`);
    this.name = "CheckDefinitionError";
    this.check = check;
  }
}

/** Reads the severity option, rejecting anything but "fail" and "warn". */
export function readSeverity(options: CheckOptions, name: string): Severity {
  const severity = options.severity ?? "fail";
  if (severity !== "fail" && severity !== "warn") {
    throw new CheckDefinitionError(name, `severity must be "fail" or "warn", not ${JSON.stringify(severity)}`);
  }
  return severity;
}

/** Rejects a field name that is not a non-empty string. */
export function requireField(field: unknown, name: string): string {
  if (typeof field !== "string" || field === "") {
    throw new CheckDefinitionError(name, `the field must be a non-empty string, not ${JSON.stringify(field)}`);
  }
  return field;
}
