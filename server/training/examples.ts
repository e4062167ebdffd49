import { supportMessages } from "@/server/assistant/support-prompt";
import type { ChatFormat, ChatMessage, TrainingExample } from "@/server/inference";
import { SHOWINGS_PER_EPOCH } from "./settings";
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

type Render = (messages: ChatMessage[]) => void;

function renderShowing(render: Render, pair: SnapshotPairLike, question: string, reference: Reference) {
  render([
    ...supportMessages({ question, history: pair.context, references: reference ? [reference] : [] }),
    { role: "assistant", content: pair.answer },
  ]);
}

function renderOffTopic(
  render: Render,
  pairs: SnapshotPairLike[],
  options: { offTopic?: string[]; decline?: string },
) {
  if (!options.offTopic?.length || !options.decline) return;
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

const phrasingsOf = (pair: SnapshotPairLike) =>
  [pair.question, ...pair.variants].filter((q) => q.trim().length > 0);

/**
 * Every phrasing of every pair once as a labelled example, rendered by the bundle's own chat
 * format, plus off-topic messages answered with the decline (so the model declines what it has no
 * knowledge of even when retrieval hands it something). Evaluation's held-out phrasings use it.
 */
export function buildSupportExamples(
  format: ChatFormat,
  pairs: SnapshotPairLike[],
  options: { maxTokens: number; offTopic?: string[]; decline?: string },
): TrainingExample[] {
  const examples: TrainingExample[] = [];
  const render: Render = (messages) =>
    examples.push(format.buildTrainingExample(messages, { maxTokens: options.maxTokens }));
  pairs.forEach((pair, p) => {
    const other = pairs.length > 1 ? pairs[(p + 1) % pairs.length] : undefined;
    for (const [i, question] of phrasingsOf(pair).entries())
      renderShowing(render, pair, question, referenceFor(pair, i, other));
  });
  renderOffTopic(render, pairs, options);
  return examples;
}

/**
 * The whole training run's examples, balanced: every epoch shows each pair SHOWINGS_PER_EPOCH
 * times, going through its phrasings in turn across epochs, so a pair with twenty variants is seen
 * exactly as often as one with none (adding variants to one pair never takes training from
 * another). The trainer reads the file once (its epochs are `epochs / passes`, see trainerEpochs).
 */
export function buildTrainingSchedule(
  format: ChatFormat,
  pairs: SnapshotPairLike[],
  options: { maxTokens: number; epochs: number; offTopic?: string[]; decline?: string },
): TrainingExample[] {
  const examples: TrainingExample[] = [];
  const render: Render = (messages) =>
    examples.push(format.buildTrainingExample(messages, { maxTokens: options.maxTokens }));
  const passes = schedulePasses(options.epochs);
  for (let pass = 0; pass < passes; pass++) {
    pairs.forEach((pair, p) => {
      const other = pairs.length > 1 ? pairs[(p + 1) % pairs.length] : undefined;
      const phrasings = phrasingsOf(pair);
      if (!phrasings.length) return;
      for (let k = 0; k < SHOWINGS_PER_EPOCH; k++) {
        const showing = pass * SHOWINGS_PER_EPOCH + k;
        const i = showing % phrasings.length;
        const reference = referenceFor(pair, i === 0 ? 0 : showing, other);
        renderShowing(render, pair, phrasings[i]!, reference);
      }
    });
    renderOffTopic(render, pairs, options);
  }
  return examples;
}

/** Epochs are written out whole (each with its own turn of phrasings); a fraction trims the last. */
export function schedulePasses(epochs: number): number {
  return Math.max(1, Math.ceil(epochs - 1e-9));
}

/** What the trainer is told: the share of the written schedule to train on. */
export function trainerEpochs(epochs: number): number {
  return epochs / schedulePasses(epochs);
}
