/** A loaded model bundle ready to generate: chat format + ONNX decoder + batch scheduler. */
import { randomInt } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { BatchScheduler, type DecoderModel } from "./batch-scheduler";
import { decoderFileFor, kvShapeOf, loadTokenizerBundle, type ServingPrecision } from "./bundle";
import { buildLogitsProcessors } from "./logits-processors";
import { OnnxDecoder } from "./onnx-decoder";
import { ChatFormat } from "./prompt-builder";
import { GreedySampler, MultinomialSampler } from "./sampler";
import { Sequence } from "./sequence";
import type {
  GenerateIdsRequest,
  GenerateRequest,
  GenerationResult,
  GenerationStream,
  SamplingOptions,
} from "./types";
import { WorkerDecoder } from "./worker-decoder";

export interface EngineOptions {
  /** onnxruntime intra-op threads (default 2). */
  threads?: number;
  /** Let onnxruntime threads busy-wait between ops (default false: on shared cores it costs more than it saves). */
  spinWait?: boolean;
  /** Which of the bundle's decoders to load (bundle.ts decoderFileFor; default fp32). */
  precision?: ServingPrecision;
  /** Explicit ONNX file name inside the bundle; overrides `precision`. */
  modelFile?: string;
  /** Most sequences decoded together (default 16). */
  maxBatchSize?: number;
  /** Context window used for prompt fitting and as a hard cap (default min(max_position_embeddings, 2048)). */
  maxContextTokens?: number;
  /** Prompt prefill chunk size (default 256). */
  prefillChunkTokens?: number;
  /**
   * Run onnxruntime in a worker thread (default false) so model calls never block this thread's
   * event loop; the scheduler, tokenizer and streams stay here.
   */
  worker?: boolean;
}

export const CONTEXT_LENGTH_EXCEEDED = "context_length_exceeded";

export class ContextLengthError extends Error {
  readonly code = CONTEXT_LENGTH_EXCEEDED;
  constructor(promptTokens: number, maxContextTokens: number) {
    super(`prompt needs ${promptTokens} tokens but the context window is ${maxContextTokens}`);
    this.name = "ContextLengthError";
  }
}

/**
 * Whether an error is a prompt too long for the model, by its code: a built app may bundle this
 * module more than once, and `instanceof` then fails across the copies.
 */
export function isContextLengthError(err: unknown): err is ContextLengthError {
  return (err as { code?: unknown } | null)?.code === CONTEXT_LENGTH_EXCEEDED;
}

const DEFAULT_MAX_NEW_TOKENS = 256;

export class InferenceEngine {
  readonly maxContextTokens: number;
  private readonly scheduler: BatchScheduler;
  private disposed = false;

  constructor(
    readonly format: ChatFormat,
    private readonly model: DecoderModel & { release?: () => Promise<void>; readonly failure?: Error },
    options: EngineOptions = {},
    /** bundle.json contents when loaded from a bundle directory. */
    readonly metadata: Record<string, unknown> = {},
  ) {
    const configured = format.bundle.config?.max_position_embeddings ?? 2048;
    this.maxContextTokens = options.maxContextTokens ?? Math.min(configured, 2048);
    this.scheduler = new BatchScheduler(model, options);
  }

  static async load(bundleDir: string, options: EngineOptions = {}): Promise<InferenceEngine> {
    const bundle = await loadTokenizerBundle(bundleDir);
    const config = bundle.config;
    if (!config) throw new Error(`${bundleDir} has no config.json`);
    const shape = kvShapeOf(config);
    const precision = options.precision ?? "fp32";
    const file = options.modelFile ?? decoderFileFor(bundleDir, precision);
    if (!file) throw new Error(`${bundleDir} has no ${precision} decoder`);
    const decoder = await (options.worker === false ? OnnxDecoder : WorkerDecoder).load(
      join(bundleDir, file),
      shape,
      {
        threads: options.threads,
        spinWait: options.spinWait,
      },
    );
    let metadata: Record<string, unknown> = {};
    try {
      metadata = JSON.parse(await readFile(join(bundleDir, "bundle.json"), "utf8"));
    } catch {
      // Base models and hand-made test bundles have no bundle.json.
    }
    return new InferenceEngine(new ChatFormat(bundle), decoder, options, metadata);
  }

