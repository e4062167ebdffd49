import { createHash } from "node:crypto";

/** A number in [0, 1) that depends only on the key: stable splits and choices across runs. */
export function stableFraction(key: string): number {
  return createHash("sha256").update(key).digest().readUInt32BE(0) / 2 ** 32;
}

// Held-out pairs are knowledge the candidate never trains on (retrieval still serves them), so
// the share is small and only large enough knowledge bases give any up.
export const HELD_OUT_RATIO = 0.05;
const MIN_PAIRS_FOR_HELD_OUT = 20;
const MAX_HELD_OUT_PAIRS = 50;

/**
 * Held-out pairs by hash of the pair id, so a pair stays on its side as the knowledge base grows,
 * and all phrasings of one pair are on one side.
 */
export function splitPairs<T extends { id: string }>(pairs: T[]): { train: T[]; heldOut: T[] } {
  const ranked = pairs.map((p) => ({ pair: p, rank: stableFraction(`split:${p.id}`) }));
  if (pairs.length < MIN_PAIRS_FOR_HELD_OUT) return { train: [...pairs], heldOut: [] };
  const byRank = [...ranked].sort((a, b) => a.rank - b.rank);
  const wanted = Math.min(
    MAX_HELD_OUT_PAIRS,
    Math.max(1, byRank.filter((r) => r.rank < HELD_OUT_RATIO).length),
  );
  const heldOut = byRank.slice(0, wanted);
  const heldOutIds = new Set(heldOut.map((r) => r.pair.id));
  return {
    train: pairs.filter((p) => !heldOutIds.has(p.id)),
    heldOut: pairs.filter((p) => heldOutIds.has(p.id)),
  };
}
