/**
 * Thin wrapper over the onnxruntime session of a decoder exported per the bundle contract
 * (input_ids / attention_mask / position_ids / past_key_values.{i}.key|value -> logits / present.{i}.key|value).
 */
import * as ort from "onnxruntime-node";
import { KvCache, type KvShape } from "./kv-cache";

export interface DecoderSessionOptions {
  /** intra-op threads for onnxruntime (default 2). */
  threads?: number;
}

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

export class OnnxDecoder {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly shape: KvShape,
  ) {}

  static async load(
    modelPath: string,
    shape: KvShape,
    options: DecoderSessionOptions = {},
  ): Promise<OnnxDecoder> {
    const session = await ort.InferenceSession.create(modelPath, {
      intraOpNumThreads: options.threads ?? 2,
      // One graph at a time: parallel execution only adds thread contention on few cores.
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    });
    const missing = ["input_ids", "attention_mask", "position_ids", "past_key_values.0.key"].filter(
      (n) => !session.inputNames.includes(n),
    );
    const layers = session.inputNames.filter((n) => /^past_key_values\.\d+\.key$/.test(n)).length;
    if (missing.length > 0 || layers !== shape.numLayers || !session.outputNames.includes("logits")) {
      await session.release();
      throw new Error(
        `${modelPath} does not follow the decoder contract (missing ${missing.join(", ") || "nothing"}; ${layers} cache layers, config says ${shape.numLayers})`,
      );
    }
    return new OnnxDecoder(session, shape);
  }

  async forward(input: ForwardInput): Promise<ForwardOutput> {
    const { batch, seq, past } = input;
    const total = past.length + seq;
    const ids = new BigInt64Array(batch * seq);
    for (let i = 0; i < ids.length; i++) ids[i] = BigInt(input.inputIds[i]!);
    // Mask: zeros on each row's left padding, ones elsewhere; positions count only real tokens.
    const mask = new BigInt64Array(batch * total).fill(1n);
    const positions = new BigInt64Array(batch * seq);
    for (let b = 0; b < batch; b++) {
      const pad = input.padLeft[b]!;
      if (pad > 0) mask.fill(0n, b * total, b * total + pad);
      const first = input.firstPosition[b]!;
      for (let s = 0; s < seq; s++) positions[b * seq + s] = BigInt(Math.max(0, first + s));
    }
    const { kvHeads, headDim, numLayers } = this.shape;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor("int64", ids, [batch, seq]),
      attention_mask: new ort.Tensor("int64", mask, [batch, total]),
      position_ids: new ort.Tensor("int64", positions, [batch, seq]),
    };
    for (let l = 0; l < numLayers; l++) {
      const dims = [batch, kvHeads, past.length, headDim];
      feeds[`past_key_values.${l}.key`] = new ort.Tensor("float32", past.tensors[2 * l]!, dims);
      feeds[`past_key_values.${l}.value`] = new ort.Tensor("float32", past.tensors[2 * l + 1]!, dims);
    }
    const out = await this.session.run(feeds);
    const logitsTensor = out.logits as ort.Tensor;
    const vocab = logitsTensor.dims[2]!;
    const all = logitsTensor.data as Float32Array;
    let logits: Float32Array;
    if (seq === 1) {
      logits = all;
    } else {
      logits = new Float32Array(batch * vocab);
      for (let b = 0; b < batch; b++)
        logits.set(all.subarray((b * seq + seq - 1) * vocab, (b * seq + seq) * vocab), b * vocab);
    }
    const present: Float32Array[] = [];
    for (let l = 0; l < numLayers; l++) {
      present.push((out[`present.${l}.key`] as ort.Tensor).data as Float32Array);
      present.push((out[`present.${l}.value`] as ort.Tensor).data as Float32Array);
    }
    return { logits, vocab, present: new KvCache(this.shape, batch, total, present) };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
