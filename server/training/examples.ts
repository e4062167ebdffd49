import { type ReferencePair, supportMessages } from "@/server/assistant/support-prompt";
import type { ChatFormat, ChatMessage, TrainingExample } from "@/server/inference";
import { stableFraction } from "./split";

export interface SnapshotPairLike {
  pairId: string;
  question: string;
  variants: string[];
  answer: string;
  context: ChatMessage[];
}

const REFERENCES_PER_PROMPT = 3;

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

function similarity(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared || 1);
}

/** The other pairs most like each pair: the distractors retrieval would also return. */
function nearestNeighbours(pairs: SnapshotPairLike[], k: number): Map<string, SnapshotPairLike[]> {
  const bags = pairs.map((p) => words(`${p.question} ${p.variants.join(" ")}`));
  const result = new Map<string, SnapshotPairLike[]>();
  pairs.forEach((pair, i) => {
    const ranked = pairs
      .map((other, j) => ({ other, score: i === j ? -1 : similarity(bags[i]!, bags[j]!) }))
      .filter((r) => r.score >= 0)
      .sort((a, b) => b.score - a.score || a.other.pairId.localeCompare(b.other.pairId));
    result.set(
      pair.pairId,
      ranked.slice(0, k).map((r) => r.other),
    );
  });
  return result;
}

type ReferenceMode = "none" | "with-answer" | "distractors-only";

/**
 * How each phrasing is shown: mostly with retrieved references that contain the answer (so the
 * model learns to use what retrieval finds, also for knowledge it was never trained on), sometimes
 * without references or with unhelpful ones (so it also answers from what it learned).
 */
function referenceMode(key: string): ReferenceMode {
  const r = stableFraction(`mode:${key}`);
  return r < 0.5 ? "with-answer" : r < 0.75 ? "none" : "distractors-only";
}

function shuffled<T>(items: T[], key: string): T[] {
  return items
    .map((item, i) => ({ item, rank: stableFraction(`${key}:${i}`) }))
    .sort((a, b) => a.rank - b.rank)
    .map((r) => r.item);
}

/** Every phrasing of every pair as a labelled example, rendered by the bundle's own chat format. */
export function buildSupportExamples(
  format: ChatFormat,
  pairs: SnapshotPairLike[],
  options: { maxTokens: number },
): TrainingExample[] {
  const neighbours = nearestNeighbours(pairs, REFERENCES_PER_PROMPT);
  const examples: TrainingExample[] = [];
  for (const pair of pairs) {
    const phrasings = [pair.question, ...pair.variants].filter((q) => q.trim().length > 0);
    phrasings.forEach((question, i) => {
      const key = `${pair.pairId}:${i}`;
      const mode = referenceMode(key);
      const others: ReferencePair[] = (neighbours.get(pair.pairId) ?? []).map((p) => ({
        question: p.question,
        answer: p.answer,
      }));
      const references =
        mode === "none"
          ? []
          : mode === "with-answer"
            ? shuffled(
                [
                  { question: pair.question, answer: pair.answer },
                  ...others.slice(0, REFERENCES_PER_PROMPT - 1),
                ],
                key,
              )
            : others;
      const messages = [
        ...supportMessages({ question, history: pair.context, references }),
        { role: "assistant", content: pair.answer },
      ];
      examples.push(format.buildTrainingExample(messages, { maxTokens: options.maxTokens }));
    });
  }
  return examples;
}
