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

/** Share of variants shown with another pair's reference: the answer must still be the pair's own. */
export const MISLEADING_SHARE = 0.1;
/** Off-topic examples (answered with the decline) per pair, and at most in all. */
const OFF_TOPIC_PER_PAIR = 0.25;
const MAX_OFF_TOPIC = 100;

type Reference = { question: string; answer: string } | null;

/**
 * Which reference a phrasing is shown with. The pair's own question always comes with the pair as
 * the retrieved reference, as serving shows the best match, so the model learns to answer from the
 * reference; about a tenth of the variants come with another pair's reference (retrieval can be
 * wrong, and the model must not copy a misleading one), a third with none (it also answers from
 * what it learned), the rest with the right one.
 */
function referenceFor(pair: SnapshotPairLike, i: number, other: SnapshotPairLike | undefined): Reference {
  if (i === 0) return { question: pair.question, answer: pair.answer };
  const draw = stableFraction(`mode:${pair.pairId}:${i}`);
  if (other && draw < MISLEADING_SHARE) return { question: other.question, answer: other.answer };
  if (draw < 0.4) return null;
  return { question: pair.question, answer: pair.answer };
}

/**
 * Every phrasing of every pair as a labelled example, rendered by the bundle's own chat format,
 * plus off-topic messages answered with the decline (so the model declines what it has no
 * knowledge of even when retrieval hands it something).
 */
export function buildSupportExamples(
  format: ChatFormat,
  pairs: SnapshotPairLike[],
  options: { maxTokens: number; offTopic?: string[]; decline?: string },
): TrainingExample[] {
  const examples: TrainingExample[] = [];
  const render = (messages: ChatMessage[]) =>
    examples.push(format.buildTrainingExample(messages, { maxTokens: options.maxTokens }));
  pairs.forEach((pair, p) => {
    const other = pairs.length > 1 ? pairs[(p + 1) % pairs.length] : undefined;
    const phrasings = [pair.question, ...pair.variants].filter((q) => q.trim().length > 0);
    phrasings.forEach((question, i) => {
      const reference = referenceFor(pair, i, other);
      render([
        ...supportMessages({ question, history: pair.context, references: reference ? [reference] : [] }),
        { role: "assistant", content: pair.answer },
      ]);
    });
  });
  if (options.offTopic?.length && options.decline) {
    const count = Math.min(
      MAX_OFF_TOPIC,
      options.offTopic.length,
      Math.ceil(pairs.length * OFF_TOPIC_PER_PAIR),
    );
    options.offTopic.slice(0, count).forEach((question, i) => {
      // Half with a (wrong) retrieved reference, as serving would hand one over.
      const decoy = pairs.length && i % 2 === 0 ? pairs[i % pairs.length] : undefined;
      render([
        ...supportMessages({
          question,
          references: decoy ? [{ question: decoy.question, answer: decoy.answer }] : [],
        }),
        { role: "assistant", content: options.decline! },
      ]);
    });
  }
  return examples;
}
