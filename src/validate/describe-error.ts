// Reading whatever was thrown (keep `unknown` in catch, normalise here).

/** The message of a thrown value: an Error's message, else its text. */
export function describeError(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  return typeof thrown === "string" ? thrown : String(thrown);
}
