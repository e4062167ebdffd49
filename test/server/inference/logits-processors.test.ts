import { describe, expect, it } from "vitest";
import {
  buildLogitsProcessors,
  kthLargest,
  NoRepeatNGramProcessor,
  RepetitionPenaltyProcessor,
  TemperatureProcessor,
  TopKProcessor,
  TopPProcessor,
} from "../../../server/inference/logits-processors";
import {
  argmax,
  createRng,
  GreedySampler,
  MultinomialSampler,
  sampleFromLogits,
} from "../../../server/inference/sampler";

const seq = (ids: number[], promptLength = ids.length) => ({ tokenIds: ids, promptLength });
const logitsOf = (...v: number[]) => Float32Array.from(v);

describe("logits processors", () => {
  it("temperature divides logits", () => {
    const l = logitsOf(2, -4, 1);
    new TemperatureProcessor(0.5).apply(l);
    expect([...l]).toEqual([4, -8, 2]);
    expect(() => new TemperatureProcessor(0)).toThrow();
  });

  it("top-k keeps the k largest (and ties)", () => {
    const l = logitsOf(1, 5, 3, 5, 0);
    new TopKProcessor(2).apply(l);
    expect([...l]).toEqual([-Infinity, 5, -Infinity, 5, -Infinity]);
    const m = logitsOf(1, 5, 3, 4, 0);
    new TopKProcessor(3).apply(m);
    expect([...m]).toEqual([-Infinity, 5, 3, 4, -Infinity]);
    expect(kthLargest(Float32Array.from([9, 1, 7, 3, 8]), 2)).toBe(8);
  });

  it("top-p keeps the smallest head reaching p", () => {
    // probs ~ [0.6439, 0.2369, 0.0871, 0.0321]
    const l = logitsOf(Math.log(0.64), Math.log(0.24), Math.log(0.08), Math.log(0.04));
    new TopPProcessor(0.8).apply(l);
    expect(l[0]).toBeCloseTo(Math.log(0.64));
    expect(l[1]).toBeCloseTo(Math.log(0.24));
    expect(l[2]).toBe(-Infinity);
    expect(l[3]).toBe(-Infinity);
    const all = logitsOf(0, 0, 0);
    new TopPProcessor(1).apply(all);
    expect([...all]).toEqual([0, 0, 0]);
  });

  it("repetition penalty divides positive and multiplies negative logits of seen tokens", () => {
    const p = new RepetitionPenaltyProcessor(2);
    const l = logitsOf(4, -4, 4, 1);
    p.apply(l, seq([0, 1, 1]));
    expect([...l]).toEqual([2, -8, 4, 1]);
    const ids = [0, 1, 1, 3];
    p.onToken(seq(ids));
    const m = logitsOf(4, -4, 4, 1);
    p.apply(m, seq(ids));
    expect([...m]).toEqual([2, -8, 4, 0.5]);
  });

  it("no-repeat n-gram bans tokens completing a seen n-gram", () => {
    const p = new NoRepeatNGramProcessor(3);
    const ids = [5, 6, 7, 1, 5, 6];
    const l = new Float32Array(8);
    p.apply(l, seq(ids));
    expect(l[7]).toBe(-Infinity); // 5 6 7 already seen
    expect([...l].filter((x) => x === -Infinity)).toHaveLength(1);
    ids.push(2); // 6 2
    p.onToken(seq(ids));
    const m = new Float32Array(8);
    p.apply(m, seq(ids));
    expect([...m].every((x) => x === 0)).toBe(true); // "6 2" never seen before
    const bigram = new NoRepeatNGramProcessor(2);
    const b = new Float32Array(8);
    bigram.apply(b, seq([1, 2, 1]));
    expect(b[2]).toBe(-Infinity);
  });

  it("with includePrompt false, both penalties leave the prompt's tokens free to reuse", () => {
    const prompt = [5, 6, 7, 5, 6];
    const penalty = new RepetitionPenaltyProcessor(2, false);
    const l = logitsOf(4, 4, 4, 4, 4, 4, 4, 4);
    penalty.apply(l, seq([...prompt, 1], prompt.length));
    expect([...l]).toEqual([4, 2, 4, 4, 4, 4, 4, 4]);

    const ngram = new NoRepeatNGramProcessor(3, false);
    const m = new Float32Array(8);
    ngram.apply(m, seq(prompt, prompt.length));
    expect([...m].every((x) => x === 0)).toBe(true); // "5 6 7" is only in the prompt
    const generated = [...prompt, 7, 1, 7, 1];
    ngram.onToken(seq(generated, prompt.length));
    const n = new Float32Array(8);
    ngram.apply(n, seq(generated, prompt.length));
    expect(n[7]).toBe(-Infinity); // "7 1 7" was generated
    expect([...n].filter((x) => x === -Infinity)).toHaveLength(1);
  });

  it("builds the chain in transformers order and skips warpers when greedy", () => {
    const names = (s: Parameters<typeof buildLogitsProcessors>[0]) =>
      buildLogitsProcessors(s).map((p) => p.constructor.name);
    const base = {
      temperature: 0.7,
      topK: 40,
      topP: 0.9,
      repetitionPenalty: 1.1,
      noRepeatNgramSize: 3,
      penalizePrompt: true,
      doSample: true,
    };
    expect(names(base)).toEqual([
      "RepetitionPenaltyProcessor",
      "NoRepeatNGramProcessor",
      "TemperatureProcessor",
      "TopKProcessor",
      "TopPProcessor",
    ]);
    expect(names({ ...base, doSample: false })).toEqual([
      "RepetitionPenaltyProcessor",
      "NoRepeatNGramProcessor",
    ]);
    expect(
      names({ ...base, temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1, noRepeatNgramSize: 0 }),
    ).toEqual([]);
  });
});

describe("samplers", () => {
  it("argmax takes the first maximum", () => {
    expect(argmax(logitsOf(1, 3, 3, 2))).toBe(1);
    expect(new GreedySampler().next(logitsOf(-1, -2))).toBe(0);
  });

  it("seeded sampling is reproducible and never draws banned tokens", () => {
    const l = logitsOf(0, -Infinity, 0, 0);
    const a = new MultinomialSampler(42);
    const b = new MultinomialSampler(42);
    const drawsA = Array.from({ length: 50 }, () => a.next(l));
    const drawsB = Array.from({ length: 50 }, () => b.next(l));
    expect(drawsA).toEqual(drawsB);
    expect(drawsA).not.toContain(1);
    expect(new Set(drawsA).size).toBe(3);
  });

  it("sampling follows the softmax distribution", () => {
    const rng = createRng(7);
    const l = logitsOf(Math.log(0.7), Math.log(0.2), Math.log(0.1));
    const counts = [0, 0, 0];
    for (let i = 0; i < 20000; i++) counts[sampleFromLogits(l, rng)]!++;
    expect(counts[0]! / 20000).toBeCloseTo(0.7, 1);
    expect(counts[1]! / 20000).toBeCloseTo(0.2, 1);
    expect(counts[2]! / 20000).toBeCloseTo(0.1, 1);
  });
});
