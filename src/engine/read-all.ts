// Reading a whole (small) source into memory, e.g. a lookup table in setup.
import type { IoContext, Row, Source } from "../pipeline/types.js";

/** Every record of `source` as one array; rejects make it throw. */
export async function readAll(source: Source, context: IoContext): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of source.read(context, null)) {
    const reject = batch.rejects?.[0];
    if (reject) {
      throw new Error(`${source.description}: ${reject.line ? `line ${reject.line}: ` : ""}${reject.reason}`);
    }
    rows.push(...batch.records);
  }
  return rows;
}
