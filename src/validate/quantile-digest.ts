// A mergeable, JSON-serialisable quantile sketch built on the `tdigest`
// package (Dunning's t-digest).
//
// Up to EXACT_LIMIT - 1 values are kept as they are, and quantiles over
// them are exact (nearest rank). From EXACT_LIMIT values on they are folded
// into t-digest centroids and quantiles are APPROXIMATE: with delta 0.01 the
// rank error is well under 1% and smallest near the tails (p1, p99).
//
// The package's own compress() shuffles with Math.random; this module
// replaces it with a seeded shuffle so the same records in the same order
// always give the same digest (and the same gate report). Merging shards in
// a different order can move an estimate slightly, within the error above.
import { type Centroid, TDigest } from "tdigest";

/** Largest fraction of all values one centroid may hold (the t-digest delta). */
const DELTA = 0.01;

/** Values kept exactly before folding into centroids; quantiles over fewer are exact. */
export const EXACT_LIMIT = 8_192;

/** A quantile sketch as plain JSON. */
export interface DigestState {
  /** Values represented by the centroids. */
  digested: number;
  /** Centroid means in ascending order. */
  means: number[];
  /** How many values each centroid holds. */
  weights: number[];
  /** Values not yet folded into centroids (fewer than EXACT_LIMIT). */
  pending: number[];
}

/** A sketch of no values. */
export function emptyDigest(): DigestState {
  return { digested: 0, means: [], weights: [], pending: [] };
}

/** Adds one finite number (mutates `state`), folding pending values into centroids when EXACT_LIMIT are waiting. */
export function addToDigest(state: DigestState, value: number): void {
  state.pending.push(value);
  if (state.pending.length >= EXACT_LIMIT) fold(state);
}

/** Combines two sketches; stays exact while no centroids exist and fewer than EXACT_LIMIT values are held. */
export function mergeDigests(a: DigestState, b: DigestState): DigestState {
  const pending = a.pending.concat(b.pending);
  if (a.digested === 0 && b.digested === 0 && pending.length < EXACT_LIMIT) {
    return { digested: 0, means: [], weights: [], pending };
  }
  const digest = makeDigest();
  pushCentroids(digest, a);
  pushCentroids(digest, b);
  digest.push(pending);
  compress(digest);
  return { ...centroidsOf(digest), pending: [] };
}

/** Number of values in the sketch. */
export function digestSize(state: DigestState): number {
  return state.digested + state.pending.length;
}

/** The q-quantile (0 ≤ q ≤ 1), or null for an empty sketch; `exact` is false once centroids are used. */
export function digestQuantile(state: DigestState, q: number): { value: number | null; exact: boolean } {
  if (digestSize(state) === 0) return { value: null, exact: true };
  if (state.digested === 0) return { value: nearestRank(state.pending, q), exact: true };
  const digest = makeDigest();
  pushCentroids(digest, state);
  digest.push(state.pending);
  return { value: digest.percentile(q) ?? null, exact: false };
}

/** The smallest value with at least a fraction q of the values at or below it. */
function nearestRank(values: number[], q: number): number {
  const sorted = Float64Array.from(values).sort();
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}

/**
 * Moves the pending values into the centroids. Equal values go in as one
 * weighted point (a centroid of equal values is exact; pushed one by one,
 * the first copy could have merged into a neighbour instead): real columns
 * repeat (integer delays, prices, codes), and one tree update per distinct
 * value instead of per value is most of the cost of this check. The points
 * go in a seeded shuffle, so the sorted order does not degrade the digest
 * and the same values always give the same estimate.
 */
function fold(state: DigestState): void {
  const digest = makeDigest();
  pushCentroids(digest, state);
  const points = distinctPoints(state.pending);
  shuffle(points, seededRandom(points.length));
  digest.push_centroid(points);
  compress(digest);
  Object.assign(state, centroidsOf(digest), { pending: [] });
}

/** The distinct values with how often each occurs, in ascending order. */
function distinctPoints(values: number[]): Centroid[] {
  const sorted = Float64Array.from(values).sort();
  const points: Centroid[] = [];
  for (let i = 0; i < sorted.length; ) {
    let end = i + 1;
    while (end < sorted.length && sorted[end] === sorted[i]) end++;
    points.push({ mean: sorted[i], n: end - i });
    i = end;
  }
  return points;
}

/** A t-digest whose automatic recompression is deterministic. */
function makeDigest(): TDigest {
  const digest = new TDigest(DELTA);
  digest.compress = () => compress(digest);
  return digest;
}

/** Re-digests the centroids in a seeded random order, as TDigest#compress does with Math.random. */
function compress(digest: TDigest): void {
  if (digest.compressing) return;
  const centroids = digest.toArray();
  digest.reset();
  digest.compressing = true;
  shuffle(centroids, seededRandom(centroids.length));
  digest.push_centroid(centroids);
  digest._cumulate(true);
  digest.compressing = false;
}

/** Rebuilds the saved centroids; pushed in ascending order they stay as they were. */
function pushCentroids(digest: TDigest, state: DigestState): void {
  const centroids: Centroid[] = new Array(state.means.length);
  for (let i = 0; i < state.means.length; i++) centroids[i] = { mean: state.means[i], n: state.weights[i] };
  digest.push_centroid(centroids);
}

function centroidsOf(digest: TDigest): Omit<DigestState, "pending"> {
  const centroids = digest.toArray();
  let digested = 0;
  for (const c of centroids) digested += c.n;
  return { digested, means: centroids.map((c) => c.mean), weights: centroids.map((c) => c.n) };
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function seededRandom(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r ^= r + Math.imul(r ^ (r >>> 7), 61 | r);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}
