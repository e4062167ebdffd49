/** The real engine on a tiny trained bundle: parity with PyTorch, batching, streaming, stopping, context. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContextLengthError, InferenceEngine } from "../../../server/inference";
import { SUPPORT_PAIRS, tinyBundle, torchGreedy } from "./fixtures";

let bundleDir: string;
let engine: InferenceEngine;

beforeAll(async () => {
  bundleDir = await tinyBundle();
}, 300_000);

const system = { role: "system", content: "You are a support bot." };
const ask = (q: string) => [system, { role: "user", content: q }];

function prompts(): number[][] {
  const chat = [
    ...SUPPORT_PAIRS.slice(0, 4).map(([q]) => engine.format.encodeChat(ask(q))),
    engine.format.encodeChat(ask("Something it never saw, with ünïcödé")),
    engine.format.encodeChat([{ role: "user", content: "no system prompt" }]),
  ];
  const raw = [engine.format.encode("Open Settings"), [5, 77, 300, 12, 9, 400, 33]];
  return [...chat, ...raw];
}

async function greedyAlone(promptIds: number[], maxNewTokens: number) {
  return engine.generateFromIds({ promptIds, maxNewTokens, temperature: 0 }).result;
}

// Every test runs on both decoder graphs: the fused one the engine serves by default and the
// standard model.onnx that bundles exported before it (and other runtimes) have.
describe.each([
  ["the fused graph (default)", {}],
  ["the standard model.onnx", { modelFile: "model.onnx" }],
])("InferenceEngine on a tiny trained bundle, %s", (_, graph) => {
  beforeAll(async () => {
    engine = await InferenceEngine.load(bundleDir, { threads: 2, maxBatchSize: 4, ...graph });
  }, 300_000);

  afterAll(async () => {
    await engine?.dispose();
  });

  it("greedy output equals the trainer PyTorch greedy output token for token", async () => {
    const ps = prompts();
    const reference = await torchGreedy(bundleDir, ps, 24);
    const ours = [];
    for (const p of ps) ours.push((await greedyAlone(p, 24)).tokenIds);
    expect(ours).toEqual(reference);
    // The fixture model answers trained questions and ends its turn: parity covers the stop path too.
    expect(ours.some((t) => engine.format.stopTokenIds.has(t.at(-1)!))).toBe(true);
  }, 120_000);

  it("batching concurrent requests gives the same tokens as each request alone", async () => {
    const ps = prompts();
    const alone = [];
    for (const [i, p] of ps.entries()) alone.push(await greedyAlone(p, 10 + i * 3));
    const seededAlone = await engine.generateFromIds({
      promptIds: ps[4]!,
      maxNewTokens: 20,
      temperature: 0.9,
      topP: 0.95,
      seed: 7,
    }).result;
    const pending: Array<Promise<unknown>> = [];
    for (const [i, p] of ps.entries()) {
      pending.push(engine.generateFromIds({ promptIds: p, maxNewTokens: 10 + i * 3, temperature: 0 }).result);
      if (i === 3)
        pending.push(
          engine.generateFromIds({
            promptIds: ps[4]!,
            maxNewTokens: 20,
            temperature: 0.9,
            topP: 0.95,
            seed: 7,
          }).result,
        );
      if (i % 3 === 2) await new Promise((r) => setTimeout(r, 15)); // arrive while others decode
    }
    const batched = await Promise.all(pending);
    expect(batched.splice(4, 1)[0]).toEqual(seededAlone);
    expect(batched).toEqual(alone);
  }, 120_000);

  it("answers a conversation, streams text that adds up, and stops on the end-of-turn token", async () => {
    const [question, answer] = SUPPORT_PAIRS[0]!;
    const stream = engine.generate({ messages: ask(question), maxNewTokens: 60, temperature: 0 });
    let streamed = "";
    let chunks = 0;
    for await (const chunk of stream) {
      streamed += chunk.text;
      chunks++;
    }
    const result = await stream.result;
    expect(result.text).toBe(answer);
    expect(streamed).toBe(result.text);
    expect(result.finishReason).toBe("stop");
    expect(result.tokenIds.at(-1)).toBe(engine.format.endOfTurnId);
    expect(chunks).toBe(result.completionTokens);
    expect(result.promptTokens).toBe(engine.format.encodeChat(ask(question)).length);
  }, 60_000);

  it("stops on stop strings and on max new tokens", async () => {
    const [question] = SUPPORT_PAIRS[0]!;
    const stopped = await engine.complete({
      messages: ask(question),
      temperature: 0,
      stop: ["Security"],
      maxNewTokens: 60,
    });
    expect(stopped).toMatchObject({ text: "Open Settings, choose ", finishReason: "stop" });
    const short = await engine.complete({ messages: ask(question), temperature: 0, maxNewTokens: 3 });
    expect(short.finishReason).toBe("length");
    expect(short.completionTokens).toBe(3);
  }, 60_000);

  it("cancels when the signal aborts", async () => {
    const controller = new AbortController();
    const stream = engine.generateFromIds({
      promptIds: [5, 6, 7],
      maxNewTokens: 5000,
      temperature: 1,
      seed: 1,
      signal: controller.signal,
    });
    let n = 0;
    for await (const _ of stream) if (++n === 5) controller.abort();
    const result = await stream.result;
    expect(result.finishReason).toBe("cancelled");
    expect(result.completionTokens).toBeLessThan(20);
    const already = engine.generateFromIds({ promptIds: [5], signal: AbortSignal.abort() });
    expect((await already.result).finishReason).toBe("cancelled");
  }, 60_000);

  it("drops the oldest turns to fit the context window, keeping the system prompt", async () => {
    const small = await InferenceEngine.load(bundleDir, { maxContextTokens: 160 });
    try {
      const history = SUPPORT_PAIRS.flatMap(([q, a]) => [
        { role: "user", content: q },
        { role: "assistant", content: a },
      ]);
      const last = { role: "user", content: SUPPORT_PAIRS[2]![0] };
      const result = await small.complete({
        messages: [system, ...history, last],
        maxNewTokens: 40,
        temperature: 0,
      });
      expect(result.droppedMessages).toBeGreaterThan(0);
      expect(result.droppedMessages % 2).toBe(0); // whole exchanges
      expect(result.promptTokens).toBeLessThanOrEqual(160 - 40);
      const kept = [system, ...history.slice(result.droppedMessages), last];
      expect(result.promptTokens).toBe(small.format.encodeChat(kept).length);
      // One more exchange would not have fitted.
      const oneMore = [system, ...history.slice(result.droppedMessages - 2), last];
      expect(small.format.encodeChat(oneMore).length).toBeGreaterThan(160 - 40);
      expect(() =>
        small.generate({ messages: [system, { role: "user", content: "x".repeat(400) }] }),
      ).toThrow(ContextLengthError);
    } finally {
      await small.dispose();
    }
  }, 60_000);
});

describe("quantized serving", () => {
  it.each(["int8", "int4"] as const)(
    "serves %s with the trained answers",
    async (precision) => {
      const quantized = await InferenceEngine.load(bundleDir, { precision });
      try {
        for (const [question, answer] of SUPPORT_PAIRS) {
          const result = await quantized.complete({
            messages: ask(question),
            maxNewTokens: 40,
            temperature: 0,
          });
          expect(result.text).toBe(answer);
        }
      } finally {
        await quantized.dispose();
      }
    },
    60_000,
  );

  it("loads the fused graphs unless a file is named", async () => {
    const { decoderFileFor } = await import("../../../server/inference/bundle");
    expect(decoderFileFor(bundleDir, "fp32")).toBe("model.fused.onnx");
    expect(decoderFileFor(bundleDir, "int8")).toBe("model.fused.int8.onnx");
    expect(decoderFileFor(bundleDir, "int4")).toBe("model.fused.int4.onnx");
  });
});
