/**
 * Continuous batching: one loop advances every active sequence by one token per model call,
 * admitting waiting sequences (prefilled alone, then merged into the batch cache) as others finish.
 */
import { KvCache, type KvShape } from "./kv-cache";
import type { ForwardInput, ForwardOutput } from "./onnx-decoder";
import type { Sequence } from "./sequence";

/** The model as the scheduler sees it (OnnxDecoder, or a fake in tests). */
export interface DecoderModel {
  readonly shape: KvShape;
  forward(input: ForwardInput): Promise<ForwardOutput>;
}

export interface SchedulerOptions {
  /** Most sequences decoded together; more wait in line (default 16). */
  maxBatchSize?: number;
  /** Prompts are prefilled in chunks of this many tokens to bound memory for the logits (default 512). */
  prefillChunkTokens?: number;
}

export class BatchScheduler {
  private waiting: Sequence[] = [];
  /** Active sequences; index i is row i of `cache`. */
  private active: Sequence[] = [];
  /** Taken from `waiting`, being prefilled, not yet in `active`. */
  private admitting: Sequence[] = [];
  private cache: KvCache;
  private running = false;
  private idleWaiters: Array<() => void> = [];
  private readonly maxBatchSize: number;
  private readonly prefillChunkTokens: number;

  constructor(
    private readonly model: DecoderModel,
    options: SchedulerOptions = {},
  ) {
    this.maxBatchSize = Math.max(1, options.maxBatchSize ?? 16);
    this.prefillChunkTokens = Math.max(1, options.prefillChunkTokens ?? 512);
    this.cache = KvCache.empty(model.shape, 0);
  }

  /** Sequences waiting or generating. */
  get pending(): number {
    return this.waiting.length + this.admitting.length + this.active.length;
  }

  submit(sequence: Sequence): void {
    this.waiting.push(sequence);
    if (!this.running) {
      this.running = true;
      void this.run();
    }
  }

  /** Resolves once no sequence is waiting or generating. */
  whenIdle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    try {
      // Let requests submitted in the same tick join the first batch.
      await Promise.resolve();
      while (this.waiting.length > 0 || this.active.length > 0) {
        this.dropCancelled();
        await this.admitWaiting();
        if (this.active.length > 0) await this.decodeStep();
      }
    } finally {
      // Synchronously with the loop's exit, so a submit() right after always sees running=false.
      this.running = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private dropCancelled(): void {
    this.waiting = this.waiting.filter((s) => {
      if (s.isCancelled) s.finish("cancelled");
      return !s.isFinished;
    });
    if (this.active.some((s) => s.isCancelled)) {
      for (const s of this.active) if (s.isCancelled) s.finish("cancelled");
      this.compact();
    }
  }

  /** Prefills waiting sequences (each alone, chunked) and merges those still running into the batch. */
  private async admitWaiting(): Promise<void> {
    const free = this.maxBatchSize - this.active.length;
    if (free <= 0 || this.waiting.length === 0) return;
    this.admitting = this.waiting.splice(0, free);
    const joined: Array<{ sequence: Sequence; cache: KvCache }> = [];
    for (const sequence of this.admitting) {
      try {
        const cache = await this.prefill(sequence);
        if (cache && !sequence.isFinished) joined.push({ sequence, cache });
      } catch (err) {
        sequence.fail(err);
      }
    }
    this.admitting = [];
    if (joined.length === 0) return;
    const rows = [
      ...this.active.map((s, row) => ({ cache: this.cache, row, keep: s.cachedLength })),
      ...joined.map(({ sequence, cache }) => ({ cache, row: 0, keep: sequence.cachedLength })),
    ];
    this.cache = KvCache.gather(this.model.shape, rows);
    this.active.push(...joined.map((j) => j.sequence));
  }

  /** Runs the prompt through the model; returns the sequence's own cache, or undefined if cancelled meanwhile. */
  private async prefill(sequence: Sequence): Promise<KvCache | undefined> {
    const prompt = sequence.tokenIds;
    let cache = KvCache.empty(this.model.shape, 1);
    let logits: Float32Array | undefined;
    for (let start = 0; start < prompt.length; start += this.prefillChunkTokens) {
      if (sequence.isCancelled) {
        sequence.finish("cancelled");
        return undefined;
      }
      const chunk = prompt.slice(start, start + this.prefillChunkTokens);
      const out = await this.model.forward({
        inputIds: chunk,
        batch: 1,
        seq: chunk.length,
        padLeft: [0],
        firstPosition: [start],
        past: cache,
      });
      cache = out.present;
      logits = out.logits;
    }
    if (!logits) throw new Error("empty prompt");
    sequence.cachedLength = prompt.length;
    sequence.accept(sequence.pickNext(logits));
    return cache;
  }

  /** One token for every active sequence in a single batched model call. */
  private async decodeStep(): Promise<void> {
    const batch = this.active.length;
    const past = this.cache;
    let out: ForwardOutput;
    try {
      out = await this.model.forward({
        inputIds: this.active.map((s) => s.tokenIds[s.tokenIds.length - 1]!),
        batch,
        seq: 1,
        padLeft: this.active.map((s) => past.length - s.cachedLength),
        firstPosition: this.active.map((s) => s.cachedLength),
        past,
      });
    } catch (err) {
      for (const s of this.active) s.fail(err);
      this.active = [];
      this.cache = KvCache.empty(this.model.shape, 0);
      return;
    }
    this.cache = out.present;
    this.active.forEach((s, b) => {
      s.cachedLength += 1;
      if (s.isCancelled) return; // finished as cancelled by the next dropCancelled()
      s.accept(s.pickNext(out.logits.subarray(b * out.vocab, (b + 1) * out.vocab)));
    });
    if (this.active.some((s) => s.isFinished)) this.compact();
  }

  /** Drops finished sequences' rows (and columns that became all padding) from the batch cache. */
  private compact(): void {
    const rows: Array<{ cache: KvCache; row: number; keep: number }> = [];
    const survivors: Sequence[] = [];
    this.active.forEach((s, row) => {
      if (s.isFinished) return;
      survivors.push(s);
      rows.push({ cache: this.cache, row, keep: s.cachedLength });
    });
    this.active = survivors;
    this.cache = KvCache.gather(this.model.shape, rows);
  }
}
