import { supportMessages } from "@/server/assistant/support-prompt";
import type { ChatFormat, ChatMessage, TrainingExample } from "@/server/inference";
import { stableFraction } from "./split";

export interface SnapshotPairLike {
  pairId: string;
  question: string;
  variants: string[];
  answer: string;
  context: ChatMessage[];
}

/**
 * The pair's own question is always shown with the pair as the retrieved reference, as serving
 * shows the best match, so the model learns to answer from the reference (which carries over to
 * knowledge it never trained on); about 40% of the variants are shown without, so it also answers
 * from what it learned when retrieval finds nothing.
 */
function showsReference(pairId: string, phrasingIndex: number): boolean {
  return phrasingIndex === 0 || stableFraction(`mode:${pairId}:${phrasingIndex}`) < 0.6;
}

/** Every phrasing of every pair as a labelled example, rendered by the bundle's own chat format. */
export function buildSupportExamples(
  format: ChatFormat,
  pairs: SnapshotPairLike[],
  options: { maxTokens: number },
): TrainingExample[] {
  const examples: TrainingExample[] = [];
  for (const pair of pairs) {
    const phrasings = [pair.question, ...pair.variants].filter((q) => q.trim().length > 0);
    phrasings.forEach((question, i) => {
      const references = showsReference(pair.pairId, i)
        ? [{ question: pair.question, answer: pair.answer }]
        : [];
      const messages = [
        ...supportMessages({ question, history: pair.context, references }),
        { role: "assistant", content: pair.answer },
      ];
      examples.push(format.buildTrainingExample(messages, { maxTokens: options.maxTokens }));
    });
  }
  return examples;
}
