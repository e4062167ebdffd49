/** One request's decoding state: its ids, processors, sampler, stopping rules and output stream. */
import { ChunkStream } from "./generation-stream";
import type { LogitsProcessor, SequenceView } from "./logits-processors";
import type { Sampler } from "./sampler";
import { checkTokenStop, StopStringMatcher, type TokenStopSettings } from "./stopping-criteria";
import { IncrementalDetokenizer, type TokenDecoder } from "./text-streamer";
import type { FinishReason } from "./types";

export interface SequenceSetup {
  promptIds: number[];
  processors: LogitsProcessor[];
  sampler: Sampler;
  stopping: TokenStopSettings;
  stopStrings: string[];
  decoder: TokenDecoder;
  signal?: AbortSignal;
  droppedMessages?: number;
}

export class Sequence implements SequenceView {
  readonly tokenIds: number[];
  readonly promptLength: number;
  readonly stream: ChunkStream;
  /** Tokens of this sequence currently in the KV cache. */
  cachedLength = 0;
  finishReason: FinishReason | undefined;
  private cancelRequested = false;
  private readonly detokenizer: IncrementalDetokenizer;
  private readonly stopMatcher: StopStringMatcher;

  constructor(private readonly setup: SequenceSetup) {
    this.tokenIds = [...setup.promptIds];
    this.promptLength = setup.promptIds.length;
    this.detokenizer = new IncrementalDetokenizer(setup.decoder);
    this.stopMatcher = new StopStringMatcher(setup.stopStrings);
    this.stream = new ChunkStream(() => this.cancel());
  }

  get generatedCount(): number {
    return this.tokenIds.length - this.promptLength;
  }

  get isFinished(): boolean {
    return this.finishReason !== undefined;
  }

  /** True when the client went away (signal aborted or the stream abandoned). */
  get isCancelled(): boolean {
    return this.cancelRequested || this.setup.signal?.aborted === true;
  }

  cancel(): void {
    this.cancelRequested = true;
  }

  /** Runs the processors and the sampler on this sequence's next-token logits (modified in place). */
  pickNext(logits: Float32Array): number {
    for (const p of this.setup.processors) p.apply(logits, this);
    return this.setup.sampler.next(logits);
  }

  /** Appends a generated token, streams the text it completes, and finishes the sequence when a stop rule fires. */
  accept(tokenId: number): void {
    if (this.isFinished) return;
    this.tokenIds.push(tokenId);
    for (const p of this.setup.processors) p.onToken?.(this);
    let reason = checkTokenStop(this.setup.stopping, tokenId, this.generatedCount, this.tokenIds.length);
    let text = "";
    if (!this.setup.stopping.stopTokenIds.has(tokenId)) {
      const released = this.stopMatcher.push(this.detokenizer.push(tokenId));
      text = released.text;
      if (released.stopped) reason = "stop";
    }
    if (reason !== undefined && !this.stopMatcher.isStopped) {
      // Ending: release held-back bytes/text, which may still complete a stop string.
      const tail = this.stopMatcher.push(this.detokenizer.flush());
      text += tail.text;
      if (tail.stopped) reason = "stop";
      else text += this.stopMatcher.flush();
    }
    this.stream.push({ text, tokenId });
    if (reason !== undefined) this.finish(reason);
  }

  finish(reason: FinishReason): void {
    if (this.isFinished) return;
    this.finishReason = reason;
    this.stream.end({
      text: this.stopMatcher.releasedText,
      finishReason: reason,
      promptTokens: this.promptLength,
      completionTokens: this.generatedCount,
      tokenIds: this.tokenIds.slice(this.promptLength),
      droppedMessages: this.setup.droppedMessages ?? 0,
    });
  }

  fail(error: unknown): void {
    if (this.isFinished) return;
    this.finishReason = "cancelled";
    this.stream.fail(error);
  }
}
