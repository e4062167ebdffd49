/**
 * Text -> hashed feature ids and prior weights for the retrieval encoder. trainer/retriever/features.py
 * is the same function in Python; test/fixtures/retriever-features.json pins both to identical output.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const MAX_WORDS = 64;
const MAX_WORD_CHARS = 32;
const PAIR_WEIGHT = 0.5;
const WORD = /[\p{L}\p{N}]+/gu;
const utf8 = new TextEncoder();

export interface FeatureSpec {
  buckets: number;
  char_ngrams: [number, number];
}

export function fnv1a(text: string): number {
  let h = FNV_OFFSET;
  for (const b of utf8.encode(text)) h = Math.imul(h ^ b, FNV_PRIME) >>> 0;
  return h;
}

export function words(text: string): string[] {
  return (text.normalize("NFKC").toLowerCase().match(WORD) ?? []).slice(0, MAX_WORDS);
}

export interface Features {
  ids: number[];
  weights: number[];
}

/**
 * One feature per word, its character n-grams sharing one word's weight, and each adjacent word
 * pair at half a word's weight. Empty text gives no features. `grams: "each"` gives every character
 * n-gram a word's weight instead: the lexical scorer's weighting (TF-IDF over n-grams counted
 * whole matches reworded questions far better, bench:answers), while the encoder learns its own.
 */
export function featurize(text: string, spec: FeatureSpec, grams: "shared" | "each" = "shared"): Features {
  const [minN, maxN] = spec.char_ngrams;
  const ws = words(text);
  const ids: number[] = [];
  const weights: number[] = [];
  for (const w of ws) {
    ids.push(fnv1a(`w:${w}`) % spec.buckets);
    weights.push(1);
    const marked = ["<", ...Array.from(w).slice(0, MAX_WORD_CHARS), ">"];
    const ngrams: string[] = [];
    for (let n = minN; n <= maxN; n++)
      for (let i = 0; i + n <= marked.length; i++) ngrams.push(marked.slice(i, i + n).join(""));
    for (const g of ngrams) {
      ids.push(fnv1a(`c:${g}`) % spec.buckets);
      weights.push(grams === "each" ? 1 : 1 / ngrams.length);
    }
  }
  for (let i = 0; i + 1 < ws.length; i++) {
    ids.push(fnv1a(`b:${ws[i]} ${ws[i + 1]}`) % spec.buckets);
    weights.push(PAIR_WEIGHT);
  }
  return { ids, weights };
}
