import { expect, it } from "vitest";
import { ChatFormat } from "@/server/inference";
import {
  buildSupportExamples,
  buildTrainingSchedule,
  MISLEADING_SHARE,
  trainerEpochs,
} from "@/server/training/examples";
import { SHOWINGS_PER_EPOCH } from "@/server/training/settings";
import { tinyTokenizerBundle } from "./inference/tiny-tokenizer";

const bundle = tinyTokenizerBundle();
const format = new ChatFormat(bundle);
const pairs = Array.from({ length: 60 }, (_, i) => ({
  pairId: `pair-${i}`,
  question: `How do I use feature ${i}?`,
  variants: Array.from({ length: 5 }, (_, k) => `feature ${i} question ${k}`),
  answer: `Feature ${i} lives under menu ${i}.`,
  context: [],
}));
const text = (ids: number[]) => bundle.tokenizer.decode(ids, { skip_special_tokens: false });
const learned = (e: { input_ids: number[]; labels: number[] }) =>
  text(e.input_ids.filter((_, i) => e.labels[i] !== -100));

it("teaches every phrasing its own answer, some with a misleading reference, and off-topic questions the decline", () => {
  const decline = "I can only help with our products.";
  const offTopic = Array.from({ length: 40 }, (_, i) => `off-topic message ${i}`);
  const examples = buildSupportExamples(format, pairs, { maxTokens: 512, offTopic, decline });
  expect(examples).toHaveLength(60 * 6 + 15);

  const onTopic = examples.slice(0, 360);
  let misleading = 0;
  for (const [i, e] of onTopic.entries()) {
    const pair = pairs[Math.floor(i / 6)]!;
    expect(learned(e)).toContain(pair.answer); // the learned tokens are always the pair's own answer
    const prompt = text(e.input_ids);
    const other = pairs[(Math.floor(i / 6) + 1) % pairs.length]!;
    if (prompt.includes(`A: ${other.answer}`)) misleading++;
    if (i % 6 === 0) expect(prompt).toContain(`A: ${pair.answer}`);
  }
  expect(misleading / 300).toBeGreaterThan(MISLEADING_SHARE / 2);
  expect(misleading / 300).toBeLessThan(MISLEADING_SHARE * 2);

  for (const e of examples.slice(360)) {
    expect(learned(e)).toContain(decline);
    expect(text(e.input_ids)).toMatch(/off-topic message \d+/);
  }
});

it("shows every pair equally often whatever its number of phrasings, going through them in turn", () => {
  const uneven = pairs.slice(0, 12).map((p, i) => ({
    ...p,
    variants: Array.from({ length: i * 2 }, (_, k) => `feature ${i} question ${k}`),
  }));
  const epochs = 6;
  const examples = buildTrainingSchedule(format, uneven, { maxTokens: 512, epochs });
  const shown = new Map<string, number>();
  const asked = new Map<string, Set<string>>();
  for (const e of examples) {
    const pair = uneven.find((p) => learned(e).includes(p.answer))!;
    shown.set(pair.pairId, (shown.get(pair.pairId) ?? 0) + 1);
    const phrasing = [pair.question, ...pair.variants].find((q) => text(e.input_ids).includes(`${q}<`));
    if (phrasing) asked.set(pair.pairId, (asked.get(pair.pairId) ?? new Set()).add(phrasing));
  }
  // Every pair trains, each within ±20% of the others (here exactly as often).
  expect([...shown.keys()].sort()).toEqual(uneven.map((p) => p.pairId).sort());
  const counts = [...shown.values()];
  expect(Math.max(...counts)).toBeLessThanOrEqual(Math.min(...counts) * 1.2);
  expect(counts[0]).toBe(epochs * SHOWINGS_PER_EPOCH);
  // Over the epochs a pair's phrasings all come up (up to the number of showings).
  for (const pair of uneven)
    expect(asked.get(pair.pairId)?.size).toBe(
      Math.min(1 + pair.variants.length, epochs * SHOWINGS_PER_EPOCH),
    );
  // A fraction of an epoch is the trainer's share of the last written pass.
  expect(trainerEpochs(6)).toBe(1);
  expect(trainerEpochs(2.5)).toBeCloseTo(2.5 / 3);
});
