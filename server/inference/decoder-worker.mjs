// Worker thread hosting the decoder's onnxruntime session (plain JS: runs unchanged under node,
// tsx and vitest). The main thread keeps the scheduler; only model calls happen here, so they never
// block its event loop. Buffers are transferred, not copied, in both directions.
import { parentPort, workerData } from "node:worker_threads";
import * as ort from "onnxruntime-node";

const port = parentPort;

function transferList(arrays) {
  const seen = new Set();
  for (const a of arrays) if (a.buffer.byteLength > 0) seen.add(a.buffer);
  return [...seen];
}

let session;
try {
  session = await ort.InferenceSession.create(workerData.modelPath, workerData.sessionOptions);
  port.postMessage({ type: "ready", inputNames: session.inputNames, outputNames: session.outputNames });
} catch (err) {
  port.postMessage({ type: "load-error", message: err instanceof Error ? err.message : String(err) });
}

port.on("message", async (msg) => {
  if (msg.type === "run") {
    try {
      const feeds = {};
      for (const [name, t] of Object.entries(msg.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
      const out = await session.run(feeds);
      const outputs = {};
      for (const [name, t] of Object.entries(out)) outputs[name] = { data: t.data, dims: t.dims };
      const arrays = Object.values(outputs).map((o) => o.data);
      try {
        port.postMessage({ type: "result", id: msg.id, outputs }, transferList(arrays));
      } catch {
        port.postMessage({ type: "result", id: msg.id, outputs }); // not transferable: copy
      }
    } catch (err) {
      port.postMessage({
        type: "error",
        id: msg.id,
        message: err instanceof Error ? err.message : String(err),
      });
    }
  } else if (msg.type === "release") {
    await session?.release();
    port.postMessage({ type: "released" });
    port.close();
  }
});
