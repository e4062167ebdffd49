/** Timing helpers shared by the engine and transformers.js sides of the benchmark. */

export interface StreamTiming {
  start: number;
  /** Timestamp of each generated token. */
  tokens: number[];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Time to first token in ms. */
export function ttft(t: StreamTiming): number {
  return t.tokens[0]! - t.start;
}

/** Tokens per second after the first token (pure decode). */
export function decodeRate(t: StreamTiming): number {
  const n = t.tokens.length;
  return (n - 1) / ((t.tokens[n - 1]! - t.tokens[0]!) / 1000);
}

/** Aggregate over concurrent streams: end-to-end and decode-phase (once every stream has its first token). */
export function aggregate(streams: StreamTiming[]): { endToEnd: number; decodePhase: number } {
  const start = Math.min(...streams.map((s) => s.start));
  const end = Math.max(...streams.flatMap((s) => s.tokens));
  const total = streams.reduce((n, s) => n + s.tokens.length, 0);
  const allStarted = Math.max(...streams.map((s) => s.tokens[0]!));
  const afterStart = streams.reduce((n, s) => n + s.tokens.filter((t) => t > allStarted).length, 0);
  return {
    endToEnd: total / ((end - start) / 1000),
    decodePhase: end > allStarted ? afterStart / ((end - allStarted) / 1000) : Number.NaN,
  };
}
