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
 * Most phrasings are shown with the pair itself as the retrieved reference, as serving shows the
 * best match, so the model learns to answer from the reference (which carries over to knowledge it
 * never trained on); the rest without, so it also answers from what it learned.
 */
function showsReference(key: string): boolean {
  return stableFraction(`mode:${key}`) < 0.6;
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
      const references = showsReference(`${pair.pairId}:${i}`)
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
