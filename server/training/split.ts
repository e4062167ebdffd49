import { createHash } from "node:crypto";

/** A number in [0, 1) that depends only on the key: stable splits and choices across runs. */
export function stableFraction(key: string): number {
  return createHash("sha256").update(key).digest().readUInt32BE(0) / 2 ** 32;
}

export const HELD_OUT_RATIO = 0.1;
const MIN_PAIRS_FOR_HELD_OUT = 5;

/**
 * Held-out pairs by hash of the pair id, so a pair stays on its side as the knowledge base grows,
 * and all phrasings of one pair are on one side.
 */
export function splitPairs<T extends { id: string }>(pairs: T[]): { train: T[]; heldOut: T[] } {
  const ranked = pairs.map((p) => ({ pair: p, rank: stableFraction(`split:${p.id}`) }));
  let heldOut = ranked.filter((r) => r.rank < HELD_OUT_RATIO);
  if (heldOut.length === 0 && pairs.length >= MIN_PAIRS_FOR_HELD_OUT) {
    heldOut = [ranked.reduce((a, b) => (b.rank < a.rank ? b : a))];
  }
  const heldOutIds = new Set(heldOut.map((r) => r.pair.id));
  return {
    train: pairs.filter((p) => !heldOutIds.has(p.id)),
    heldOut: pairs.filter((p) => heldOutIds.has(p.id)),
  };
}
