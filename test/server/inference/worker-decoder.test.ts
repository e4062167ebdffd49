/**
 * onnxruntime in a worker thread that keeps the KV caches: exactly the in-thread results, a free
 * event loop, and no cache left behind whichever way a sequence ends.
 */
import { describe, expect, it } from "vitest";
import { type EngineOptions, InferenceEngine } from "../../../server/inference";
import { kvShapeOf, loadTokenizerBundle } from "../../../server/inference/bundle";
import { ChatFormat } from "../../../server/inference/prompt-builder";
import { WorkerDecoder } from "../../../server/inference/worker-decoder";
import { SUPPORT_PAIRS, tinyBundle } from "./fixtures";

async function workerEngine(bundleDir: string, options: EngineOptions) {
  const bundle = await loadTokenizerBundle(bundleDir);
  const decoder = await WorkerDecoder.load(`${bundleDir}/model.onnx`, kvShapeOf(bundle.config!));
  return { decoder, engine: new InferenceEngine(new ChatFormat(bundle), decoder, options) };
}

describe("InferenceEngine with onnxruntime and the caches in a worker thread", () => {
  it("generates the in-thread tokens, batched and alone, and keeps the event loop free", async () => {
    const bundleDir = await tinyBundle();
    const inThread = await InferenceEngine.load(bundleDir, { worker: false });
    const inWorker = await InferenceEngine.load(bundleDir); // the default
    try {
      const prompts = SUPPORT_PAIRS.map(([q]) => inThread.format.encodeChat([{ role: "user", content: q }]));
      const request = (promptIds: number[]) => ({
        promptIds,
        maxNewTokens: 30,
        temperature: 0,
        ignoreEos: true,
      });
      const expected = [];
      for (const p of prompts) expected.push((await inThread.generateFromIds(request(p)).result).tokenIds);
      const batched = await Promise.all(prompts.map((p) => inWorker.generateFromIds(request(p)).result));
      expect(batched.map((r) => r.tokenIds)).toEqual(expected);

      // While the worker computes, timers on this thread keep firing.
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      await Promise.all(
        prompts.map((p) => inWorker.generateFromIds({ ...request(p), maxNewTokens: 200 }).result),
      );
      clearInterval(timer);
      expect(ticks).toBeGreaterThan(5);
    } finally {
      await inThread.dispose();
      await inWorker.dispose();
    }
  }, 300_000);

  it("frees the caches of finished, cancelled and failed sequences", async () => {
    // Prompts read 4 tokens at a time, so a cancellation can land while one is half read.
    const { decoder, engine } = await workerEngine(await tinyBundle(), { prefillChunkTokens: 4 });
    try {
      const prompt = (i: number) =>
        engine.format.encodeChat([{ role: "user", content: SUPPORT_PAIRS[i]![0] }]);
      const cancel = new AbortController();
      const long = { maxNewTokens: 400, temperature: 0, ignoreEos: true, signal: cancel.signal };
      const first = engine.generateFromIds({
        promptIds: prompt(0),
        maxNewTokens: 40,
        temperature: 0,
        ignoreEos: true,
      });
      const others = [
        engine.generateFromIds({ promptIds: prompt(1), maxNewTokens: 1 }), // ends on its first token
        engine.generateFromIds({ promptIds: prompt(2), ...long }), // cancelled while its prompt is read
        engine.generateFromIds({ promptIds: prompt(3), ...long }), // cancelled while waiting
        engine.generateFromIds({ promptIds: prompt(4), maxNewTokens: 7, temperature: 0, ignoreEos: true }),
      ];
      // The first stream gets a token per step: its prefill's, one per chunk of prompt 1, then one
      // during the first chunk of prompt 2.
      const whilePrompt2IsRead = 2 + Math.ceil(prompt(1).length / 4);
      let tokens = 0;
      for await (const _ of first) if (++tokens === whilePrompt2IsRead) cancel.abort();
      const results = await Promise.all([first, ...others].map((s) => s.result));
      expect(results.map((r) => r.finishReason)).toEqual([
        "length",
        "length",
        "cancelled",
        "cancelled",
        "length",
      ]);
      await engine.whenIdle();
      // Only the scheduler's own (empty) batch cache is left.
      expect(await decoder.countCaches()).toBe(1);

      // A model call that fails (a token id outside the vocabulary) frees its caches too.
      const outOfVocabulary = engine.generateFromIds({
        promptIds: [...prompt(0), 10_000_000],
        maxNewTokens: 3,
      });
      await expect(outOfVocabulary.result).rejects.toThrow(/indices|out of|bounds/i);
      await engine.whenIdle();
      expect(await decoder.countCaches()).toBe(1);
    } finally {
      await engine.dispose();
    }
  }, 300_000);

  it("fails waiting and later requests once the worker has exited, instead of hanging", async () => {
    const { decoder, engine } = await workerEngine(await tinyBundle(), {});
    const prompt = engine.format.encodeChat([{ role: "user", content: SUPPORT_PAIRS[0]![0] }]);
    expect(
      (await engine.generateFromIds({ promptIds: prompt, maxNewTokens: 3 }).result).completionTokens,
    ).toBe(3);
    // The worker exits while a request waits for its answer. (Not worker.terminate() during a model
    // call: onnxruntime-node then aborts the whole process, measured with a 135M model.)
    const exited = decoder.release();
    const waiting = decoder.countCaches(); // queued behind the release: never answered
    await expect(waiting).rejects.toThrow(/decoder worker exited/);
    await exited;
    expect(engine.failure?.message).toMatch(/decoder worker exited/);
    const later = engine.generateFromIds({ promptIds: prompt, maxNewTokens: 5 });
    await expect(later.result).rejects.toThrow(/decoder worker exited/);
    await engine.dispose(); // resolves although the worker is gone
  }, 300_000);
});
