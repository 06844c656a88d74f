import type { Row } from "../pipeline/types.js";
import type { RecordFormat } from "./record-format.js";

/** NDJSON parts: one JSON object per line, "\n" line ends, UTF-8. */
export const ndjsonFormat: RecordFormat = {
  name: "ndjson",
  extension: "ndjson",
  encoder: () => ({
    encode(records) {
      let text = "";
      for (const record of records) text += stringifyRecord(record) + "\n";
      return text;
    },
    lines(records) {
      const lines: string[] = new Array(records.length);
      for (let i = 0; i < records.length; i++) lines[i] = stringifyRecord(records[i]);
      return lines;
    },
    state: () => ({}),
  }),
};

/**
 * JSON of one record. BigInt values, which JSON.stringify refuses, are
 * written as numbers when they are safe integers and as strings otherwise.
 */
export function stringifyRecord(record: Row): string {
  try {
    return JSON.stringify(record);
  } catch (error) {
    // Only pay for the replacer on the rare record that needs it.
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(record, (_key, value: unknown) =>
      typeof value === "bigint" ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value,
    );
  }
}
