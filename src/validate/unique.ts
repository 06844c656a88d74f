// unique: no key may occur twice across all shards.
//
// Memory: the state holds every distinct key as a string, so it grows with
// the number of distinct keys (O(distinct keys × key length)) and is saved
// in each checkpoint. Keys are kept as text, not hashed, so there are no
// false duplicates. New keys are appended to `pending` and sorted into
// `keys` once pending is as large as keys (at least 65,536), which keeps
// `add` amortised O(log n) per record.
//
// Duplicates are found by a sorted merge, within a shard and across shards.
// The examples are the 5 smallest duplicated keys (in code-unit order) with
// how often each occurs: a fixed choice, so merging stays associative.
import { type CheckOptions, CheckDefinitionError, readSeverity, requireField } from "./check-options.js";
import { makeResult } from "./check-result.js";
import { formatCount, formatCountOf } from "./format.js";
import { requireState } from "./missing-state.js";
import type { Row } from "../pipeline/types.js";
import type { Check } from "./types.js";
import { keyText } from "./value-text.js";
import { EXAMPLE_LIMIT, type ValueCounts } from "./value-counts.js";

/** Folded state of unique(). */
export interface UniqueState {
  /** Records that had a key (records with a key field null or missing have none). */
  rows: number;
  /** Distinct keys, sorted in code-unit order. */
  keys: string[];
  /** Keys added since `keys` was last sorted; unsorted, may repeat. */
  pending: string[];
  /** The smallest duplicated keys with their number of occurrences. */
  duplicates: ValueCounts<string>;
}

/** Sorted distinct keys and their smallest duplicates: a state without pending keys. */
interface SortedKeys {
  keys: string[];
  duplicates: ValueCounts<string>;
}

/** Pending keys are sorted into `keys` once there are this many (or as many as keys). */
const COMPACT_AT = 65_536;

/**
 * Fails when a key occurs more than once across all shards. The key is one
 * field, or several (compared as a JSON array of their texts); values
 * compare as text (1 and "1" are the same key). Records with a key field
 * null or missing are skipped: pair with notNull().
 */
export function unique(fields: string | string[], options: CheckOptions = {}): Check<UniqueState> {
  const list = typeof fields === "string" ? [fields] : [...fields];
  const label = list.length === 1 ? list[0] : `(${list.join(", ")})`;
  const name = options.name ?? `${label} unique`;
  if (list.length === 0) throw new CheckDefinitionError(name, "name at least one key field");
  for (const field of list) requireField(field, name);
  const severity = readSeverity(options, name);
  const readKey = list.length === 1 ? singleKeyReader(list[0]) : compositeKeyReader(list);

  return {
    name,
    severity,
    fields: list,
    initial: () => ({ rows: 0, keys: [], pending: [], duplicates: [] }),
    add(state, records) {
      const { pending } = state;
      const before = pending.length;
      for (let i = 0; i < records.length; i++) {
        const key = readKey(records[i]);
        if (key !== null) pending.push(key);
      }
      state.rows += pending.length - before;
      if (pending.length >= Math.max(COMPACT_AT, state.keys.length)) {
        Object.assign(state, mergeSorted(state, sortKeys(pending)), { pending: [] });
      }
      return state;
    },
    merge(a, b) {
      const merged = mergeSorted(settle(a), settle(b));
      return { rows: a.rows + b.rows, keys: merged.keys, pending: [], duplicates: merged.duplicates };
    },
    evaluate(state, _ctx) {
      const current = requireState(state, name);
      const { rows } = current;
      const settled = settle(current);
      const distinct = settled.keys.length;
      const duplicates = rows - distinct;
      const examples = settled.duplicates.map(([value, count]) => ({ value, count }));
      const shown = examples.map((e) => `${list.length === 1 ? JSON.stringify(e.value) : e.value} ×${formatCount(e.count)}`);
      const message = duplicates === 0
        ? `${name}: all ${formatCount(rows)} keys are distinct`
        : `${name}: ${formatCountOf(duplicates, "duplicate row")} among ${formatCount(rows)} (e.g. ${shown.join(", ")})`;
      return makeResult({ name, severity }, duplicates === 0, { rows, distinct, duplicates }, { duplicates: 0 }, message, examples);
    },
  };
}

