/** Push-based stream of chunks that one consumer iterates with `for await`, plus the final result promise. */
import type { GenerationChunk, GenerationResult, GenerationStream } from "./types";

export class ChunkStream implements GenerationStream {
  readonly result: Promise<GenerationResult>;
  private readonly buffered: GenerationChunk[] = [];
  private waiter: (() => void) | undefined;
  private done = false;
  private error: unknown;
  private resolveResult!: (r: GenerationResult) => void;
  private rejectResult!: (e: unknown) => void;

  /** `onAbandon` runs when the consumer stops iterating early (break / return): the generation is cancelled. */
  constructor(private readonly onAbandon: () => void = () => {}) {
    this.result = new Promise<GenerationResult>((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    // Callers that only iterate must not trigger an unhandled rejection; they see the error while iterating.
    this.result.catch(() => {});
  }

  push(chunk: GenerationChunk): void {
    if (this.done) return;
    this.buffered.push(chunk);
    this.wake();
  }

  end(result: GenerationResult): void {
    if (this.done) return;
    this.done = true;
    this.resolveResult(result);
    this.wake();
  }

  fail(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.error = error ?? new Error("generation failed");
    this.rejectResult(this.error);
    this.wake();
  }

  [Symbol.asyncIterator](): AsyncIterator<GenerationChunk> {
    return {
      next: async () => {
        for (;;) {
          const chunk = this.buffered.shift();
          if (chunk) return { value: chunk, done: false };
          if (this.done) {
            if (this.error !== undefined) throw this.error;
            return { value: undefined, done: true };
          }
          await new Promise<void>((resolve) => {
            this.waiter = resolve;
          });
        }
      },
      return: async () => {
        if (!this.done) this.onAbandon();
        return { value: undefined, done: true };
      },
    };
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}