  /** Why this engine can no longer generate (its decoder worker died), if it cannot; load it anew. */
  get failure(): Error | undefined {
    return this.model.failure;
  }

  /** Sequences waiting or generating on this engine. */
  get inFlight(): number {
    return this.scheduler.pending;
  }

  /**
   * Answers a conversation. Oldest turns (never the leading system messages) are dropped to leave
   * room for maxNewTokens; throws ContextLengthError if the kept prompt alone fills the window.
   */
  generate(request: GenerateRequest): GenerationStream {
    const maxNew = this.maxNewTokens(request);
    const budget = this.maxContextTokens - Math.min(maxNew, Math.floor(this.maxContextTokens / 2));
    const fitted = this.format.fitToContext(request.messages, budget);
    return this.start(fitted.ids, request, fitted.droppedMessages);
  }

  /** Continues already tokenized text (evaluation, raw completions). */
  generateFromIds(request: GenerateIdsRequest): GenerationStream {
    return this.start(request.promptIds, request, 0);
  }

  /** Convenience: runs to completion and returns the final result. */
  async complete(request: GenerateRequest): Promise<GenerationResult> {
    return this.generate(request).result;
  }

  /** Runs one tiny generation so the first real request does not pay for graph initialisation. */
  async warmUp(): Promise<void> {
    await this.generateFromIds({
      promptIds: this.format.hasChatTemplate
        ? this.format.encodeChat([{ role: "user", content: "Hi" }])
        : this.format.encode("Hi"),
      maxNewTokens: 2,
      temperature: 0,
    }).result;
  }

  whenIdle(): Promise<void> {
    return this.scheduler.whenIdle();
  }

  /** Waits for in-flight generations, then frees the ONNX session. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.scheduler.whenIdle();
    await this.model.release?.();
  }

  private start(
    promptIds: number[],
    request: SamplingOptions & { signal?: AbortSignal },
    droppedMessages: number,
  ): GenerationStream {
    if (this.disposed) throw new Error("engine is disposed");
    if (promptIds.length === 0) throw new Error("empty prompt");
    if (promptIds.length >= this.maxContextTokens)
      throw new ContextLengthError(promptIds.length, this.maxContextTokens);
    const gen = this.format.bundle.generationConfig;
    const temperature = request.temperature ?? gen.temperature ?? 1;
    const doSample =
      (request.doSample ??
        (request.temperature !== undefined ? request.temperature > 0 : (gen.do_sample ?? false))) &&
      temperature > 0;
    const settings = {
      doSample,
      temperature,
      topK: request.topK ?? gen.top_k ?? 0,
      topP: request.topP ?? gen.top_p ?? 1,
      repetitionPenalty: request.repetitionPenalty ?? gen.repetition_penalty ?? 1,
      noRepeatNgramSize: request.noRepeatNgramSize ?? gen.no_repeat_ngram_size ?? 0,
      penalizePrompt: request.penalizePrompt ?? true,
    };
    const sequence = new Sequence({
      promptIds,
      processors: buildLogitsProcessors(settings),
      sampler: doSample ? new MultinomialSampler(request.seed ?? randomInt(2 ** 31)) : new GreedySampler(),
      stopping: {
        stopTokenIds: request.ignoreEos ? new Set<number>() : this.format.stopTokenIds,
        maxNewTokens: this.maxNewTokens(request),
        maxTotalTokens: this.maxContextTokens,
      },
      stopStrings: request.stop ?? [],
      decoder: { decode: (ids) => this.format.decode(ids) },
      signal: request.signal,
      droppedMessages,
    });
    if (request.signal?.aborted) sequence.finish("cancelled");
    else this.scheduler.submit(sequence);
    return sequence.stream;
  }

  private maxNewTokens(request: SamplingOptions): number {
    return Math.max(
      1,
      request.maxNewTokens ?? this.format.bundle.generationConfig.max_new_tokens ?? DEFAULT_MAX_NEW_TOKENS,
    );
  }
}
