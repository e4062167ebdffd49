/**
 * Batched key/value caches. The scheduler holds them as `CacheRef`s: a batch size and a length,
 * wherever the floats live (this thread's `KvCache`, or the decoder worker's own store).
 * Rows are aligned as the graph wants them (KvShape.align), and re-gathered (copied) only when the
 * batch changes: a sequence joins or leaves.
 */
import { emptyTensors, gatheredCapacity, gatherTensors } from "./cache-layout.mjs";

export interface KvShape {
  numLayers: number;
  kvHeads: number;
  headDim: number;
  /** Where a row's tokens sit (cache-layout.mjs): "end" (model.onnx, the default) or "start" (fused graphs). */
  align?: "end" | "start";
  /** Query heads and rotary base: a fused graph's keys are rotated when they are appended. */
  heads?: number;
  ropeTheta?: number;
}

/** A batch cache as the scheduler sees it. */
export interface CacheRef {
  readonly batch: number;
  /** Positions per row, padding included. */
  readonly length: number;
}

/** Row `row` of `cache`, of which the last `keep` positions go into a gathered cache. */
export interface GatherRow<C extends CacheRef> {
  cache: C;
  row: number;
  keep: number;
}

/** Length of a gathered cache (default: the longest kept row); throws if a row cannot be kept. */
export function gatheredLength<C extends CacheRef>(
  rows: ReadonlyArray<GatherRow<C>>,
  length?: number,
): number {
  const newLength = length ?? rows.reduce((m, r) => Math.max(m, r.keep), 0);
  for (const { cache, row, keep } of rows) {
    if (row < 0 || row >= cache.batch)
      throw new Error(`row ${row} is outside a cache of ${cache.batch} rows`);
    if (keep > cache.length || keep > newLength)
      throw new Error(`cannot keep ${keep} positions (source ${cache.length}, target ${newLength})`);
  }
  return newLength;
}

/** A cache in this thread's memory: per layer a key and a value tensor of [batch, kvHeads, capacity, headDim]. */
export class KvCache implements CacheRef {
  /** [k0, v0, k1, v1, ...], each batch * kvHeads * capacity * headDim floats. */
  readonly tensors: Float32Array[];
  readonly batch: number;
  readonly length: number;
  /** Positions per row the tensors hold (the length, or more for a "start" cache). */
  readonly capacity: number;
  readonly shape: KvShape;

  constructor(shape: KvShape, batch: number, length: number, tensors: Float32Array[], capacity = length) {
    const expected = batch * shape.kvHeads * capacity * shape.headDim;
    if (tensors.length !== 2 * shape.numLayers)
      throw new Error(`expected ${2 * shape.numLayers} cache tensors, got ${tensors.length}`);
    for (const t of tensors)
      if (t.length !== expected) throw new Error(`cache tensor has ${t.length} floats, expected ${expected}`);
    this.shape = shape;
    this.batch = batch;
    this.length = length;
    this.capacity = capacity;
    this.tensors = tensors;
  }

  static empty(shape: KvShape, batch: number): KvCache {
    return new KvCache(shape, batch, 0, emptyTensors(shape.numLayers));
  }

  /**
   * New cache whose row i holds the newest `keep` positions of `rows[i]`, padded with zeros to
   * `length` (default: the longest kept row) as `shape.align` says. Used to merge freshly
   * prefilled sequences in, split finished ones out, and drop all-padding columns.
   */
  static gather(shape: KvShape, rows: ReadonlyArray<GatherRow<KvCache>>, length?: number): KvCache {
    const newLength = gatheredLength(rows, length);
    const capacity = gatheredCapacity(shape, newLength);
    return new KvCache(shape, rows.length, newLength, gatherTensors(shape, rows, capacity), capacity);
  }
}

/** Cache handling of a decoder whose caches live in this thread (OnnxDecoder, test fakes). */
export abstract class InThreadCaches {
  constructor(readonly shape: KvShape) {}

  emptyCache(batch: number): KvCache {
    return KvCache.empty(this.shape, batch);
  }

  gatherCache(rows: ReadonlyArray<GatherRow<KvCache>>, length?: number): KvCache {
    return KvCache.gather(this.shape, rows, length);
  }

  /** Nothing to do: the garbage collector frees a cache nobody references. */
  releaseCache(_cache: KvCache): void {}
}
