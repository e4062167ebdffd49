/** Our engine (server/inference) as a benchmark runner. */
import { InferenceEngine } from "../../server/inference";
import type { ServingPrecision } from "../../server/inference/bundle";
import type { Runner, StreamTiming } from "./measure";

export async function openEngine(
  bundleDir: string,
  precision: ServingPrecision,
  prompts: number[][],
  threads: number,
  options: { spinWait: boolean; worker: boolean; modelFile?: string; name?: string },
): Promise<Runner> {
  const engine = await InferenceEngine.load(bundleDir, { threads, precision, maxBatchSize: 16, ...options });
  await engine.warmUp();
  return {
    name: options.name ?? `ours ${precision}`,
    async stream(prompt: number, maxNewTokens: number): Promise<StreamTiming> {
      const timing: StreamTiming = { start: performance.now(), tokens: [] };
      const promptIds = prompts[prompt % prompts.length]!;
      const stream = engine.generateFromIds({ promptIds, maxNewTokens, temperature: 0, ignoreEos: true });
      for await (const _ of stream) timing.tokens.push(performance.now());
      return timing;
    },
    close: () => engine.dispose(),
  };
}
