// Bounded example lists: the few best-ranked distinct values with how often
// each was seen. Keeping the best `limit` by a fixed order (not the first
// seen) makes the list the same however records are split into shards and
// batches, so merging stays associative.

/** Distinct values with their counts, best-ranked first: [value, count]. */
export type ValueCounts<T> = Array<[T, number]>;

/** How many examples a check keeps and reports per list. */
export const EXAMPLE_LIMIT = 5;

/** Orders two values: negative when `a` ranks before `b`, 0 when equal. */
export type Rank<T> = (a: T, b: T) => number;

/** Smallest numbers first. */
export const lowestFirst: Rank<number> = (a, b) => a - b;

/** Largest numbers first. */
export const highestFirst: Rank<number> = (a, b) => b - a;

/** Texts in code-unit order, as Array.prototype.sort orders them. */
export const textOrder: Rank<string> = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** Counts one `value` into `list` (mutated), keeping the `limit` best-ranked values. */
export function offerValue<T>(
  list: ValueCounts<T>,
  value: T,
  rank: Rank<T>,
  limit: number = EXAMPLE_LIMIT,
): void {
  let at = 0;
  while (at < list.length) {
    const order = rank(value, list[at][0]);
    if (order === 0) {
      list[at][1] += 1;
      return;
    }
    if (order < 0) break;
    at += 1;
  }
  if (at >= limit) return;
  list.splice(at, 0, [value, 1]);
  if (list.length > limit) list.pop();
}

/** Combines two lists as if every value of both had been offered to one. */
export function mergeValueCounts<T>(
  a: ValueCounts<T>,
  b: ValueCounts<T>,
  rank: Rank<T>,
  limit: number = EXAMPLE_LIMIT,
): ValueCounts<T> {
  const merged: ValueCounts<T> = [];
  let i = 0;
  let j = 0;
  while (merged.length < limit && (i < a.length || j < b.length)) {
    const order =
      i >= a.length ? 1 : j >= b.length ? -1 : rank(a[i][0], b[j][0]);
    if (order === 0) {
      merged.push([a[i][0], a[i][1] + b[j][1]]);
      i += 1;
      j += 1;
    } else if (order < 0) {
      merged.push([a[i][0], a[i][1]]);
      i += 1;
    } else {
      merged.push([b[j][0], b[j][1]]);
      j += 1;
    }
  }
  return merged;
}
