/** The decoder's onnxruntime session on the calling thread (model calls block it while they run). */
import * as ort from "onnxruntime-node";
import { appendTensors, pastFeeds, presentTensors, qkvTensors } from "./cache-layout.mjs";
import {
  alignOf,
  buildTokenFeeds,
  checkContract,
  type DecoderContract,
  type DecoderSessionOptions,
  type ForwardInput,
  type ForwardOutput,
  lastPositionLogits,
  type RawFeeds,
  sessionOptions,
} from "./decoder-io";
import { InThreadCaches, KvCache, type KvShape } from "./kv-cache";

export type { DecoderSessionOptions, ForwardInput, ForwardOutput } from "./decoder-io";

export class OnnxDecoder extends InThreadCaches {
  private constructor(
    private readonly session: ort.InferenceSession,
    shape: KvShape,
    private readonly contract: DecoderContract,
  ) {
    super({ ...shape, align: alignOf(contract) });
  }

  static async load(
    modelPath: string,
    shape: KvShape,
    options: DecoderSessionOptions = {},
  ): Promise<OnnxDecoder> {
    const session = await ort.InferenceSession.create(modelPath, sessionOptions(options));
    let contract: DecoderContract;
    try {
      contract = checkContract(modelPath, session.inputNames, session.outputNames, shape);
    } catch (err) {
      await session.release();
      throw err;
    }
    return new OnnxDecoder(session, shape, contract);
  }

  async forward(input: ForwardInput<KvCache>): Promise<ForwardOutput<KvCache>> {
    const { past, batch } = input;
    const raw: RawFeeds = {
      ...buildTokenFeeds(input, this.contract),
      ...pastFeeds(past.tensors, [batch, this.shape.kvHeads, past.capacity, this.shape.headDim]),
    };
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(raw))
      feeds[name] = new ort.Tensor(t.type, t.data as Float32Array, t.dims);
    const out = (await this.session.run(feeds)) as Record<string, ort.Tensor & { data: Float32Array }>;
    const logits = lastPositionLogits(out.logits!);
    if (this.contract === "fused") {
      const added = qkvTensors(out, this.shape.numLayers);
      const grown = appendTensors(this.shape, past, added, input.firstPosition, input.seq);
      return {
        ...logits,
        present: new KvCache(this.shape, batch, grown.length, grown.tensors, grown.capacity),
      };
    }
    const present = presentTensors(out, this.shape.numLayers);
    return { ...logits, present: new KvCache(this.shape, batch, past.length + input.seq, present) };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
