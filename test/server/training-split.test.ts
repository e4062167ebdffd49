import { describe, expect, it } from "vitest";
import { splitPairs } from "@/server/training/split";

const pairs = (n: number, prefix = "p") => Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}` }));

describe("train / held-out split", () => {
  it("holds nothing out of a small knowledge base", () => {
    expect(splitPairs(pairs(19)).heldOut).toEqual([]);
  });

  it("holds out about 5% by pair, and a pair stays on its side as the knowledge base grows", () => {
    const small = splitPairs(pairs(400));
    expect(small.heldOut.length).toBeGreaterThanOrEqual(10);
    expect(small.heldOut.length).toBeLessThanOrEqual(30);
    expect(small.train.length + small.heldOut.length).toBe(400);
    const grown = splitPairs([...pairs(400), ...pairs(200, "new")]);
    const grownHeldOut = new Set(grown.heldOut.map((p) => p.id));
    for (const p of small.heldOut) expect(grownHeldOut.has(p.id)).toBe(true);
  });

  it("caps the held-out set", () => {
    expect(splitPairs(pairs(5000)).heldOut).toHaveLength(50);
  });
});
