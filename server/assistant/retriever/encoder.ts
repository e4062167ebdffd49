/**
 * The retrieval encoder of a bundle (`<bundle>/retriever/`): retriever.json says what it is
 * (features, dimension, pooling, normalisation), encoder.onnx holds the graph and its weights.
 * One `encode()` turns texts into L2-normalised vectors, the same for indexing and for questions.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { z } from "zod";
import { type FeatureSpec, featurize } from "./features";

export const RETRIEVER_DIR = "retriever";

const retrieverMetaSchema = z.object({
  format: z.literal("tunedesk-retriever"),
  version: z.literal(1),
  dim: z.number().int().positive(),
  pooling: z.string(),
  normalize: z.literal("l2"),
  features: z.object({
    kind: z.literal("hashed-ngrams"),
    hash: z.literal("fnv1a32"),
    buckets: z.number().int().positive(),
    char_ngrams: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  }),
  kind: z.enum(["general", "tuned"]).optional(),
  base: z.string().nullable().optional(),
});
export type RetrieverMeta = z.infer<typeof retrieverMetaSchema>;

const BATCH = 128;

export class RetrieverEncoder {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly meta: RetrieverMeta,
    /** Content hash of the weights: stored embeddings are keyed by it, so equal encoders share them. */
    readonly id: string,
  ) {}

  get dim(): number {
    return this.meta.dim;
  }

  get spec(): FeatureSpec {
    return this.meta.features;
  }

  /** Loads `dir` (a retriever directory); null when the directory has no retriever. */
  static async load(dir: string, options: { threads?: number } = {}): Promise<RetrieverEncoder | null> {
    const metaPath = path.join(dir, "retriever.json");
    if (!fs.existsSync(metaPath)) return null;
    const parsed = retrieverMetaSchema.safeParse(JSON.parse(fs.readFileSync(metaPath, "utf8")));
    if (!parsed.success) throw new Error(`${metaPath} is not a Tunedesk retriever: ${parsed.error.message}`);
    const modelPath = path.join(dir, "encoder.onnx");
    const bytes = new Uint8Array(fs.readFileSync(modelPath));
    const id = createHash("sha256").update(bytes).digest("hex").slice(0, 32);
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: options.threads ?? 1,
      graphOptimizationLevel: "all",
    });
    return new RetrieverEncoder(session, parsed.data, id);
  }

  /** One unit vector per text (an empty text gives the zero vector). */
  async encode(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += BATCH) {
      const batch = texts.slice(start, start + BATCH).map((t) => featurize(t, this.spec));
      const width = Math.max(1, ...batch.map((f) => f.ids.length));
      const ids = new BigInt64Array(batch.length * width);
      const weights = new Float32Array(batch.length * width);
      batch.forEach((f, row) => {
        for (let i = 0; i < f.ids.length; i++) {
          ids[row * width + i] = BigInt(f.ids[i]!);
          weights[row * width + i] = f.weights[i]!;
        }
      });
      const result = await this.session.run({
        feature_ids: new ort.Tensor("int64", ids, [batch.length, width]),
        feature_weights: new ort.Tensor("float32", weights, [batch.length, width]),
      });
      const data = result.embeddings!.data as Float32Array;
      for (let row = 0; row < batch.length; row++) out.push(data.slice(row * this.dim, (row + 1) * this.dim));
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