/** Reads one field's key text, or null when the field is null or missing. */
function singleKeyReader(field: string): (record: Row) => string | null {
  return (record) => {
    const value = record[field];
    if (value === null || value === undefined) return null;
    return typeof value === "string" ? value : keyText(value);
  };
}

/** Reads several fields as a JSON array of their key texts, or null when any is null or missing. */
function compositeKeyReader(fields: string[]): (record: Row) => string | null {
  return (record) => {
    const parts: string[] = new Array(fields.length);
    for (let i = 0; i < fields.length; i++) {
      const value = record[fields[i]];
      if (value === null || value === undefined) return null;
      parts[i] = keyText(value);
    }
    return JSON.stringify(parts);
  };
}

/** The state with its pending keys sorted in; does not change `state`. */
function settle(state: UniqueState): SortedKeys {
  if (state.pending.length === 0) return state;
  return mergeSorted(state, sortKeys([...state.pending]));
}

/** Sorts keys (in place) into distinct keys plus the smallest repeated ones with counts. */
function sortKeys(keys: string[]): SortedKeys {
  keys.sort();
  const distinct: string[] = [];
  const duplicates: ValueCounts<string> = [];
  let i = 0;
  while (i < keys.length) {
    let end = i + 1;
    while (end < keys.length && keys[end] === keys[i]) end += 1;
    distinct.push(keys[i]);
    if (end - i > 1 && duplicates.length < EXAMPLE_LIMIT) duplicates.push([keys[i], end - i]);
    i = end;
  }
  return { keys: distinct, duplicates };
}

/** Merges two sets of sorted keys; a key in both is a duplicate across them. */
function mergeSorted(a: SortedKeys, b: SortedKeys): SortedKeys {
  const keys: string[] = new Array(a.keys.length + b.keys.length);
  const shared: string[] = [];
  let n = 0;
  let i = 0;
  let j = 0;
  while (i < a.keys.length && j < b.keys.length) {
    const x = a.keys[i];
    const y = b.keys[j];
    if (x < y) {
      keys[n++] = x;
      i += 1;
    } else if (y < x) {
      keys[n++] = y;
      j += 1;
    } else {
      keys[n++] = x;
      if (shared.length < EXAMPLE_LIMIT) shared.push(x);
      i += 1;
      j += 1;
    }
  }
  while (i < a.keys.length) keys[n++] = a.keys[i++];
  while (j < b.keys.length) keys[n++] = b.keys[j++];
  keys.length = n;
  return { keys, duplicates: smallestDuplicates(a, b, shared) };
}

/**
 * The smallest keys duplicated in a ∪ b with their total occurrences. A key
 * among them is a duplicate listed by a or b, or one of the smallest keys
 * they share, so those candidates are enough.
 */
function smallestDuplicates(a: SortedKeys, b: SortedKeys, shared: string[]): ValueCounts<string> {
  const candidates = new Set<string>(shared);
  for (const [key] of a.duplicates) candidates.add(key);
  for (const [key] of b.duplicates) candidates.add(key);
  const sorted = [...candidates].sort().slice(0, EXAMPLE_LIMIT);
  return sorted.map((key) => [key, occurrences(a, key) + occurrences(b, key)]);
}

/** How often `key` occurs in a side: its listed count, else 1 if present, else 0. */
function occurrences(side: SortedKeys, key: string): number {
  for (const [listed, count] of side.duplicates) if (listed === key) return count;
  return containsSorted(side.keys, key) ? 1 : 0;
}

function containsSorted(keys: string[], key: string): boolean {
  let low = 0;
  let high = keys.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if (keys[mid] === key) return true;
    if (keys[mid] < key) low = mid + 1;
    else high = mid - 1;
  }
  return false;
}
