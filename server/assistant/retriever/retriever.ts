/**
 * Hybrid retrieval over the approved knowledge: dense similarity from the bundle's encoder fused
 * with TF-IDF over the same hashed features, best phrasing per pair. A bundle without an encoder
 * ranks lexically (PostgreSQL full text finds the candidates, TF-IDF scores them): `mode` says which.
 */
import fs from "node:fs";
import path from "node:path";
import type { Db } from "@/db/client";
import { approvedKnowledgeVersion } from "@/db/queries/embeddings";
import { retrieveApprovedPairs } from "@/db/queries/retrieval";
import { type Calibration, DEFAULT_CALIBRATION, readCalibration } from "../decision";
import { OFF_TOPIC_FOR_TUNING } from "../off-topic";
import { RETRIEVER_DIR, RetrieverEncoder } from "./encoder";
import { cosineSparse, KnowledgeIndex, normaliseName, PhrasingKind } from "./knowledge-index";

export interface RankingWeights {
  /** Share of the fused score that is dense similarity (the rest is TF-IDF). */
  denseShare: number;
  /** Scores against a pair's answer count this much of a question's (0 leaves answers out). */
  answerWeight: number;
  /**
   * Share of a pair's score that comes from its second-best phrasing (the rest from its best): one
   * stray phrasing then decides less on its own.
   */
  secondShare: number;
  /**
   * Scores against a customer's question that staff attached to a pair count this much of a
   * curated phrasing's: the same words asked again still find the pair, while a question near that
   * customer's wording but closer to a neighbouring pair's own phrasings stays with the neighbour.
   */
  confirmedWeight: number;
}

/**
 * Measured in bench:answers and bench:feedback (secondShare 0.3: +1–2 points right on banking77, a
 * third fewer answers broken by a round of corrections; confirmedWeight 0.9 against 1 and 0.95 on
 * banking77: 5 instead of 10 and 8 of 390 right answers broken, 118 of 121 corrections fixed).
 */
export const DEFAULT_WEIGHTS: RankingWeights = {
  denseShare: 0.5,
  answerWeight: 0.8,
  secondShare: 0.3,
  confirmedWeight: 0.9,
};
const DENSE_CANDIDATES = 40;
const LEXICAL_CANDIDATES = 20;

export interface RankedPair {
  id: string;
  question: string;
  answer: string;
  product: string | null;
  score: number;
  /** The phrasing that matched best. */
  matched: string;
}

export class Retriever {
  private index: KnowledgeIndex | undefined;
  private version: string | undefined;
  private building: Promise<KnowledgeIndex> | undefined;
  /** Phrasings never matched (evaluation's held-out phrasings, which are approved variants too). */
  excludeTexts = new Set<string>();
  private offTopicVectors: Promise<Float32Array[]> | undefined;
  /** TF-IDF vectors of the off-topic messages: they depend on the index's document frequencies. */
  private offTopicLexical = new WeakMap<KnowledgeIndex, Map<number, number>[]>();

  constructor(
    readonly encoder: RetrieverEncoder | null,
    readonly calibration: Calibration,
    readonly weights: RankingWeights = DEFAULT_WEIGHTS,
  ) {}

  get mode(): "hybrid" | "lexical" {
    return this.encoder ? "hybrid" : "lexical";
  }

  /** The retriever of a model bundle: `<bundle>/retriever/` when present, else lexical. */
  static async forBundle(bundleDir: string | null, weights?: RankingWeights): Promise<Retriever> {
    const dir = bundleDir ? path.join(bundleDir, RETRIEVER_DIR) : null;
    const encoder = dir && fs.existsSync(dir) ? await RetrieverEncoder.load(dir) : null;
    const calibration = (dir && readCalibration(dir)) || DEFAULT_CALIBRATION[encoder ? "hybrid" : "lexical"];
    return new Retriever(encoder, calibration, weights);
  }

  /** The index of today's approved knowledge (rebuilt when any process changed it). */
  async current(db: Db): Promise<KnowledgeIndex> {
    const version = await approvedKnowledgeVersion(db);
    if (this.index && this.version === version) return this.index;
    if (!this.building) {
      const previous = this.index;
      this.building = KnowledgeIndex.build(db, this.encoder, previous)
        .then((index) => {
          this.index = index;
          this.version = version;
          return index;
        })
        .finally(() => {
          this.building = undefined;
        });
    }
    return this.building;
  }

  /** Products the question names (by the products' own words), from the approved knowledge. */
  static productsNamed(index: KnowledgeIndex, question: string): string[] {
    const q = ` ${normaliseName(question)} `;
    return [...index.products].filter(([words]) => words && q.includes(` ${words} `)).map(([, name]) => name);
  }

