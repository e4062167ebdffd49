// Runs one ONNX graph on float32 feeds through onnxruntime-node (tests of single contrib ops).
// usage: node run_graph.mjs SPEC.json  (spec: {model, feeds: {name: {dims, data}}}); prints {name: {dims, data}}.
import fs from "node:fs";
import ort from "onnxruntime-node";

const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const session = await ort.InferenceSession.create(spec.model);
const feeds = {};
for (const [name, t] of Object.entries(spec.feeds))
  feeds[name] = new ort.Tensor("float32", Float32Array.from(t.data), t.dims);
const out = await session.run(feeds);
const result = {};
for (const [name, t] of Object.entries(out)) result[name] = { dims: t.dims, data: Array.from(t.data) };
process.stdout.write(`${JSON.stringify(result)}\n`);
