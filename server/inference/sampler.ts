/** Picks the next token from processed logits: argmax (greedy) or a draw from softmax (sampling). */

/** Seedable PRNG (mulberry32): each sequence owns one, so batching never changes a seeded request's output. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Index of the largest logit; the lowest index wins ties (as torch.argmax does on CPU). */
export function argmax(logits: Float32Array): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i]!;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/** Draws from softmax(logits) using one uniform number from `random`. -Infinity logits are never drawn. */
export function sampleFromLogits(logits: Float32Array, random: () => number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  if (max === -Infinity) throw new Error("all logits are -Infinity: nothing to sample");
  let sum = 0;
  const weights = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) {
    const w = Math.exp(logits[i]! - max);
    weights[i] = w;
    sum += w;
  }
  let r = random() * sum;
  let last = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (w === 0) continue;
    last = i;
    r -= w;
    if (r < 0) return i;
  }
  return last; // rounding left a sliver of mass: take the last possible token
}

export interface Sampler {
  next(logits: Float32Array): number;
}

export class GreedySampler implements Sampler {
  next(logits: Float32Array): number {
    return argmax(logits);
  }
}

export class MultinomialSampler implements Sampler {
  private readonly random: () => number;
  constructor(seed: number) {
    this.random = createRng(seed);
  }
  next(logits: Float32Array): number {
    return sampleFromLogits(logits, this.random);
  }
}
