// Worker thread hosting the decoder's onnxruntime session and its KV caches (plain JS: runs
// unchanged under node, tsx, vitest and Next). The main thread keeps the scheduler and refers to
// caches by id; only token feeds go in and logits come out, so the caches' hundreds of megabytes
// never cross threads and their garbage is collected in this small heap, not the server's.
import { parentPort, workerData } from "node:worker_threads";
import * as ort from "onnxruntime-node";
import {
  appendTensors,
  capacityOf,
  emptyTensors,
  gatheredCapacity,
  gatherTensors,
  pastFeeds,
  presentTensors,
  qkvTensors,
} from "./cache-layout.mjs";

const port = parentPort;
/** The cache layout, completed once the session says which graph it runs (cache-layout.mjs). */
let shape = workerData.shape;
/** id -> { batch, length, capacity?, tensors }, or { error } when building that cache failed. */
const caches = new Map();

function cacheById(id) {
  const cache = caches.get(id);
  if (!cache) throw new Error(`decoder worker has no cache ${id}`);
  if (cache.error) throw cache.error;
  return cache;
}

function emptyCache(batch) {
  return { batch, length: 0, tensors: emptyTensors(shape.numLayers) };
}

function gather(rows, length) {
  const sources = rows.map(({ cacheId, row, keep }) => ({ cache: cacheById(cacheId), row, keep }));
  const capacity = gatheredCapacity(shape, length);
  return { batch: rows.length, length, capacity, tensors: gatherTensors(shape, sources, capacity) };
}

async function run(session, { feeds, pastId, presentId }) {
  const past = cacheById(pastId);
  caches.delete(pastId);
  const tensors = {};
  const dims = [past.batch, shape.kvHeads, capacityOf(past), shape.headDim];
  for (const [name, t] of Object.entries({ ...feeds, ...pastFeeds(past.tensors, dims) }))
    tensors[name] = new ort.Tensor(t.type, t.data, t.dims);
  const out = await session.run(tensors);
  const seq = feeds.input_ids.dims[1];
  if (shape.align === "start") {
    // The fused graph returns each layer's q|k|v, not its cache: the keys and values join it in place.
    const firstPosition = Array.from(feeds.seqlens_k.data, (last) => last + 1 - seq);
    caches.set(presentId, appendTensors(shape, past, qkvTensors(out, shape.numLayers), firstPosition, seq));
  } else {
    caches.set(presentId, {
      batch: past.batch,
      length: past.length + seq,
      tensors: presentTensors(out, shape.numLayers),
    });
  }
  return { data: out.logits.data, dims: out.logits.dims };
}

function errorMessage(err) {
  return err instanceof Error ? err.message : String(err);
}

async function handle(session, msg) {
  switch (msg.type) {
    case "empty":
      caches.set(msg.cacheId, emptyCache(msg.batch));
      break;
    case "gather":
      try {
        caches.set(msg.cacheId, gather(msg.rows, msg.length));
      } catch (err) {
        caches.set(msg.cacheId, { error: err }); // reported by the run that uses it
      }
      break;
    case "release-cache":
      caches.delete(msg.cacheId);
      break;
    case "count-caches":
      port.postMessage({ type: "cache-count", id: msg.id, count: caches.size });
      break;
    case "run":
      try {
        const logits = await run(session, msg);
        try {
          port.postMessage({ type: "result", id: msg.id, logits }, [logits.data.buffer]);
        } catch {
          port.postMessage({ type: "result", id: msg.id, logits }); // not transferable: copied
        }
      } catch (err) {
        port.postMessage({ type: "error", id: msg.id, message: errorMessage(err) });
      }
      break;
    case "release":
      caches.clear();
      await session.release();
      port.postMessage({ type: "released" });
      port.close();
      break;
  }
}

let session;
try {
  session = await ort.InferenceSession.create(workerData.modelPath, workerData.sessionOptions);
  // Same rule as decoder-io.ts contractOf: the fused graphs keep each row's tokens from column 0.
  shape = { ...shape, align: session.inputNames.includes("seqlens_k") ? "start" : "end" };
  port.postMessage({ type: "ready", inputNames: session.inputNames, outputNames: session.outputNames });
} catch (err) {
  port.postMessage({ type: "load-error", message: errorMessage(err) });
}

// One message at a time, in arrival order: a run's present cache exists before anything after it.
let queue = Promise.resolve();
port.on("message", (msg) => {
  queue = queue.then(() => handle(session, msg));
});
