/**
 * How the bot answers one customer message, the same for the chat, /v1 and evaluation:
 * retrieve (hybrid ranking) -> decide (answer, clarify, decline) -> generate (the model, grounded on
 * the one pair) -> guard (the curated answer replaces an unfaithful one).
 */
import type { Db } from "@/db/client";
import type { ChatMessage, GenerateRequest, GenerationStream, SamplingOptions } from "@/server/inference";
import { type Decision, decide } from "./decision";
import { resolveFollowUp } from "./follow-up";
import { fixedStream, type GuardVerdict, guardStream } from "./guarded-stream";
import type { RankedPair, Retriever } from "./retriever/retriever";
import { isPromptAttack } from "./safety";
import { supportMessages } from "./support-prompt";
import { type AssistantTexts, clarifyText, DEFAULT_ASSISTANT_TEXTS } from "./texts";

/**
 * Default decoding for support answers: greedy, with guards against loops that look only at the
 * answer, so copying wording from the retrieved reference stays allowed.
 */
export const SUPPORT_SAMPLING: SamplingOptions = {
  temperature: 0,
  repetitionPenalty: 1.1,
  noRepeatNgramSize: 4,
  penalizePrompt: false,
  maxNewTokens: 200,
};

export interface Grounding {
  decision: Decision;
  /** The text retrieval ranked: the question, or the question with the turn it follows up. */
  query: string;
  products: string[];
}

/** Retrieves and decides for the customer's latest message (earlier turns resolve follow-ups). */
export async function groundQuestion(
  db: Db,
  retriever: Retriever,
  question: string,
  history: ChatMessage[] = [],
): Promise<Grounding> {
  if (!question.trim())
    return { decision: { kind: "decline", reason: "empty", score: 0 }, query: question, products: [] };
  if (isPromptAttack(question))
    return { decision: { kind: "decline", reason: "unsafe", score: 0 }, query: question, products: [] };
  const alone = await retriever.rank(db, question);
  const decision = decide(alone.ranked, retriever.calibration, alone.offTopicScore);
  if (decision.kind === "answer") return { decision, query: question, products: alone.products };
  const followUp = await resolveFollowUp(db, retriever, question, history);
  return followUp ?? { decision, query: question, products: alone.products };
}

export interface CustomerAnswer {
  stream: GenerationStream;
  referencePairIds: string[];
  decision: Decision;
  /** Whether the model's answer was served as generated, or replaced by the curated answer. */
  verdict: Promise<GuardVerdict | "not_generated">;
}

/**
 * Answers a customer: grounds the message, then streams the model's answer from the chosen pair
 * through the guard, or the clarifying question, or the decline.
 */
export async function answerCustomer(params: {
  db: Db;
  model: { generate(request: GenerateRequest): GenerationStream };
  retriever: Retriever;
  question: string;
  history?: ChatMessage[];
  sampling?: SamplingOptions;
  signal?: AbortSignal;
  texts?: AssistantTexts;
  /** Release the answer only once the guard passed it whole (clients that cannot take a replacement). */
  hold?: boolean;
}): Promise<CustomerAnswer> {
  const texts = params.texts ?? DEFAULT_ASSISTANT_TEXTS;
  const { decision } = await groundQuestion(params.db, params.retriever, params.question, params.history);
  if (decision.kind === "decline")
    return {
      stream: fixedStream(texts.decline),
      referencePairIds: [],
      decision,
      verdict: Promise.resolve("not_generated"),
    };
  if (decision.kind === "clarify")
    return {
      stream: fixedStream(clarifyText(decision.pairs)),
      referencePairIds: decision.pairs.map((p) => p.id),
      decision,
      verdict: Promise.resolve("not_generated"),
    };
  const { pair } = decision;
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  params.signal?.addEventListener("abort", onAbort, { once: true });
  if (params.signal?.aborted) abort.abort();
  const generated = params.model.generate({
    ...SUPPORT_SAMPLING,
    ...params.sampling,
    // Each turn is answered from its own reference: earlier answers in the prompt get copied.
    messages: supportMessages({ question: params.question, references: [pair] }),
    signal: abort.signal,
  });
  generated.result.finally(() => params.signal?.removeEventListener("abort", onAbort)).catch(() => {});
  const { stream, verdict } = guardStream(generated, () => abort.abort(), {
    reference: pair.answer,
    question: `${pair.question} ${params.question}`,
    otherProducts: await otherProducts(params.db, params.retriever, pair),
    curated: pair.answer,
    hold: params.hold,
  });
  return { stream, referencePairIds: [pair.id], decision, verdict };
}

async function otherProducts(db: Db, retriever: Retriever, pair: RankedPair): Promise<string[]> {
  const index = await retriever.current(db);
  return [...index.products.values()].filter((p) => p !== pair.product);
}
