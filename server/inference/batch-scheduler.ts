/**
 * Continuous batching: one loop advances every active sequence by one token per model call,
 * admitting waiting sequences (prompt read alone in chunks between decode steps, then merged into
 * the batch cache) as others finish.
 */

import type { ForwardInput, ForwardOutput } from "./decoder-io";
import type { CacheRef, GatherRow, KvShape } from "./kv-cache";
import type { Sequence } from "./sequence";

/**
 * The model as the scheduler sees it (OnnxDecoder, WorkerDecoder, or a fake in tests), with the
 * caches it keeps. `forward` consumes its past; every other cache the scheduler stops using it
 * hands to `releaseCache`, so a model that stores caches elsewhere (the worker) can free them.
 */
export interface DecoderModel<C extends CacheRef = CacheRef> {
  readonly shape: KvShape;
  /** A cache of `batch` rows and no positions. */
  emptyCache(batch: number): C;
  /** A new cache of the given rows (see KvCache.gather); the sources stay valid. */
  gatherCache(rows: ReadonlyArray<GatherRow<C>>, length?: number): C;
  releaseCache(cache: C): void;
  forward(input: ForwardInput<C>): Promise<ForwardOutput<C>>;
}

interface PrefillJob<C extends CacheRef> {
  sequence: Sequence;
  /** The prompt's own cache so far (batch 1); its length is how much of the prompt was read. */
  cache: C;
}

export interface SchedulerOptions {
  /** Most sequences decoded together; more wait in line (default 16). */
  maxBatchSize?: number;
  /**
   * Prompts are read in chunks of this many tokens (default 256): bounds the memory for their logits
   * and how long one model call blocks the event loop and the other streams.
   */
  prefillChunkTokens?: number;
}

export class BatchScheduler<C extends CacheRef = CacheRef> {
  private waiting: Sequence[] = [];
  /** Active sequences; index i is row i of `cache`. */
  private active: Sequence[] = [];
  /** The sequence whose prompt is being read, chunk by chunk, before it joins `active`. */
  private prefilling: PrefillJob<C> | undefined;
  private cache: C;
  private running = false;
  private idleWaiters: Array<() => void> = [];
  private readonly maxBatchSize: number;
  private readonly prefillChunkTokens: number;

  constructor(
    private readonly model: DecoderModel<C>,
    options: SchedulerOptions = {},
  ) {
    this.maxBatchSize = Math.max(1, options.maxBatchSize ?? 16);
    this.prefillChunkTokens = Math.max(1, options.prefillChunkTokens ?? 256);
    this.cache = model.emptyCache(0);
  }

  /** Sequences waiting or generating. */
  get pending(): number {
    return this.waiting.length + (this.prefilling ? 1 : 0) + this.active.length;
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
      while (this.waiting.length > 0 || this.prefilling || this.active.length > 0) {
        this.dropCancelled();
        if (!this.prefilling && this.waiting.length > 0 && this.active.length < this.maxBatchSize) {
          this.prefilling = { sequence: this.waiting.shift()!, cache: this.model.emptyCache(1) };
        }
        // One prefill chunk, then one decode step: running streams keep flowing while a long prompt is read.
        if (this.prefilling) await this.prefillChunk(this.prefilling);
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
    if (this.prefilling?.sequence.isCancelled) {
      this.prefilling.sequence.finish("cancelled");
      this.model.releaseCache(this.prefilling.cache);
      this.prefilling = undefined;
    }
    if (this.active.some((s) => s.isCancelled)) {
      for (const s of this.active) if (s.isCancelled) s.finish("cancelled");
      this.compact();
    }
  }

  /**
   * Feeds the next chunk of a prompt through the model (alone, batch 1). After the last chunk the
   * first token is sampled and, unless that already ended it, the sequence joins the batch cache.
   */
  private async prefillChunk(job: PrefillJob<C>): Promise<void> {
    const { sequence } = job;
    const prompt = sequence.tokenIds;
    const start = job.cache.length;
    const chunk = prompt.slice(start, start + this.prefillChunkTokens);
    if (chunk.length === 0) {
      this.prefilling = undefined;
      this.model.releaseCache(job.cache);
      sequence.fail(new Error("empty prompt"));
      return;
    }
    let out: ForwardOutput<C>;
    try {
      out = await this.model.forward({
        inputIds: chunk,
        batch: 1,
        seq: chunk.length,
        padLeft: [0],
        firstPosition: [start],
        past: job.cache,
      });
    } catch (err) {
      this.prefilling = undefined;
      sequence.fail(err);
      return;
    }
    job.cache = out.present;
    if (job.cache.length < prompt.length) return;
    this.prefilling = undefined;
    sequence.cachedLength = prompt.length;
    sequence.accept(sequence.pickNext(out.logits));
    if (sequence.isFinished) {
      this.model.releaseCache(job.cache);
      return;
    }
    const merged = this.model.gatherCache([
      ...this.active.map((s, row) => ({ cache: this.cache, row, keep: s.cachedLength })),
      { cache: job.cache, row: 0, keep: sequence.cachedLength },
    ]);
    this.model.releaseCache(this.cache);
    this.model.releaseCache(job.cache);
    this.cache = merged;
    this.active.push(sequence);
  }

  /** One token for every active sequence in a single batched model call. */
  private async decodeStep(): Promise<void> {
    const batch = this.active.length;
    const past = this.cache;
    let out: ForwardOutput<C>;
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
      this.cache = this.model.emptyCache(0);
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
    const rows: Array<GatherRow<C>> = [];
    const survivors: Sequence[] = [];
    this.active.forEach((s, row) => {
      if (s.isFinished) return;
      survivors.push(s);
      rows.push({ cache: this.cache, row, keep: s.cachedLength });
    });
    this.active = survivors;
    const kept = this.model.gatherCache(rows);
    this.model.releaseCache(this.cache);
    this.cache = kept;
  }
}
