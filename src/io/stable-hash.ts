/**
 * 32-bit FNV-1a of a string's UTF-16 code units. Stable across runs,
 * machines and Node versions, which is all hash sharding needs.
 */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The shard (0-based) a key belongs to when sharding by hash. */
export function shardOfKey(key: unknown, count: number): number {
  return fnv1a(String(key)) % count;
}
