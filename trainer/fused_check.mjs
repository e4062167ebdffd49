// Runs a fused decoder (fused_export.py) through onnxruntime-node the way the serving engine does,
// with the engine's own cache code (server/inference/cache-layout.mjs): each prompt read alone in
// chunks, the rows' caches merged into one batch (each row from column 0), then batched
// single-token steps, each call's keys and values appended to the cache. Called by export.py.
// usage: node fused_check.mjs SPEC.json
//   spec: {model, num_layers, heads, kv_heads, head_dim, rope_theta, out_dir, prompts: [[ids]], chunk, decode: [[id per row]]}
// writes out_dir/logits_{k}.bin (float32 [rows, vocab]) for k = 0 (each prompt's last position)
// then one per decode step, and prints one JSON line.
import fs from "node:fs";
import path from "node:path";
import ort from "onnxruntime-node";
import { appendTensors, emptyTensors, gatherTensors, pastFeeds, qkvTensors } from "../server/inference/cache-layout.mjs";

const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const session = await ort.InferenceSession.create(spec.model, { graphOptimizationLevel: "all", intraOpNumThreads: 2 });
const shape = {
  numLayers: spec.num_layers,
  heads: spec.heads,
  kvHeads: spec.kv_heads,
  headDim: spec.head_dim,
  ropeTheta: spec.rope_theta,
  align: "start",
};

async function step(ids, cache) {
  const { batch } = cache;
  const seq = ids.length / batch;
  const firstPosition = cache.rowLengths;
  const feeds = {
    input_ids: new ort.Tensor("int64", BigInt64Array.from(ids.map(BigInt)), [batch, seq]),
    seqlens_k: new ort.Tensor("int32", Int32Array.from(firstPosition.map((n) => n + seq - 1)), [batch]),
    total_sequence_length: new ort.Tensor("int32", Int32Array.from([Math.max(...firstPosition) + seq]), []),
  };
  const dims = [batch, shape.kvHeads, cache.capacity ?? cache.length, shape.headDim];
  for (const [name, t] of Object.entries(pastFeeds(cache.tensors, dims))) feeds[name] = new ort.Tensor("float32", t.data, t.dims);
  const out = await session.run(feeds);
  const grown = appendTensors(shape, cache, qkvTensors(out, shape.numLayers), firstPosition, seq);
  return { logits: out.logits.data, cache: { ...grown, rowLengths: firstPosition.map((n) => n + seq) } };
}

const outputs = [];
const rows = [];
const lastLogits = [];
for (const prompt of spec.prompts) {
  let cache = { batch: 1, length: 0, tensors: emptyTensors(shape.numLayers), rowLengths: [0] };
  let logits;
  for (let done = 0; done < prompt.length; done += spec.chunk)
    ({ logits, cache } = await step(prompt.slice(done, done + spec.chunk), cache));
  rows.push(cache);
  lastLogits.push(logits);
}
outputs.push(lastLogits);

const lengths = rows.map((r) => r.length);
let cache = {
  batch: rows.length,
  length: Math.max(...lengths),
  tensors: gatherTensors(shape, rows.map((r, i) => ({ cache: r, row: 0, keep: lengths[i] })), Math.max(...lengths)),
  rowLengths: lengths,
};
for (const ids of spec.decode) {
  const out = await step(ids, cache);
  const vocab = out.logits.length / rows.length;
  outputs.push(rows.map((_, b) => out.logits.subarray(b * vocab, (b + 1) * vocab)));
  cache = out.cache;
}
outputs.forEach((perRow, k) => {
  const flat = new Float32Array(perRow.reduce((n, l) => n + l.length, 0));
  let at = 0;
  for (const l of perRow) {
    flat.set(l, at);
    at += l.length;
  }
  fs.writeFileSync(path.join(spec.out_dir, `logits_${k}.bin`), Buffer.from(flat.buffer));
});
process.stdout.write(`${JSON.stringify({ steps: outputs.length, rows: rows.length, inputs: session.inputNames })}\n`);
