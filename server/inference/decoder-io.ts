/**
 * The decoder contract as plain typed arrays (no onnxruntime import), shared by the in-thread
 * session and the worker-thread one: inputs built from the batch state, outputs read back.
 */
import { KvCache, type KvShape } from "./kv-cache";

export interface ForwardInput {
  /** [batch, seq] token ids, row-major. */
  inputIds: ArrayLike<number>;
  batch: number;
  seq: number;
  /** Left padding per row in the *full* (past + seq) attention window. */
  padLeft: ArrayLike<number>;
  /** Position of each row's first new token (its count of real tokens already in the cache). */
  firstPosition: ArrayLike<number>;
  past: KvCache;
}

export interface ForwardOutput {
  /** Last-position logits, [batch, vocab] row-major. */
  logits: Float32Array;
  vocab: number;
  present: KvCache;
}

export interface RawTensor {
  type: "int64" | "float32";
  data: BigInt64Array | Float32Array;
  dims: number[];
}

export type RawFeeds = Record<string, RawTensor>;
export type RawOutputs = Record<string, { data: Float32Array; dims: readonly number[] }>;

/** input_ids, attention_mask (zeros on left padding), position_ids (real tokens only), past_key_values.*. */
export function buildFeeds(input: ForwardInput, shape: KvShape): RawFeeds {
  const { batch, seq, past } = input;
  const total = past.length + seq;
  const ids = new BigInt64Array(batch * seq);
  for (let i = 0; i < ids.length; i++) ids[i] = BigInt(input.inputIds[i]!);
  const mask = new BigInt64Array(batch * total).fill(1n);
  const positions = new BigInt64Array(batch * seq);
  for (let b = 0; b < batch; b++) {
    const pad = input.padLeft[b]!;
    if (pad > 0) mask.fill(0n, b * total, b * total + pad);
    const first = input.firstPosition[b]!;
    for (let s = 0; s < seq; s++) positions[b * seq + s] = BigInt(Math.max(0, first + s));
  }
  const feeds: RawFeeds = {
    input_ids: { type: "int64", data: ids, dims: [batch, seq] },
    attention_mask: { type: "int64", data: mask, dims: [batch, total] },
    position_ids: { type: "int64", data: positions, dims: [batch, seq] },
  };
  const dims = [batch, shape.kvHeads, past.length, shape.headDim];
  for (let l = 0; l < shape.numLayers; l++) {
    feeds[`past_key_values.${l}.key`] = { type: "float32", data: past.tensors[2 * l]!, dims };
    feeds[`past_key_values.${l}.value`] = { type: "float32", data: past.tensors[2 * l + 1]!, dims };
  }
  return feeds;
}

/** Last-position logits per row and the new cache (past + seq positions). */
export function readOutputs(out: RawOutputs, input: ForwardInput, shape: KvShape): ForwardOutput {
  const { batch, seq } = input;
  const logitsOut = out.logits!;
  const vocab = logitsOut.dims[2]!;
  let logits = logitsOut.data;
  if (seq > 1) {
    logits = new Float32Array(batch * vocab);
    for (let b = 0; b < batch; b++) {
      logits.set(logitsOut.data.subarray((b * seq + seq - 1) * vocab, (b * seq + seq) * vocab), b * vocab);
    }
  }
  const present: Float32Array[] = [];
  for (let l = 0; l < shape.numLayers; l++)
    present.push(out[`present.${l}.key`]!.data, out[`present.${l}.value`]!.data);
  return { logits, vocab, present: new KvCache(shape, batch, input.past.length + seq, present) };
}

/** Throws unless the session's names follow the contract for `shape.numLayers` layers. */
export function checkContract(
  modelPath: string,
  inputNames: readonly string[],
  outputNames: readonly string[],
  shape: KvShape,
): void {
  const missing = ["input_ids", "attention_mask", "position_ids", "past_key_values.0.key"].filter(
    (n) => !inputNames.includes(n),
  );
  const layers = inputNames.filter((n) => /^past_key_values\.\d+\.key$/.test(n)).length;
  if (missing.length > 0 || layers !== shape.numLayers || !outputNames.includes("logits")) {
    throw new Error(
      `${modelPath} does not follow the decoder contract (missing ${missing.join(", ") || "nothing"}; ${layers} cache layers, config says ${shape.numLayers})`,
    );
  }
}

export interface DecoderSessionOptions {
  /** intra-op threads for onnxruntime (default 2). */
  threads?: number;
  /**
   * Let idle onnxruntime threads busy-wait for the next op (default false). Busy-waiting can shave
   * a little latency on a dedicated machine, but on 2 cores it made decoding slower in our
   * measurements (1.6x on an idle machine, more beside a trainer), so the threads sleep instead.
   */
  spinWait?: boolean;
}

/** onnxruntime session options for decoding on a few CPU cores. */
export function sessionOptions(options: DecoderSessionOptions) {
  return {
    intraOpNumThreads: options.threads ?? 2,
    // One graph at a time: parallel execution only adds thread contention on few cores.
    interOpNumThreads: 1,
    executionMode: "sequential" as const,
    graphOptimizationLevel: "all" as const,
    extra: { session: { intra_op: { allow_spinning: options.spinWait ? "1" : "0" } } },
  };
}
