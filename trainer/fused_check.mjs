// Runs a fused decoder (fused_export.py) through onnxruntime-node the way the serving engine does:
// each prompt read alone in chunks, the rows' caches merged into one batch (each row from column
// 0, zeros after its tokens), then batched single-token steps. Called by fused_export_check.py.
// usage: node fused_check.mjs SPEC.json
//   spec: {model, num_layers, kv_heads, head_dim, out_dir, prompts: [[ids]], chunk, decode: [[id per row]]}
// writes out_dir/logits_{k}.bin (float32 [rows, vocab]) for k = 0 (each prompt's last position)
// then one per decode step, and prints one JSON line.
import fs from "node:fs";
import path from "node:path";
import ort from "onnxruntime-node";

const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const session = await ort.InferenceSession.create(spec.model, { graphOptimizationLevel: "all", intraOpNumThreads: 2 });
const names = [];
for (let i = 0; i < spec.num_layers; i++) for (const kind of ["key", "value"]) names.push([`past_key_values.${i}.${kind}`, `present.${i}.${kind}`]);
const rowFloats = (length) => spec.kv_heads * length * spec.head_dim;

async function step(ids, lengths, cache, cacheLength) {
  const batch = lengths.length;
  const seq = ids.length / batch;
  const total = Math.max(...lengths.map((n) => n + seq));
  const feeds = {
    input_ids: new ort.Tensor("int64", BigInt64Array.from(ids.map(BigInt)), [batch, seq]),
    seqlens_k: new ort.Tensor("int32", Int32Array.from(lengths.map((n) => n + seq - 1)), [batch]),
    total_sequence_length: new ort.Tensor("int32", Int32Array.from([total]), []),
  };
  for (const [k, [past]] of names.entries()) feeds[past] = new ort.Tensor("float32", cache[k], [batch, spec.kv_heads, cacheLength, spec.head_dim]);
  const out = await session.run(feeds);
  return { logits: out.logits.data, cache: names.map(([, present]) => out[present].data), length: out[names[0][1]].dims[2] };
}

const outputs = [];
const rows = [];
const lastLogits = [];
for (const prompt of spec.prompts) {
  let cache = names.map(() => new Float32Array(0));
  let length = 0;
  let done = 0;
  let logits;
  while (done < prompt.length) {
    const chunk = prompt.slice(done, done + spec.chunk);
    ({ logits, cache, length } = await step(chunk, [done], cache, length));
    done += chunk.length;
  }
  rows.push({ cache, length, tokens: prompt.length });
  lastLogits.push(logits);
}
outputs.push(lastLogits);

// Merge: row r's first `tokens` columns, zeros after, in a buffer as long as the longest row.
let length = Math.max(...rows.map((r) => r.tokens));
let cache = names.map((_, k) => {
  const merged = new Float32Array(rows.length * rowFloats(length));
  rows.forEach((r, b) => {
    for (let h = 0; h < spec.kv_heads; h++) {
      const src = r.cache[k].subarray(h * r.length * spec.head_dim, (h * r.length + r.tokens) * spec.head_dim);
      merged.set(src, (b * spec.kv_heads + h) * length * spec.head_dim);
    }
  });
  return merged;
});
let lengths = rows.map((r) => r.tokens);
for (const ids of spec.decode) {
  const out = await step(ids, lengths, cache, length);
  const vocab = out.logits.length / rows.length;
  outputs.push(rows.map((_, b) => out.logits.subarray(b * vocab, (b + 1) * vocab)));
  ({ cache, length } = out);
  lengths = lengths.map((n) => n + 1);
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
