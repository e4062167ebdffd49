/** The worker-thread session gives exactly the in-thread results and keeps the event loop free. */
import { describe, expect, it } from "vitest";
import { InferenceEngine } from "../../../server/inference";
import { SUPPORT_PAIRS, tinyBundle } from "./fixtures";

describe("InferenceEngine with onnxruntime in a worker thread", () => {
  it("generates the same tokens, batched and alone, and releases the worker", async () => {
    const bundleDir = await tinyBundle();
    const inThread = await InferenceEngine.load(bundleDir);
    const inWorker = await InferenceEngine.load(bundleDir, { worker: true });
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
});