  /**
   * Approved pairs ranked for a question, best first. A question that names products is matched
   * only with those products' pairs and with pairs of no product.
   */
  async rank(db: Db, question: string, options: { limit?: number; excludeTexts?: Set<string> } = {}) {
    const index = await this.current(db);
    const text = question.trim().slice(0, 1000);
    if (!text || index.pairs.length === 0)
      return { ranked: [] as RankedPair[], products: [] as string[], offTopicScore: 0 };
    const products = Retriever.productsNamed(index, text);
    const allowed = products.length
      ? (pair: number) => {
          const p = index.pairs[pair]!.product;
          return !p || products.includes(p);
        }
      : undefined;
    const candidates = new Set<number>();
    const query = this.encoder ? (await this.encoder.encode([text]))[0]! : undefined;
    const { denseShare, answerWeight } = this.weights;
    if (query)
      for (const hit of index.denseSearch(query, DENSE_CANDIDATES, allowed, answerWeight))
        candidates.add(hit.pair);
    // Without an encoder PostgreSQL full text finds the candidates. With one, the dense scan already
    // covers shared words (its features are the words), and the full-text query costs most of a
    // ranking at 100,000 pairs.
    if (!query)
      for (const r of await retrieveApprovedPairs(db, text, LEXICAL_CANDIDATES)) {
        const i = index.positionOf(r.id);
        if (i !== undefined && (!allowed || allowed(i))) candidates.add(i);
      }
    const lexicalQuery = index.lexicalVector(text);
    const ranked: RankedPair[] = [];
    const { secondShare, confirmedWeight } = this.weights;
    for (const pair of candidates) {
      let best = -Infinity;
      let second = -Infinity;
      let matched = 0;
      for (const phrasing of index.phrasingsOf(pair)) {
        const text = index.phrasingText[phrasing]!;
        if (options.excludeTexts?.has(text) || this.excludeTexts.has(text)) continue;
        const kind = index.phrasingKind[phrasing];
        const weight =
          kind === PhrasingKind.answer ? answerWeight : kind === PhrasingKind.confirmed ? confirmedWeight : 1;
        if (weight === 0) continue;
        const lexical = cosineSparse(lexicalQuery, index.phrasingLexical(phrasing));
        const fused = query
          ? denseShare * index.denseScore(query, phrasing) + (1 - denseShare) * lexical
          : lexical;
        const score = weight * fused;
        if (score > best) {
          second = best;
          best = score;
          matched = phrasing;
        } else if (score > second) second = score;
      }
      if (best === -Infinity) continue;
      if (secondShare && second > -Infinity) best = (1 - secondShare) * best + secondShare * second;
      const p = index.pairs[pair]!;
      ranked.push({
        id: p.id,
        question: p.question,
        answer: p.answer,
        product: p.product,
        score: best,
        matched: index.phrasingText[matched]!,
      });
    }
    ranked.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
    const offTopicScore = await this.offTopicScore(index, query, lexicalQuery);
    return { ranked: ranked.slice(0, options.limit ?? 5), products, offTopicScore };
  }

  /**
   * How much the message looks like the off-topic and hostile messages the run tuned against,
   * scored like a pair's phrasing: the decision weighs it against the best pair's score.
   */
  private async offTopicScore(
    index: KnowledgeIndex,
    query: Float32Array | undefined,
    lexicalQuery: Map<number, number>,
  ): Promise<number> {
    const { denseShare } = this.weights;
    if (query && this.encoder) this.offTopicVectors ??= this.encoder.encode(OFF_TOPIC_FOR_TUNING);
    const vectors = query && this.offTopicVectors ? await this.offTopicVectors : [];
    let lexicalVectors = this.offTopicLexical.get(index);
    if (!lexicalVectors) {
      lexicalVectors = OFF_TOPIC_FOR_TUNING.map((text) => index.lexicalVector(text));
      this.offTopicLexical.set(index, lexicalVectors);
    }
    let best = 0;
    lexicalVectors.forEach((vector, i) => {
      const lexical = cosineSparse(lexicalQuery, vector);
      let dense = 0;
      const v = vectors[i];
      if (query && v) for (let d = 0; d < v.length; d++) dense += v[d]! * query[d]!;
      best = Math.max(best, query ? denseShare * dense + (1 - denseShare) * lexical : lexical);
    });
    return best;
  }

  async dispose(): Promise<void> {
    await this.encoder?.dispose();
  }
}
