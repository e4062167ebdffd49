/** The decoder's onnxruntime session on the calling thread (model calls block it while they run). */
import * as ort from "onnxruntime-node";
import {
  buildFeeds,
  checkContract,
  type DecoderSessionOptions,
  type ForwardInput,
  type ForwardOutput,
  type RawOutputs,
  readOutputs,
  sessionOptions,
} from "./decoder-io";
import type { KvShape } from "./kv-cache";

export type { DecoderSessionOptions, ForwardInput, ForwardOutput } from "./decoder-io";

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
    const session = await ort.InferenceSession.create(modelPath, sessionOptions(options));
    try {
      checkContract(modelPath, session.inputNames, session.outputNames, shape);
    } catch (err) {
      await session.release();
      throw err;
    }
    return new OnnxDecoder(session, shape);
  }

  async forward(input: ForwardInput): Promise<ForwardOutput> {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(buildFeeds(input, this.shape)))
      feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    const out = await this.session.run(feeds);
    const raw: RawOutputs = {};
    for (const [name, value] of Object.entries(out)) {
      const t = value as ort.Tensor;
      raw[name] = { data: t.data as Float32Array, dims: t.dims };
    }
    return readOutputs(raw, input, this.shape);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
