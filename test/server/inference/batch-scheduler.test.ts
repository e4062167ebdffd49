/**
 * Continuous batching against a fake decoder whose "KV cache" stores token ids, so any mistake in
 * padding, masks, positions, merging or splitting changes the output (or trips an assertion).
 */
import { describe, expect, it } from "vitest";
import { BatchScheduler, type DecoderModel } from "../../../server/inference/batch-scheduler";
import type { ForwardInput, ForwardOutput } from "../../../server/inference/decoder-io";
import { InThreadCaches, KvCache } from "../../../server/inference/kv-cache";
import { GreedySampler } from "../../../server/inference/sampler";
import { Sequence } from "../../../server/inference/sequence";

const VOCAB = 40;
const STOP = 0;
const shape = { numLayers: 1, kvHeads: 1, headDim: 1 };

/** Layer "key" holds token ids, "value" holds 1 on real positions, 0 on padding. */
class FakeDecoder extends InThreadCaches implements DecoderModel<KvCache> {
  calls: Array<{ batch: number; seq: number }> = [];
  constructor() {
    super(shape);
  }
  async forward(input: ForwardInput<KvCache>): Promise<ForwardOutput<KvCache>> {
    await new Promise((r) => setImmediate(r));
    const { batch, seq, past } = input;
    this.calls.push({ batch, seq });
    const total = past.length + seq;
    const keys = new Float32Array(batch * total);
    const reals = new Float32Array(batch * total);
    const logits = new Float32Array(batch * VOCAB);
    for (let b = 0; b < batch; b++) {
      const pad = input.padLeft[b]!;
      const history: number[] = [];
      for (let p = 0; p < past.length; p++) {
        const real = past.tensors[1]![b * past.length + p]!;
        if (real !== (p >= pad ? 1 : 0)) throw new Error(`row ${b} position ${p}: mask and cache disagree`);
        if (real) history.push(past.tensors[0]![b * past.length + p]!);
        keys[b * total + p] = past.tensors[0]![b * past.length + p]!;
        reals[b * total + p] = real;
      }
      if (input.firstPosition[b] !== history.length)
        throw new Error(`row ${b}: position ${input.firstPosition[b]} but ${history.length} cached`);
      for (let s = 0; s < seq; s++) {
        history.push(Number(input.inputIds[b * seq + s]));
        keys[b * total + past.length + s] = history.at(-1)!;
        reals[b * total + past.length + s] = 1;
      }
      let h = 7;
      history.forEach((id, i) => {
        h = (h * 31 + id * (i + 3)) % 10007;
      });
      logits[b * VOCAB + (h % VOCAB)] = 1;
    }
    return { logits, vocab: VOCAB, present: new KvCache(shape, batch, total, [keys, reals]) };
  }
}

function makeSequence(promptIds: number[], maxNewTokens: number, signal?: AbortSignal): Sequence {
  return new Sequence({
    promptIds,
    processors: [],
    sampler: new GreedySampler(),
    stopping: { stopTokenIds: new Set([STOP]), maxNewTokens, maxTotalTokens: 1000 },
    stopStrings: [],
    decoder: { decode: (ids) => ids.map((i) => String.fromCharCode(97 + (i % 26))).join("") },
    signal,
  });
}

const prompts = Array.from({ length: 7 }, (_, i) =>
  Array.from({ length: 3 + ((i * 5) % 11) }, (_, j) => 1 + ((i * 13 + j * 7) % (VOCAB - 1))),
);

async function runAlone(prompt: number[], maxNew: number) {
  const scheduler = new BatchScheduler(new FakeDecoder(), { prefillChunkTokens: 4 });
  const s = makeSequence(prompt, maxNew);
  scheduler.submit(s);
  return s.stream.result;
}

