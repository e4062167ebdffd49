import { createHash } from "node:crypto";

/** A number in [0, 1) that depends only on the key: stable splits and choices across runs. */
export function stableFraction(key: string): number {
  return createHash("sha256").update(key).digest().readUInt32BE(0) / 2 ** 32;
}

/** Share of variants kept out of training so evaluation can ask known knowledge in other words. */
export const HELD_OUT_PHRASING_RATIO = 0.2;
export const MAX_HELD_OUT_PHRASINGS = 300;

type PairText = { question: string; variants: string[] };

/**
 * Every approved pair trains. Evaluation asks held-out *phrasings*: a stable share of each pair's
 * variants, chosen by a hash of the pair's question and the variant's text (so identical knowledge
 * splits identically whatever its ids, and a variant stays on its side as the knowledge grows).
 * A pair always keeps its question for training.
 */
export function splitPhrasings(pair: PairText): { train: string[]; heldOut: string[] } {
  const variants = [...new Set(pair.variants.map((v) => v.trim()).filter(Boolean))];
  const ranked = variants
    .map((v) => ({ v, rank: stableFraction(`phrasing:${pair.question.trim()}\n${v}`) }))
    .sort((a, b) => a.rank - b.rank);
  const heldOut = ranked.filter((r) => r.rank < HELD_OUT_PHRASING_RATIO).map((r) => r.v);
  const held = new Set(heldOut);
  return { train: variants.filter((v) => !held.has(v)), heldOut };
}

/** The held-out phrasings of a knowledge base, each with its pair (capped, in a stable order). */
export function heldOutPhrasings<P extends PairText>(pairs: P[]): { pair: P; question: string }[] {
  return pairs
    .flatMap((pair) => splitPhrasings(pair).heldOut.map((question) => ({ pair, question })))
    .sort((a, b) => stableFraction(`order:${a.question}`) - stableFraction(`order:${b.question}`))
    .slice(0, MAX_HELD_OUT_PHRASINGS);
}

/** The pairs as training sees them: held-out variants removed. */
export function trainingView<P extends PairText>(pairs: P[]): P[] {
  return pairs.map((p) => ({ ...p, variants: splitPhrasings(p).train }));
}
