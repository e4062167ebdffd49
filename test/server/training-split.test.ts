import { describe, expect, it } from "vitest";
import { heldOutPhrasings, splitPhrasings, trainingView } from "@/server/training/split";

const pair = (i: number, variants: number) => ({
  id: `id-${i}-${Math.random()}`,
  question: `How do I do thing ${i}?`,
  variants: Array.from({ length: variants }, (_, k) => `thing ${i}, way ${k}`),
});

describe("held-out phrasings", () => {
  it("trains every pair: its question always stays in training, and every variant is on one side", () => {
    const pairs = Array.from({ length: 200 }, (_, i) => pair(i, i % 6));
    const view = trainingView(pairs);
    expect(view).toHaveLength(pairs.length);
    for (const [i, p] of view.entries()) {
      expect(p.question).toBe(pairs[i]!.question);
      const { train, heldOut } = splitPhrasings(pairs[i]!);
      expect([...train, ...heldOut].sort()).toEqual([...pairs[i]!.variants].sort());
    }
  });

  it("holds out about a fifth of the variants of pairs that have several", () => {
    const pairs = Array.from({ length: 300 }, (_, i) => pair(i, 5));
    const held = heldOutPhrasings(pairs).length;
    expect(held / (300 * 5)).toBeGreaterThan(0.12);
    expect(held / (300 * 5)).toBeLessThan(0.28);
  });

  it("splits identical knowledge identically whatever its ids, and a variant keeps its side as knowledge grows", () => {
    const first = Array.from({ length: 100 }, (_, i) => pair(i, 4));
    const again = first.map((p) => ({ ...p, id: `other-${p.id}` }));
    const questions = (ps: typeof first) => heldOutPhrasings(ps).map((h) => h.question);
    expect(questions(again)).toEqual(questions(first));
    const grown = [...first.map((p) => ({ ...p, variants: [...p.variants, `${p.question} (new)`] }))];
    const grownHeld = new Set(questions(grown));
    for (const q of questions(first)) expect(grownHeld.has(q)).toBe(true);
  });
});
