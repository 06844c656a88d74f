// Types for the parts of the `tdigest` package (0.1.3, CommonJS, no bundled
// types) that quantile checks use; see node_modules/tdigest/tdigest.js.
declare module "tdigest" {
  /** One centroid: the mean of `n` values. */
  export interface Centroid {
    mean: number;
    n: number;
  }

  export class TDigest {
    /**
     * `delta`: the largest fraction of all values one centroid may hold
     * (default 0.01); `K`: recompress when the size exceeds K / delta
     * (default 25).
     */
    constructor(delta?: number | false, K?: number, CX?: number);
    /** Number of values digested. */
    n: number;
    /** True while compress() re-digests the centroids. */
    compressing?: boolean;
    push(x: number | number[], n?: number): void;
    push_centroid(c: Centroid | Centroid[]): void;
    percentile(p: number): number | undefined;
    size(): number;
    toArray(): Centroid[];
    reset(): void;
    compress(): void;
    _cumulate(exact: boolean): void;
  }
}
