/**
 * The approved knowledge as retrieval sees it, held in memory: every phrasing (question and
 * variants) of every approved pair, its vector from the encoder (loaded from the embedding store,
 * encoding and storing only texts it has not seen), and document frequencies for lexical scoring.
 */
import type { Db } from "@/db/client";
import {
  findEmbeddings,
  type IndexedPair,
  listIndexedPairs,
  saveEmbeddings,
  textHash,
} from "@/db/queries/embeddings";
import { confirmedPhrasingKey, listConfirmedPhrasingKeys } from "@/db/queries/feedback";
import type { RetrieverEncoder } from "./encoder";
import { type FeatureSpec, featurize, words } from "./features";

/** Feature space of the lexical scorer when a bundle has no encoder. */
export const LEXICAL_SPEC: FeatureSpec = { buckets: 1 << 18, char_ngrams: [3, 5] };
/** A pair's phrasings beyond this many add little and cost memory at scale. */
const MAX_PHRASINGS_PER_PAIR = 24;
/** Phrasings whose TF-IDF vectors stay cached (a bound on memory for large knowledge bases). */
const MAX_CACHED_LEXICAL = 50_000;
/** The start of an answer is what a customer's words most often echo (and keeps vectors cheap). */
const ANSWER_CHARS = 400;

export interface DenseHit {
  pair: number;
  phrasing: number;
  score: number;
}

/**
 * A pair's phrasings: its question and variants as staff wrote them, its answer (indexed for pairs
 * customers word differently), and customers' questions staff attached from the review queue.
 */
export const PhrasingKind = { curated: 0, answer: 1, confirmed: 2 } as const;

export class KnowledgeIndex {
  private constructor(
    readonly pairs: IndexedPair[],
    /** phrasing -> index of its pair */
    readonly phrasingPair: Int32Array,
    /** What each phrasing is (`PhrasingKind`) */
    readonly phrasingKind: Uint8Array,
    readonly phrasingText: string[],
    /** first phrasing of each pair (phrasings of one pair are contiguous) */
    readonly pairStart: Int32Array,
    /** phrasings x dim, unit rows; empty without an encoder */
    readonly matrix: Float32Array,
    readonly dim: number,
    readonly spec: FeatureSpec,
    private readonly documentFrequency: Float32Array,
    /** Products named by approved pairs, by their normalised words. */
    readonly products: Map<string, string>,
  ) {}

  get size(): number {
    return this.phrasingText.length;
  }

  static async build(
    db: Db,
    encoder: RetrieverEncoder | null,
    previous?: KnowledgeIndex,
  ): Promise<KnowledgeIndex> {
    const pairs = await listIndexedPairs(db);
    const confirmed = await listConfirmedPhrasingKeys(db);
    const texts: string[] = [];
    const owner: number[] = [];
    const kinds: number[] = [];
    const start = new Int32Array(pairs.length + 1);
    pairs.forEach((p, i) => {
      start[i] = texts.length;
      const phrasings = [...new Set([p.question, ...p.variants].map((t) => t.trim()).filter(Boolean))];
      for (const t of phrasings.slice(0, MAX_PHRASINGS_PER_PAIR)) {
        texts.push(t);
        owner.push(i);
        kinds.push(
          confirmed.has(confirmedPhrasingKey(p.id, t)) ? PhrasingKind.confirmed : PhrasingKind.curated,
        );
      }
      const answer = p.answer.trim().slice(0, ANSWER_CHARS);
      if (answer && !phrasings.includes(answer)) {
        texts.push(answer);
        owner.push(i);
        kinds.push(PhrasingKind.answer);
      }
    });
    start[pairs.length] = texts.length;
    const spec = encoder?.spec ?? LEXICAL_SPEC;
    const df = new Float32Array(spec.buckets);
    for (const t of texts) for (const id of new Set(featurize(t, spec).ids)) df[id]! += 1;
    const dim = encoder?.dim ?? 0;
    const matrix = encoder ? await vectorsFor(db, encoder, texts, previous) : new Float32Array(0);
    const products = new Map<string, string>();
    for (const p of pairs) if (p.product?.trim()) products.set(normaliseName(p.product), p.product);
    return new KnowledgeIndex(
      pairs,
      Int32Array.from(owner),
      Uint8Array.from(kinds),
      texts,
      start,
      matrix,
      dim,
      spec,
      df,
      products,
    );
  }

  /** Vector of a phrasing already in the index (for reuse by the next build). */
  vectorOf(text: string): Float32Array | undefined {
    if (!this.dim) return undefined;
    const i = this.textIndex().get(text);
    return i === undefined ? undefined : this.matrix.subarray(i * this.dim, (i + 1) * this.dim);
  }

  private pairPositions: Map<string, number> | undefined;
  /** Where a pair (by id) sits in `pairs`. */
  positionOf(id: string): number | undefined {
    this.pairPositions ??= new Map(this.pairs.map((p, i) => [p.id, i]));
    return this.pairPositions.get(id);
  }

  private textPositions: Map<string, number> | undefined;
  private textIndex(): Map<string, number> {
    if (!this.textPositions) {
      this.textPositions = new Map();
      for (const [i, t] of this.phrasingText.entries()) this.textPositions.set(t, i);
    }
    return this.textPositions;
  }

