// How far V8 may let the heap grow between full collections.
//
// On a machine with 16 GB or more, V8 lets the old generation grow to about
// four times what survived the last full collection before collecting
// again. A bulk job makes garbage fast (decoded row groups, every record's
// objects, JSON text), so the process sat at several times its live data:
// the bench's one-shard run peaked at 320–365 MB of RSS with ~40 MB live.
// Growth of at most 100% (2×) brought it to 235–250 MB, for 0–8% more time
// in alternating runs (npm run bench; docs/performance.md).
//
// That is the default of the process that runs one-shard stages itself (the
// CLI, and each GitHub Actions job). Shard processes keep V8's default: they
// run side by side on every core, where the extra collections' marking
// threads compete with the shards themselves (2 shards: 5–10% slower).
// Setting the variable applies it to shard processes too.
import v8 from "node:v8";

/** Percent the heap may grow past the live data of the last full collection. */
export const DEFAULT_HEAP_GROWTH_PERCENT = 100;

/** The variable that overrides it; 0 leaves V8's own heuristics. */
export const HEAP_GROWTH_VARIABLE = "BULKHEAD_HEAP_GROWTH_PERCENT";

/**
 * Sets V8's heap growing factor for this process (`defaultPercent` unless
 * the variable says otherwise), which V8 reads at every
 * full collection, so setting it at start-up takes effect. Returns an error
 * message for a value that is not a whole number from 0 to 1000.
 */
export function boundHeapGrowth(
  env: NodeJS.ProcessEnv = process.env,
  defaultPercent = DEFAULT_HEAP_GROWTH_PERCENT,
): string | null {
  const raw = env[HEAP_GROWTH_VARIABLE];
  const unset = raw === undefined || raw.trim() === "";
  const percent = unset ? defaultPercent : /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(percent) || percent > 1000) {
    return `${HEAP_GROWTH_VARIABLE}=${raw}: expected a whole number of percent from 0 to 1000 (0 = V8's own heuristics, default ${DEFAULT_HEAP_GROWTH_PERCENT})`;
  }
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
  return null;
}
