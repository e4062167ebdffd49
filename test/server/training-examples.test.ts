import { expect, it } from "vitest";
import { ChatFormat } from "@/server/inference";
import { buildSupportExamples, MISLEADING_SHARE } from "@/server/training/examples";
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
