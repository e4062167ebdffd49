import type { RankedPair } from "./retriever/retriever";

/** What the bot says when it does not answer from a pair (a company setting; these are defaults). */
export interface AssistantTexts {
  decline: string;
}

export const DEFAULT_ASSISTANT_TEXTS: AssistantTexts = {
  decline:
    "Sorry, I can only help with questions about our products and services, and I don't have an answer for that one. Would you like to talk to a person?",
};

const unquote = (q: string) => q.trim().replace(/[?.!\s]+$/, "");

export function clarifyText(pairs: [RankedPair, RankedPair]): string {
  return `Just to be sure I answer the right question: do you mean “${unquote(pairs[0].question)}” or “${unquote(pairs[1].question)}”?`;
}
