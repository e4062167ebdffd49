// The KV cache's tensor layout, in plain JS because the decoder worker (also plain JS, so it runs
// unchanged under node, tsx, vitest and Next) keeps its caches with exactly the code the main
// thread uses. Types: cache-layout.d.mts.
//
// Per layer a key and a value tensor of [batch, kvHeads, capacity, headDim] floats, stored in one
// list [k0, v0, k1, v1, ...]. Where a row's tokens sit depends on the graph (`shape.align`):
// - "end" (model.onnx): rows are left-padded so every row's newest token is in the last column;
//   the graph returns the whole cache (present.*) and capacity is the length;
// - "start" (the fused graphs' GroupQueryAttention): a row's tokens fill it from column 0; the graph
//   returns only each call's q|k|v projections (qkv.*), whose keys and values are appended here in
//   place, and capacity keeps HEADROOM positions beyond the longest row so most steps allocate
//   nothing. GroupQueryAttention's time grows with the capacity (measured: +30% at 64 free positions
//   past 200 at batch 8), while growing copies the whole cache: 32 balances the two.

/** Positions a gathered or grown "start" cache keeps free per row (at 135M, 46 KB a position). */
export const HEADROOM = 32;

/** Positions a gathered cache has room for: "start" caches grow in place, "end" caches are replaced. */
export function gatheredCapacity(shape, length) {
  return shape.align === "start" ? length + HEADROOM : length;
}

/** The tensors of a cache with no positions yet (any batch size). */
export function emptyTensors(numLayers) {
  return Array.from({ length: 2 * numLayers }, () => new Float32Array(0));
}

/** Positions the cache's tensors hold per row. */
export function capacityOf(cache) {
  return cache.capacity ?? cache.length;
}

/** The decoder's past inputs for `tensors` of `dims` = [batch, kvHeads, capacity, headDim]. */
export function pastFeeds(tensors, dims) {
  const feeds = {};
  for (let l = 0; l < tensors.length / 2; l++) {
    feeds[`past_key_values.${l}.key`] = { type: "float32", data: tensors[2 * l], dims };
    feeds[`past_key_values.${l}.value`] = { type: "float32", data: tensors[2 * l + 1], dims };
  }
  return feeds;
}

/** The decoder's present outputs for `numLayers` layers, in cache order. */
export function presentTensors(outputs, numLayers) {
  const tensors = [];
  for (let l = 0; l < numLayers; l++)
    tensors.push(outputs[`present.${l}.key`].data, outputs[`present.${l}.value`].data);
  return tensors;
}

/**
 * Tensors whose row i holds the `keep` newest positions of `rows[i]` (a row of some source cache),
 * padded with zeros to `capacity` on the side `shape.align` leaves free. With "start", a source
 * row's tokens are its first `keep` columns: callers keep all of a row's tokens (the scheduler does).
 */
export function gatherTensors(shape, rows, capacity) {
  const { kvHeads, headDim } = shape;
  const fromStart = shape.align === "start";
  const tensors = [];
  for (let t = 0; t < 2 * shape.numLayers; t++) {
    const out = new Float32Array(rows.length * kvHeads * capacity * headDim);
    rows.forEach(({ cache, row, keep }, dstRow) => {
      const stride = capacityOf(cache);
      if (keep > cache.length || keep > capacity)
        throw new Error(`cannot keep ${keep} positions (source ${cache.length}, target ${capacity})`);
      const src = cache.tensors[t];
      for (let h = 0; h < kvHeads; h++) {
        const srcStart = ((row * kvHeads + h) * stride + (fromStart ? 0 : stride - keep)) * headDim;
        const dstStart = ((dstRow * kvHeads + h) * capacity + (fromStart ? 0 : capacity - keep)) * headDim;
        out.set(src.subarray(srcStart, srcStart + keep * headDim), dstStart);
      }
    });
    tensors.push(out);
  }
  return tensors;
}

/**
 * cos and sin of every (new token, frequency) of one call, as GroupQueryAttention rotates keys
 * (non-interleaved halves, inverse frequencies theta^(-2j/headDim) in float32).
 */
function rotaryTables(shape, firstPosition, seq) {
  const half = shape.headDim / 2;
  const cos = new Float32Array(firstPosition.length * seq * half);
  const sin = new Float32Array(cos.length);
  for (let b = 0; b < firstPosition.length; b++)
    for (let s = 0; s < seq; s++)
      for (let j = 0; j < half; j++) {
        const invFreq = Math.fround(1 / Math.fround(shape.ropeTheta ** Math.fround((2 * j) / shape.headDim)));
        const angle = Math.fround((firstPosition[b] + s) * invFreq);
        cos[(b * seq + s) * half + j] = Math.cos(angle);
        sin[(b * seq + s) * half + j] = Math.sin(angle);
      }
  return { cos, sin };
}

/**
 * A "start" cache after one model call of a fused graph: each layer's `qkv` output ([batch, seq,
 * (heads + 2 kvHeads) * headDim]) gives the new keys, rotated here, and values, written at each
 * row's end, `firstPosition[b]`. In place when the cache has room; otherwise the rows move to
 * tensors with HEADROOM free positions.
 */
export function appendTensors(shape, cache, qkv, firstPosition, seq) {
  const { kvHeads, headDim } = shape;
  const length = Math.max(...Array.from(firstPosition, (p) => p + seq));
  let { tensors } = cache;
  let capacity = capacityOf(cache);
  if (length > capacity) {
    capacity = length + HEADROOM;
    const rows = Array.from(firstPosition, (keep, row) => ({ cache, row, keep }));
    tensors = gatherTensors(shape, rows, capacity);
  }
  const half = headDim / 2;
  const width = (shape.heads + 2 * kvHeads) * headDim;
  const { cos, sin } = rotaryTables(shape, firstPosition, seq);
  qkv.forEach((projection, layer) => {
    const keys = tensors[2 * layer];
    const values = tensors[2 * layer + 1];
    for (let b = 0; b < cache.batch; b++) {
      for (let s = 0; s < seq; s++) {
        const token = (b * seq + s) * width;
        const angles = (b * seq + s) * half;
        for (let h = 0; h < kvHeads; h++) {
          const k = token + (shape.heads + h) * headDim;
          const v = token + (shape.heads + kvHeads + h) * headDim;
          const dst = ((b * kvHeads + h) * capacity + firstPosition[b] + s) * headDim;
          for (let j = 0; j < half; j++) {
            const x1 = projection[k + j];
            const x2 = projection[k + half + j];
            keys[dst + j] = x1 * cos[angles + j] - x2 * sin[angles + j];
            keys[dst + half + j] = x2 * cos[angles + j] + x1 * sin[angles + j];
          }
          values.set(projection.subarray(v, v + headDim), dst);
        }
      }
    }
  });
  return { batch: cache.batch, length, capacity, tensors };
}

/** The fused decoder's per-layer q|k|v projections. */
export function qkvTensors(outputs, numLayers) {
  return Array.from({ length: numLayers }, (_, l) => outputs[`qkv.${l}`].data);
}
