/**
 * Batched key/value cache in the decoder's layout: per layer a key and a value tensor of
 * [batch, kvHeads, length, headDim], rows left-padded so every row's newest token is in the last column.
 * Rows are re-gathered (copied) only when the batch changes: a sequence joins or leaves.
 */

export interface KvShape {
  numLayers: number;
  kvHeads: number;
  headDim: number;
}

export class KvCache {
  /** [k0, v0, k1, v1, ...], each batch * kvHeads * length * headDim floats. */
  readonly tensors: Float32Array[];
  readonly batch: number;
  readonly length: number;
  readonly shape: KvShape;

  constructor(shape: KvShape, batch: number, length: number, tensors: Float32Array[]) {
    const expected = batch * shape.kvHeads * length * shape.headDim;
    if (tensors.length !== 2 * shape.numLayers)
      throw new Error(`expected ${2 * shape.numLayers} cache tensors, got ${tensors.length}`);
    for (const t of tensors)
      if (t.length !== expected) throw new Error(`cache tensor has ${t.length} floats, expected ${expected}`);
    this.shape = shape;
    this.batch = batch;
    this.length = length;
    this.tensors = tensors;
  }

  static empty(shape: KvShape, batch: number): KvCache {
    return new KvCache(
      shape,
      batch,
      0,
      Array.from({ length: 2 * shape.numLayers }, () => new Float32Array(0)),
    );
  }

  /**
   * New cache whose row i holds the last `keep` positions of `rows[i]` (a row of some source cache),
   * right-aligned and left-padded with zeros to `length` (default: the longest kept row).
   * Used to merge freshly prefilled sequences in, split finished ones out, and drop all-padding columns.
   */
  static gather(
    shape: KvShape,
    rows: ReadonlyArray<{ cache: KvCache; row: number; keep: number }>,
    length?: number,
  ): KvCache {
    const newLength = length ?? rows.reduce((m, r) => Math.max(m, r.keep), 0);
    const { kvHeads, headDim } = shape;
    const tensors: Float32Array[] = [];
    for (let t = 0; t < 2 * shape.numLayers; t++) {
      const out = new Float32Array(rows.length * kvHeads * newLength * headDim);
      rows.forEach(({ cache, row, keep }, dstRow) => {
        if (keep > cache.length || keep > newLength)
          throw new Error(`cannot keep ${keep} positions (source ${cache.length}, target ${newLength})`);
        const src = cache.tensors[t]!;
        for (let h = 0; h < kvHeads; h++) {
          const srcStart = ((row * kvHeads + h) * cache.length + (cache.length - keep)) * headDim;
          const dstStart = ((dstRow * kvHeads + h) * newLength + (newLength - keep)) * headDim;
          out.set(src.subarray(srcStart, srcStart + keep * headDim), dstStart);
        }
      });
      tensors.push(out);
    }
    return new KvCache(shape, rows.length, newLength, tensors);
  }
}
