/**
 * The decoder contract as plain typed arrays (no onnxruntime import), shared by the in-thread
 * session and the worker-thread one: inputs built from the batch state, outputs read back.
 */
import type { CacheRef, KvShape } from "./kv-cache";

export interface ForwardInput<C extends CacheRef = CacheRef> {
  /** [batch, seq] token ids, row-major. */
  inputIds: ArrayLike<number>;
  batch: number;
  seq: number;
  /** Left padding per row in the *full* (past + seq) attention window. */
  padLeft: ArrayLike<number>;
  /** Position of each row's first new token (its count of real tokens already in the cache). */
  firstPosition: ArrayLike<number>;
  /** Consumed by the call: the caller goes on with `present`. */
  past: C;
}

export interface ForwardOutput<C extends CacheRef = CacheRef> {
  /** Last-position logits, [batch, vocab] row-major. */
  logits: Float32Array;
  vocab: number;
  /** `past` followed by the `seq` new positions. */
  present: C;
}

export interface RawTensor {
  type: "int64" | "int32" | "float32";
  data: BigInt64Array | Int32Array | Float32Array;
  dims: number[];
}

/**
 * Which decoder graph a session runs, from its input names: "standard" (model.onnx, DESIGN.md's
 * contract: attention mask + position ids, rows left-padded) or "fused" (model.fused*.onnx,
 * GroupQueryAttention: each row's length in `seqlens_k`, rows from column 0, last logits only).
 */
export type DecoderContract = "standard" | "fused";

export function contractOf(inputNames: readonly string[]): DecoderContract {
  return inputNames.includes("seqlens_k") ? "fused" : "standard";
}

/** The cache layout a contract needs (cache-layout.mjs). */
export function alignOf(contract: DecoderContract): "end" | "start" {
  return contract === "fused" ? "start" : "end";
}

export type RawFeeds = Record<string, RawTensor>;
export type RawOutput = { data: Float32Array; dims: readonly number[] };

/** The token inputs of one model call for `contract`; the past comes from the cache. */
export function buildTokenFeeds(input: ForwardInput, contract: DecoderContract = "standard"): RawFeeds {
  return contract === "fused" ? fusedTokenFeeds(input) : standardTokenFeeds(input);
}

/**
 * input_ids, seqlens_k (each row's real tokens after this call, minus one) and
 * total_sequence_length (the longest row's); GroupQueryAttention derives positions from them.
 */
function fusedTokenFeeds(input: ForwardInput): RawFeeds {
  const { batch, seq } = input;
  const ids = new BigInt64Array(batch * seq);
  for (let i = 0; i < ids.length; i++) ids[i] = BigInt(input.inputIds[i]!);
  const seqlens = new Int32Array(batch);
  for (let b = 0; b < batch; b++) seqlens[b] = input.firstPosition[b]! + seq - 1;
  return {
    input_ids: { type: "int64", data: ids, dims: [batch, seq] },
    seqlens_k: { type: "int32", data: seqlens, dims: [batch] },
    total_sequence_length: { type: "int32", data: Int32Array.of(input.past.length + seq), dims: [] },
  };
}

/** input_ids, attention_mask (zeros on left padding), position_ids (real tokens only). */
function standardTokenFeeds(input: ForwardInput): RawFeeds {
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
  return {
    input_ids: { type: "int64", data: ids, dims: [batch, seq] },
    attention_mask: { type: "int64", data: mask, dims: [batch, total] },
    position_ids: { type: "int64", data: positions, dims: [batch, seq] },
  };
}

/** The last position's logits of each row, [batch, vocab], from the model's [batch, seq, vocab]. */
export function lastPositionLogits(logits: RawOutput): { logits: Float32Array; vocab: number } {
  const [batch, seq, vocab] = logits.dims as [number, number, number];
  if (seq === 1) return { logits: logits.data, vocab };
  const last = new Float32Array(batch * vocab);
  for (let b = 0; b < batch; b++)
    last.set(logits.data.subarray((b * seq + seq - 1) * vocab, (b * seq + seq) * vocab), b * vocab);
  return { logits: last, vocab };
}

/** Throws unless the session's names follow its contract for `shape.numLayers` layers; returns the contract. */
export function checkContract(
  modelPath: string,
  inputNames: readonly string[],
  outputNames: readonly string[],
  shape: KvShape,
): DecoderContract {
  const contract = contractOf(inputNames);
  const tokenInputs =
    contract === "fused" ? ["seqlens_k", "total_sequence_length"] : ["attention_mask", "position_ids"];
  const missing = ["input_ids", ...tokenInputs, "past_key_values.0.key"].filter(
    (n) => !inputNames.includes(n),
  );
  // A fused graph hands back each layer's q|k|v for the engine to append (cache-layout.mjs).
  if (contract === "fused" && !outputNames.includes("qkv.0"))
    missing.push("output qkv.0 (export the bundle again)");
  const layers = inputNames.filter((n) => /^past_key_values\.\d+\.key$/.test(n)).length;
  if (missing.length > 0 || layers !== shape.numLayers || !outputNames.includes("logits")) {
    throw new Error(
      `${modelPath} does not follow the decoder contract (missing ${missing.join(", ") || "nothing"}; ${layers} cache layers, config says ${shape.numLayers})`,
    );
  }
  return contract;
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
