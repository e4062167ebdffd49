/** Benchmark of our engine (server/inference) on a bundle. */
import { InferenceEngine } from "../../server/inference";
import { aggregate, decodeRate, median, type StreamTiming, ttft } from "./measure";

export interface SideResult {
  ttftMs: number;
  decodeTps: number;
  aggregate: Record<number, { endToEnd: number; decodePhase: number }>;
}

async function timeStream(
  engine: InferenceEngine,
  promptIds: number[],
  maxNewTokens: number,
): Promise<StreamTiming> {
  const timing: StreamTiming = { start: performance.now(), tokens: [] };
  const stream = engine.generateFromIds({ promptIds, maxNewTokens, temperature: 0, ignoreEos: true });
  for await (const _ of stream) timing.tokens.push(performance.now());
  return timing;
}

export async function benchEngine(
  bundleDir: string,
  precision: "fp32" | "int8",
  prompts: number[][],
  opts: {
    threads: number;
    decodeTokens: number;
    streamTokens: number;
    concurrency: number[];
    repeats: number;
  },
): Promise<SideResult> {
  const engine = await InferenceEngine.load(bundleDir, {
    threads: opts.threads,
    precision,
    maxBatchSize: 16,
  });
  try {
    await engine.warmUp();
    const firsts: number[] = [];
    const rates: number[] = [];
    for (let r = 0; r < opts.repeats; r++) {
      firsts.push(ttft(await timeStream(engine, prompts[0]!, 1)));
      rates.push(decodeRate(await timeStream(engine, prompts[0]!, opts.decodeTokens)));
    }
    const agg: SideResult["aggregate"] = {};
    for (const n of opts.concurrency) {
      const streams = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          timeStream(engine, prompts[i % prompts.length]!, opts.streamTokens),
        ),
      );
      agg[n] = aggregate(streams);
      console.error(
        `  ours ${precision} x${n}: ${agg[n].endToEnd.toFixed(1)} tok/s end-to-end, ${agg[n].decodePhase.toFixed(1)} decode-phase`,
      );
    }
    return { ttftMs: median(firsts), decodeTps: median(rates), aggregate: agg };
  } finally {
    await engine.dispose();
  }
}
