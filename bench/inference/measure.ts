/** Timing helpers shared by the engine and transformers.js sides of the benchmark. */

export interface StreamTiming {
  start: number;
  /** Timestamp of each generated token. */
  tokens: number[];
}

/** One side of the comparison: streams a prompt (by index) and records token times. */
export interface Runner {
  name: string;
  stream(prompt: number, maxNewTokens: number): Promise<StreamTiming>;
  close(): Promise<void>;
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

/**
 * Aggregate tokens/s over concurrent streams: end-to-end (first request to last token, prompts
 * included) and steady (only while every stream was decoding: after the last first token, before
 * the first stream finished), which is the batched decode throughput.
 */
export function aggregate(streams: StreamTiming[]): { endToEnd: number; steady: number } {
  const start = Math.min(...streams.map((s) => s.start));
  const end = Math.max(...streams.flatMap((s) => s.tokens));
  const total = streams.reduce((n, s) => n + s.tokens.length, 0);
  const from = Math.max(...streams.map((s) => s.tokens[0]!));
  const to = Math.min(...streams.map((s) => s.tokens.at(-1)!));
  const inWindow = streams.reduce((n, s) => n + s.tokens.filter((t) => t > from && t <= to).length, 0);
  return {
    endToEnd: total / ((end - start) / 1000),
    steady: to > from ? inWindow / ((to - from) / 1000) : Number.NaN,
  };
}

export async function concurrent(
  runner: Runner,
  n: number,
  maxNewTokens: number,
): Promise<{ endToEnd: number; steady: number }> {
  return aggregate(await Promise.all(Array.from({ length: n }, (_, i) => runner.stream(i, maxNewTokens))));
}
