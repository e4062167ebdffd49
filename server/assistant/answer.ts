import type { Db } from "@/db/client";
import { retrieveApprovedPairs } from "@/db/queries/retrieval";
import type { ChatMessage, GenerateRequest, GenerationStream, SamplingOptions } from "@/server/inference";
import { supportMessages } from "./support-prompt";

/** Only the best match: a small model copies one reference reliably, and training shows it one. */
export const REFERENCES_PER_ANSWER = 1;

/**
 * Default decoding for support answers: greedy, with guards against loops that look only at the
 * answer, so copying wording from the retrieved references stays allowed.
 */
export const SUPPORT_SAMPLING: SamplingOptions = {
  temperature: 0,
  repetitionPenalty: 1.1,
  noRepeatNgramSize: 4,
  penalizePrompt: false,
  maxNewTokens: 200,
};

/**
 * The conversation a customer's latest question is answered with: the support instructions and the
 * best-matching approved pair, then the earlier turns and the question.
 */
export async function groundedMessages(db: Db, question: string, history: ChatMessage[] = []) {
  const references = await retrieveApprovedPairs(db, question, REFERENCES_PER_ANSWER);
  return {
    messages: supportMessages({ question, history, references }),
    referencePairIds: references.map((r) => r.id),
  };
}

/**
 * Answers a customer: retrieves the approved pairs that match, renders them with the conversation
 * the same way training does, and streams the model's reply.
 */
export async function answerCustomer(params: {
  db: Db;
  model: { generate(request: GenerateRequest): GenerationStream };
  question: string;
  history?: ChatMessage[];
  sampling?: SamplingOptions;
  signal?: AbortSignal;
}): Promise<{ stream: GenerationStream; referencePairIds: string[] }> {
  const { messages, referencePairIds } = await groundedMessages(params.db, params.question, params.history);
  const stream = params.model.generate({
    ...SUPPORT_SAMPLING,
    ...params.sampling,
    messages,
    signal: params.signal,
  });
  return { stream, referencePairIds };
}
