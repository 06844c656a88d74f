// The check every stage gets for the fields its other checks read: a field
// in none of the records written is almost always a typo ("amout"), and a
// range or mean over no values would otherwise pass without a word.
import type { Row } from "../pipeline/types.js";
import type { Check } from "./types.js";

/** Fields seen so far (a field counts once any record has it as a key). */
export interface FieldsPresentState {
  seen: string[];
}

/**
 * Fails when a field that `checks` read is in none of the rows written.
 * Added by definePipeline; `checks` names which checks read each field.
 */
export function fieldsPresent(fieldsOf: Map<string, string[]>): Check<FieldsPresentState> {
  const fields = [...fieldsOf.keys()];
  return {
    name: "checked fields exist",
    severity: "fail",
    initial: () => ({ seen: [] }),
    add(state, records: Row[]) {
      for (const field of fields) {
        if (state.seen.includes(field)) continue;
        // Usually the first record has it: this is O(fields) per batch.
        if (records.some((record) => field in record)) state.seen.push(field);
      }
      return state;
    },
    merge: (a, b) => ({ seen: [...new Set([...a.seen, ...b.seen])].sort() }),
    evaluate(state, ctx) {
      const seen = new Set(state?.seen ?? []);
      const missing = ctx.counts.rowsOut === 0 ? [] : fields.filter((f) => !seen.has(f));
      const passed = missing.length === 0;
      const described = missing.map((f) => `\`${f}\` (read by ${fieldsOf.get(f)!.join(", ")})`);
      return {
        name: "checked fields exist",
        severity: "fail",
        passed,
        observed: { missing },
        expected: { fields },
        message: passed
          ? `every checked field is present (${fields.join(", ")})`
          : `field ${described.join(", ")} is in none of the ${ctx.counts.rowsOut.toLocaleString("en-US")} rows written; check its name`,
      };
    },
  };
}
