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

/** Aggregate tokens/s over concurrent streams, from the first request to the last token. */
export function aggregate(streams: StreamTiming[]): number {
  const start = Math.min(...streams.map((s) => s.start));
  const end = Math.max(...streams.flatMap((s) => s.tokens));
  const total = streams.reduce((n, s) => n + s.tokens.length, 0);
  return total / ((end - start) / 1000);
}

export async function concurrent(runner: Runner, n: number, maxNewTokens: number): Promise<number> {
  return aggregate(await Promise.all(Array.from({ length: n }, (_, i) => runner.stream(i, maxNewTokens))));
}