  /**
   * Best phrasing of each pair by cosine similarity (answers weighted by `answerWeight`), the
   * `limit` best pairs that `allowed` keeps.
   */
  denseSearch(
    query: Float32Array,
    limit: number,
    allowed?: (pair: number) => boolean,
    answerWeight = 1,
  ): DenseHit[] {
    // Typed arrays and a threshold-kept shortlist: at 100,000 pairs a Map of every pair and a
    // full sort cost more than the dot products themselves.
    const pairs = this.pairs.length;
    const bestScore = new Float32Array(pairs).fill(Number.NEGATIVE_INFINITY);
    const bestRow = new Int32Array(pairs);
    const { dim, matrix } = this;
    for (let row = 0; row < this.size; row++) {
      let score = 0;
      const offset = row * dim;
      for (let d = 0; d < dim; d++) score += matrix[offset + d]! * query[d]!;
      if (this.phrasingKind[row] === PhrasingKind.answer) score *= answerWeight;
      const pair = this.phrasingPair[row]!;
      if (score > bestScore[pair]!) {
        bestScore[pair] = score;
        bestRow[pair] = row;
      }
    }
    const hits: DenseHit[] = [];
    let floor = Number.NEGATIVE_INFINITY;
    for (let pair = 0; pair < pairs; pair++) {
      const score = bestScore[pair]!;
      if (score <= floor || (allowed && !allowed(pair))) continue;
      hits.push({ pair, phrasing: bestRow[pair]!, score });
      if (hits.length >= limit * 4) {
        hits.sort((a, b) => b.score - a.score);
        hits.length = limit;
        floor = hits[limit - 1]!.score;
      }
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, limit);
  }

  /** Dense cosine between a query vector and one phrasing. */
  denseScore(query: Float32Array, phrasing: number): number {
    let score = 0;
    const offset = phrasing * this.dim;
    for (let d = 0; d < this.dim; d++) score += this.matrix[offset + d]! * query[d]!;
    return score;
  }

  /** TF-IDF weights of a text's features (idf from the indexed phrasings), as a unit sparse vector. */
  lexicalVector(text: string): Map<number, number> {
    const { ids, weights } = featurize(text, this.spec, "each");
    const n = this.size;
    const v = new Map<number, number>();
    ids.forEach((id, i) => {
      const idf = Math.log((1 + n) / (1 + this.documentFrequency[id]!)) + 1;
      v.set(id, (v.get(id) ?? 0) + weights[i]! * idf);
    });
    let norm = 0;
    for (const x of v.values()) norm += x * x;
    norm = Math.sqrt(norm) || 1;
    for (const [k, x] of v) v.set(k, x / norm);
    return v;
  }

  private lexicalCache = new Map<number, Map<number, number>>();
  /** TF-IDF vector of an indexed phrasing (cached: candidates recur across questions). */
  phrasingLexical(phrasing: number): Map<number, number> {
    let v = this.lexicalCache.get(phrasing);
    if (!v) {
      if (this.lexicalCache.size >= MAX_CACHED_LEXICAL) this.lexicalCache.clear();
      v = this.lexicalVector(this.phrasingText[phrasing]!);
      this.lexicalCache.set(phrasing, v);
    }
    return v;
  }

  phrasingsOf(pair: number): number[] {
    const out: number[] = [];
    for (let i = this.pairStart[pair]!; i < this.pairStart[pair + 1]!; i++) out.push(i);
    return out;
  }
}

/** A product name as the featurizer splits words, so names match questions word for word. */
export function normaliseName(name: string): string {
  return words(name).join(" ");
}

export function cosineSparse(a: Map<number, number>, b: Map<number, number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [k, x] of small) dot += x * (large.get(k) ?? 0);
  return dot;
}

async function vectorsFor(
  db: Db,
  encoder: RetrieverEncoder,
  texts: string[],
  previous: KnowledgeIndex | undefined,
): Promise<Float32Array> {
  const matrix = new Float32Array(texts.length * encoder.dim);
  const hashes = texts.map(textHash);
  const missing: number[] = [];
  texts.forEach((t, i) => {
    const known = previous?.dim === encoder.dim ? previous.vectorOf(t) : undefined;
    if (known) matrix.set(known, i * encoder.dim);
    else missing.push(i);
  });
  const stored = await findEmbeddings(
    db,
    encoder.id,
    missing.map((i) => hashes[i]!),
  );
  const toEncode = missing.filter((i) => {
    const v = stored.get(hashes[i]!);
    if (v && v.length === encoder.dim) matrix.set(v, i * encoder.dim);
    return !v;
  });
  if (toEncode.length) {
    const vectors = await encoder.encode(toEncode.map((i) => texts[i]!));
    for (const [k, i] of toEncode.entries()) matrix.set(vectors[k]!, i * encoder.dim);
    await saveEmbeddings(
      db,
      encoder.id,
      toEncode.map((i, k) => ({ textHash: hashes[i]!, vector: vectors[k]! })),
    );
  }
  return matrix;
}
