// The KV cache's tensor layout, in plain JS because the decoder worker (also plain JS, so it runs
// unchanged under node, tsx, vitest and Next) keeps its caches with exactly the code the main
// thread uses. Types: cache-layout.d.mts.
//
// Per layer a key and a value tensor of [batch, kvHeads, length, headDim] floats, stored in one list
// [k0, v0, k1, v1, ...]. Where a row's tokens sit depends on the graph (`shape.align`):
// - "end" (model.onnx): rows are left-padded so every row's newest token is in the last column;
// - "start" (the fused graphs' GroupQueryAttention): a row's tokens fill it from column 0, zeros after.

/** The tensors of a cache with no positions yet (any batch size). */
export function emptyTensors(numLayers) {
  return Array.from({ length: 2 * numLayers }, () => new Float32Array(0));
}

/** The decoder's past inputs for `tensors` of `dims` = [batch, kvHeads, length, headDim]. */
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
 * padded with zeros to `length` on the side `shape.align` leaves free. With "start", a source row's
 * tokens are its first `keep` columns: callers keep all of a row's tokens (the scheduler does).
 */
export function gatherTensors(shape, rows, length) {
  const { kvHeads, headDim } = shape;
  const fromStart = shape.align === "start";
  const tensors = [];
  for (let t = 0; t < 2 * shape.numLayers; t++) {
    const out = new Float32Array(rows.length * kvHeads * length * headDim);
    rows.forEach(({ cache, row, keep }, dstRow) => {
      if (keep > cache.length || keep > length)
        throw new Error(`cannot keep ${keep} positions (source ${cache.length}, target ${length})`);
      const src = cache.tensors[t];
      for (let h = 0; h < kvHeads; h++) {
        const srcStart =
          ((row * kvHeads + h) * cache.length + (fromStart ? 0 : cache.length - keep)) * headDim;
        const dstStart = ((dstRow * kvHeads + h) * length + (fromStart ? 0 : length - keep)) * headDim;
        out.set(src.subarray(srcStart, srcStart + keep * headDim), dstStart);
      }
    });
    tensors.push(out);
  }
  return tensors;
}
