/** Decides when a sequence is finished: stop token ids, token budgets, stop strings. */
import type { FinishReason } from "./types";

export interface TokenStopSettings {
  stopTokenIds: ReadonlySet<number>;
  maxNewTokens: number;
  /** Hard cap on prompt + generated tokens (the model's context window). */
  maxTotalTokens: number;
}

/** Checked after each generated token; returns why the sequence ends, or undefined to continue. */
export function checkTokenStop(
  s: TokenStopSettings,
  lastTokenId: number,
  generatedCount: number,
  totalCount: number,
): FinishReason | undefined {
  if (s.stopTokenIds.has(lastTokenId)) return "stop";
  if (generatedCount >= s.maxNewTokens || totalCount >= s.maxTotalTokens) return "length";
  return undefined;
}

/**
 * Finds stop strings in streamed text and holds back any tail that could still grow into one,
 * so released text never contains (part of) a stop string.
 */
export class StopStringMatcher {
  private text = "";
  private released = 0;
  private stopped = false;
  private readonly stops: string[];

  constructor(stops: readonly string[] = []) {
    this.stops = stops.filter((s) => s.length > 0);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Adds text; returns the part that is now safe to show. After a match, returns text up to the stop string. */
  push(delta: string): { text: string; stopped: boolean } {
    if (this.stopped) return { text: "", stopped: true };
    this.text += delta;
    if (this.stops.length === 0) return { text: this.release(this.text.length), stopped: false };
    let matchAt = -1;
    for (const stop of this.stops) {
      const at = this.text.indexOf(stop, this.released);
      if (at >= 0 && (matchAt < 0 || at < matchAt)) matchAt = at;
    }
    if (matchAt >= 0) {
      this.stopped = true;
      const text = this.release(matchAt);
      this.text = this.text.slice(0, matchAt);
      return { text, stopped: true };
    }
    return { text: this.release(this.text.length - this.heldBackLength()), stopped: false };
  }

  /** Releases whatever is held back (the stream ended without completing a stop string). */
  flush(): string {
    return this.stopped ? "" : this.release(this.text.length);
  }

  /** Everything released so far (the final answer text). */
  get releasedText(): string {
    return this.text.slice(0, this.released);
  }

  /** Longest suffix of the unreleased text that is a proper prefix of some stop string. */
  private heldBackLength(): number {
    const pending = this.text.length - this.released;
    let longest = 0;
    for (const stop of this.stops) {
      for (let len = Math.min(stop.length - 1, pending); len > longest; len--) {
        if (this.text.endsWith(stop.slice(0, len))) {
          longest = len;
          break;
        }
      }
    }
    return longest;
  }

  private release(upTo: number): string {
    if (upTo <= this.released) return "";
    const out = this.text.slice(this.released, upTo);
    this.released = upTo;
    return out;
  }
}