describe("BatchScheduler", () => {
  it("gives every sequence the same tokens batched as alone, with staggered arrivals", async () => {
    const maxNew = (i: number) => 25 + ((i * 3) % 9);
    const alone = await Promise.all(prompts.map((p, i) => runAlone(p, maxNew(i))));
    const model = new FakeDecoder();
    const scheduler = new BatchScheduler(model, { maxBatchSize: 3, prefillChunkTokens: 4 });
    const sequences = prompts.map((p, i) => makeSequence(p, maxNew(i)));
    const results: Promise<unknown>[] = [];
    for (const [i, s] of sequences.entries()) {
      scheduler.submit(s);
      results.push(s.stream.result);
      if (i >= 4) await new Promise((r) => setTimeout(r, 2)); // the rest join mid-flight
    }
    const batched = await Promise.all(results);
    expect(batched).toEqual(alone);
    expect(Math.max(...model.calls.filter((c) => c.seq === 1).map((c) => c.batch))).toBe(3);
    expect(alone.some((r) => r.finishReason === "stop")).toBe(true);
    expect(alone.some((r) => r.finishReason === "length")).toBe(true);
    await scheduler.whenIdle();
    expect(scheduler.pending).toBe(0);
  });

  it("keeps decoding running streams between the chunks of a long prompt", async () => {
    const model = new FakeDecoder();
    const scheduler = new BatchScheduler(model, { prefillChunkTokens: 4 });
    const alone = await runAlone(prompts[0]!, 25);
    expect(alone.completionTokens).toBeGreaterThan(8);
    const running = makeSequence(prompts[0]!, 25);
    const longPrompt = Array.from({ length: 20 }, (_, i) => 1 + (i % 30));
    const late = makeSequence(longPrompt, 3);
    scheduler.submit(running);
    scheduler.submit(late);
    await late.stream.result;
    // The short prompt (P) and its first decode step (D), then the long prompt's 5 chunks, each followed by a decode step.
    expect(model.calls.map((c) => (c.seq > 1 ? "P" : "D")).join("")).toMatch(/^PD(PD){5}/);
    expect((await running.stream.result).tokenIds).toEqual(alone.tokenIds);
  });

  it("streams one chunk per token whose texts add up to the result", async () => {
    const scheduler = new BatchScheduler(new FakeDecoder());
    const s = makeSequence(prompts[0]!, 12);
    scheduler.submit(s);
    const chunks = [];
    for await (const c of s.stream) chunks.push(c);
    const result = await s.stream.result;
    expect(chunks.map((c) => c.tokenId)).toEqual(result.tokenIds);
    expect(chunks.map((c) => c.text).join("")).toBe(result.text);
    expect(result.completionTokens).toBe(result.tokenIds.length);
    expect(result.promptTokens).toBe(prompts[0]!.length);
  });

  it("cancels on abort and when the consumer stops iterating, without disturbing the others", async () => {
    const scheduler = new BatchScheduler(new FakeDecoder());
    const controller = new AbortController();
    const longPrompt = [5, 6, 7];
    const expected = await runAlone(prompts[1]!, 10);
    const aborted = makeSequence(longPrompt, 10_000, controller.signal);
    const abandoned = makeSequence([8, 9], 10_000);
    const other = makeSequence(prompts[1]!, 10);
    for (const s of [aborted, abandoned, other]) scheduler.submit(s);
    let n = 0;
    for await (const _ of abandoned.stream) if (++n === 3) break;
    controller.abort();
    const [a, b, c] = await Promise.all([
      aborted.stream.result,
      abandoned.stream.result,
      other.stream.result,
    ]);
    expect(a.finishReason).toBe("cancelled");
    expect(b.finishReason).toBe("cancelled");
    expect(c).toEqual(expected);
    await scheduler.whenIdle();
  });

  it("fails the active sequences when the model throws, then keeps serving", async () => {
    const model = new FakeDecoder();
    const scheduler = new BatchScheduler(model);
    const original = model.forward.bind(model);
    model.forward = async (input) => {
      if (input.seq === 1) throw new Error("boom");
      return original(input);
    };
    const s = makeSequence([1, 2, 3], 5);
    scheduler.submit(s);
    await expect(s.stream.result).rejects.toThrow("boom");
    model.forward = original;
    const t = makeSequence([1, 2, 3], 5);
    scheduler.submit(t);
    expect((await t.stream.result).completionTokens).toBeGreaterThan(0);
  });
});
