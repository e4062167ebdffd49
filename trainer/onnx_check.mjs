// Runs an exported decoder through onnxruntime-node: a prefill then cached steps, feeding each
// step's present.* back as past_key_values.*. Called by export.py to check parity with PyTorch.
// usage: node onnx_check.mjs SPEC.json   (spec: {model, num_layers, kv_heads, head_dim, out_dir, steps:[{input_ids, attention_mask, position_ids}]})
// writes out_dir/logits_{k}.bin (float32, row-major [batch, seq, vocab]) and prints one JSON line.
import fs from "node:fs";
import path from "node:path";
import ort from "onnxruntime-node";

const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const session = await ort.InferenceSession.create(spec.model, { graphOptimizationLevel: "all", intraOpNumThreads: 2 });
const int64 = (rows) => new ort.Tensor("int64", BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);

const batch = spec.steps[0].input_ids.length;
let past = {};
for (let i = 0; i < spec.num_layers; i++) {
  for (const kind of ["key", "value"]) {
    past[`past_key_values.${i}.${kind}`] = new ort.Tensor("float32", new Float32Array(0), [batch, spec.kv_heads, 0, spec.head_dim]);
  }
}
const shapes = [];
for (const [k, step] of spec.steps.entries()) {
  const feeds = {
    input_ids: int64(step.input_ids),
    attention_mask: int64(step.attention_mask),
    position_ids: int64(step.position_ids),
    ...past,
  };
  const out = await session.run(feeds);
  const logits = out.logits;
  fs.writeFileSync(path.join(spec.out_dir, `logits_${k}.bin`), Buffer.from(logits.data.buffer, logits.data.byteOffset, logits.data.byteLength));
  shapes.push(logits.dims.map(Number));
  past = {};
  for (let i = 0; i < spec.num_layers; i++) {
    for (const kind of ["key", "value"]) past[`past_key_values.${i}.${kind}`] = out[`present.${i}.${kind}`];
  }
}
process.stdout.write(`${JSON.stringify({ shapes, inputs: session.inputNames, outputs: session.outputNames })}\n`);
